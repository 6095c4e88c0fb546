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
// A form's repeated rows (a gift set's products, a route's stops) come as far as they are used,
// with one empty row after them (ocop/core/formrows.py): each row's select holds a province's
// thousand products or producers. "Thêm …" copies that empty row, numbered on, up to the form's
// limit; without JavaScript the rows shown are enough to save and the next edit shows another.
function renumberRow(row, index, number) {
  const from = new RegExp(`_${row.dataset.row}(?=_|$)`);
  const shown = new RegExp(`\\b${row.dataset.rowNumber}\\b`);
  row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach((el) => {
    for (const attr of ["name", "id", "for", "aria-describedby"]) {
      const value = el.getAttribute(attr);
      if (value) el.setAttribute(attr, value.replace(from, `_${index}`));
    }
  });
  row.querySelectorAll("label, legend").forEach((label) => {
    label.childNodes.forEach((node) => {
      if (node.nodeType === Node.TEXT_NODE) node.nodeValue = node.nodeValue.replace(shown, String(number));
    });
  });
  row.querySelectorAll(".errorlist").forEach((list) => list.remove());
  row.querySelectorAll(".has-error").forEach((field) => field.classList.remove("has-error"));
  row.dataset.row = String(index);
  row.dataset.rowNumber = String(number);
  return row;
}
document.querySelectorAll("[data-rows]").forEach((group) => {
  const rows = group.querySelectorAll(":scope > [data-row]");
  const limit = Number(group.dataset.rowsMax);
  if (!rows.length || rows.length >= limit) return;
  const blank = rows[rows.length - 1].cloneNode(true);  // the empty row, before anyone types in it
  blank.querySelectorAll("option[selected]").forEach((option) => option.removeAttribute("selected"));
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-ghost";
  button.textContent = group.dataset.rowsAdd;
  group.after(button);
  button.addEventListener("click", () => {
    const shown = group.querySelectorAll(":scope > [data-row]");
    const last = shown[shown.length - 1];
    const row = renumberRow(blank.cloneNode(true), Number(last.dataset.row) + 1,
                            Number(last.dataset.rowNumber) + 1);
    group.append(row);
    row.querySelector("select, input, textarea").focus();
    if (shown.length + 1 >= limit) button.remove();
  });
});
