// The desk's quick entry: Enter submits from chips too, focus follows a saved contact, and a
// contact code with earlier contacts opens the failure-demand question. Works without this file.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    var el = e.target;
    if (e.key !== "Enter" || !el.form || !el.form.hasAttribute("data-enter-submits")) { return; }
    if (el.type === "checkbox" || el.type === "radio") {
      e.preventDefault();
      el.form.requestSubmit(el.form.querySelector("button[name=save]"));
    }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var saved = document.querySelector("[data-focus-here]");
    if (saved) { saved.removeAttribute("data-focus-here"); saved.focus(); }
    var info = document.getElementById("repeat-info");
    if (info && info.hasAttribute("data-earlier")) {
      var details = document.querySelector("details.repeat");
      if (details) { details.open = true; }
    }
  });
})();
