// Small behaviours attached through data- attributes. The pages work without this file.
(function () {
  "use strict";
  function init(root) {
    root.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.requestSubmit(); });
    });
    root.querySelectorAll("[data-hide-with-js]").forEach(function (el) { el.hidden = true; });
    var summary = root.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
