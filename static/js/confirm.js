// Forms with data-confirm="question" ask before they are sent: the Content-Security-Policy
// allows no inline onsubmit handler. (htmx requests ask through hx-confirm instead.)
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) event.preventDefault();
});
