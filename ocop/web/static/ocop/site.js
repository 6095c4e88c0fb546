// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-toggle]");
  if (!button) return;
  const target = document.getElementById(button.dataset.toggle);
  const open = target.classList.toggle("open");
  button.setAttribute("aria-expanded", String(open));
});
document.addEventListener("change", (event) => {
  const el = event.target.closest("[data-autosubmit]");
  if (el && el.form && !window.htmx) el.form.submit();
});
