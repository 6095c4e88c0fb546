/* Share links: "copy link" copies the page's address; without JavaScript it is a plain link. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.copy-link");
    if (!link || !navigator.clipboard) { return; }
    event.preventDefault();
    navigator.clipboard.writeText(link.href).then(function () {
      link.textContent = link.getAttribute("data-copied") || link.textContent;
    });
  });
}());
