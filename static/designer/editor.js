// Mark the open table in the table list when the panel changes without the list being redrawn.
document.addEventListener("htmx:afterSwap", () => {
  const selected = document.getElementById("selected-table");
  const uid = selected ? selected.value : null;
  document.querySelectorAll("#table-list li[data-uid]").forEach((li) => {
    const current = li.dataset.uid === uid;
    li.classList.toggle("selected", current);
    if (current) li.setAttribute("aria-current", "true");
    else li.removeAttribute("aria-current");
  });
});

// The draft's content token goes with every request; each answer brings the current one. An edit
// sent from a page older than the draft's last change is refused (409) instead of undoing it.
const draftToken = () => document.querySelector('meta[name="draft-token"]');
document.addEventListener("htmx:configRequest", (event) => {
  const meta = draftToken();
  if (meta) event.detail.headers["X-Draft-Token"] = meta.content;
});
document.addEventListener("htmx:afterRequest", (event) => {
  const meta = draftToken();
  const token = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Draft-Token");
  if (meta && token) meta.content = token;
});
