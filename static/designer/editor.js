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

// Edits go one at a time: one sent before the previous edit's answer came would carry the token
// from before that edit and be refused, as if someone else had changed the draft. It waits for
// the answer instead, then goes with the token the answer brought (after the listener above).
// A waiting edit that asks for confirmation (hx-confirm) asks when its turn comes.
let editing = false;
const waiting = [];
const isEdit = (verb) => draftToken() && verb && verb.toLowerCase() !== "get";
function sendWaiting() {
  // issueRequest runs up to the request's start: one the user cancels leaves `editing` false.
  while (!editing && waiting.length) waiting.shift()();
}
document.addEventListener("htmx:confirm", (event) => {
  if (!editing || !isEdit(event.detail.verb)) return;
  event.preventDefault();
  waiting.push(() => event.detail.issueRequest(false));
});
document.addEventListener("htmx:beforeRequest", (event) => {
  if (isEdit(event.detail.requestConfig && event.detail.requestConfig.verb)) editing = true;
});
document.addEventListener("htmx:afterRequest", (event) => {
  if (!isEdit(event.detail.requestConfig && event.detail.requestConfig.verb)) return;
  editing = false;
  sendWaiting();
});
