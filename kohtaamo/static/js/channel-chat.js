// Chat behaviours (the chat works without this file): keep the newest message in view, let a
// ready phrase be edited before sending, and send with Ctrl+Enter.
(function () {
  "use strict";
  function toBottom(log) { log.scrollTop = log.scrollHeight; }
  function init(root) {
    root.querySelectorAll("[data-chat-log]").forEach(toBottom);
    root.querySelectorAll("[data-phrase-form] select[name=phrase]").forEach(function (select) {
      if (select.dataset.bound) { return; }
      select.dataset.bound = "1";
      select.addEventListener("change", function () {
        var body = select.form.querySelector("textarea[name=body]");
        var option = select.options[select.selectedIndex];
        if (body && select.value !== "" && body.value.trim() === "") {
          body.value = option.text;
          select.value = "";
          body.focus();
        }
      });
    });
    root.querySelectorAll(".chat-form textarea").forEach(function (area) {
      if (area.dataset.bound) { return; }
      area.dataset.bound = "1";
      area.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); area.form.requestSubmit(); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) {
    var log = e.target.closest ? e.target.closest("[data-chat-log]") : null;
    if (log) { toBottom(log); }
    if (e.target.matches && e.target.matches(".chat-form")) {
      init(e.target.parentNode || document);
      var body = e.target.querySelector("textarea[name=body]");
      if (body && !e.target.querySelector(".error-summary")) { body.focus(); }
    }
  });
})();
