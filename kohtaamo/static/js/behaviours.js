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
  // An unchanged safety board answers 204 with the time it was checked (outreach board view).
  document.addEventListener("kohtaamo:board-checked", function (e) {
    var clock = document.querySelector("[data-board-clock-time]");
    if (clock && e.detail && e.detail.at) { clock.textContent = e.detail.at; }
  });
})();
