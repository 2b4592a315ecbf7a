// "Copy" buttons: <button data-copy-target="ID" hidden> copies the text of the element ID.
// The buttons are hidden until this script shows them: without it there is nothing to click.
(() => {
  function show(root) {
    const buttons = root.querySelectorAll ? root.querySelectorAll("[data-copy-target]") : [];
    buttons.forEach((button) => { button.hidden = false; });
  }

  function copyBySelection(source) {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    let copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    if (copied) selection.removeAllRanges();  // else leave it selected, for Ctrl+C
    return copied;
  }

  function say(button, text) {
    const label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = text;
    setTimeout(() => { button.textContent = label; }, 1500);
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest("[data-copy-target]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copyTarget);
    if (!source) return;
    let copied = false;
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(source.textContent); copied = true; } catch (error) { copied = false; }
    }
    if (!copied) copied = copyBySelection(source);
    say(button, copied ? "Copied" : "Selected: press Ctrl+C");
  });

  document.addEventListener("DOMContentLoaded", () => {
    show(document);
    if (window.htmx) window.htmx.onLoad(show);
  });
})();
