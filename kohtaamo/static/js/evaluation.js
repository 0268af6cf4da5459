// Evaluation pages: a print button where a printable report is offered. Without JavaScript the
// button stays hidden and the browser's own print works the same way.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (el) {
      el.hidden = false;
      el.addEventListener("click", function () { window.print(); });
    });
  });
})();
