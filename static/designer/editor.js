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
