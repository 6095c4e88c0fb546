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
// One menu group open at a time; a click elsewhere or Escape closes it.
document.addEventListener("toggle", (event) => {
  const group = event.target;
  if (!group.matches || !group.matches(".nav-group") || !group.open) return;
  document.querySelectorAll(".nav-group[open]").forEach((other) => {
    if (other !== group) other.open = false;
  });
}, true);
document.addEventListener("click", (event) => {
  if (event.target.closest(".nav-group")) return;
  document.querySelectorAll(".nav-group[open]").forEach((group) => { group.open = false; });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".nav-group[open]").forEach((group) => { group.open = false; });
});
// Signing out deletes the pages kept for offline use (docs/offline.md); unsent score sheets stay
// in the device's queue until the server has them.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.action || !new URL(form.action).pathname.endsWith("/dang-xuat/") || !window.caches) return;
  if (form.dataset.cleared) return;
  event.preventDefault();
  caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("ocop-pages-")).map((k) => caches.delete(k))))
    .finally(() => { form.dataset.cleared = "1"; form.submit(); });
});
// A date box shows its date the browser's way: a computer set to English shows 03/04/2026 for
// the 4th of March, which a Vietnamese reader takes for the 3rd of April. The line under each
// date box writes the chosen day in the page's language, day first ("Thứ Tư, 04/03/2026").
const dayWords = new Intl.DateTimeFormat(document.documentElement.lang === "en" ? "en-GB" : "vi", {
  weekday: "long", day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC",
});
function sayDate(input) {
  let said = input.nextElementSibling;
  if (!said || !said.classList.contains("date-said")) {
    said = document.createElement("span");
    said.className = "date-said muted";
    said.setAttribute("aria-live", "polite");
    input.after(said);
  }
  const day = new Date(`${input.value}T00:00:00Z`);  // Invalid Date while the box is empty
  said.textContent = Number.isNaN(day.getTime()) ? "" : dayWords.format(day);
}
const dateBoxes = (root) => root.querySelectorAll('input[type="date"]').forEach(sayDate);
dateBoxes(document);
document.addEventListener("input", (event) => {
  if (event.target.matches('input[type="date"]')) sayDate(event.target);
});
document.addEventListener("htmx:afterSettle", (event) => dateBoxes(event.target));
