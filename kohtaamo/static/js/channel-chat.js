// Chat behaviours (the chat works without this file): keep the newest message in view, let a
// ready phrase be edited before sending, send with Ctrl+Enter, and keep the long-polls going.
(function () {
  "use strict";
  // Long-polling (channel/notify.py): a [data-long-poll] element asks for news; the server
  // answers when there is some. An answer with news replaces the element (out of band), and the
  // new one asks again on load. An empty answer (204: the wait ran out) asks again at once (or
  // after data-poll-delay ms); a failure asks again after 1, 2, 4... 30 s.
  var timers = {};
  function again(elt, delay) {
    var id = elt.id;
    clearTimeout(timers[id]);
    timers[id] = setTimeout(function () {
      delete timers[id];
      var current = document.getElementById(id);
      if (current && window.htmx) { window.htmx.trigger(current, "poll-again"); }
    }, delay);
  }
  document.addEventListener("htmx:afterRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-long-poll") || !elt.id) { return; }
    var xhr = e.detail.xhr;
    if (e.detail.successful) {
      elt.dataset.failures = "0";
      if (xhr && xhr.status === 204) { again(elt, parseInt(elt.dataset.pollDelay || "0", 10)); }
      return;
    }
    var failures = parseInt(elt.dataset.failures || "0", 10) + 1;
    elt.dataset.failures = String(failures);
    again(elt, Math.min(30000, 1000 * Math.pow(2, failures - 1)));
  });
  // After sending, a poller that is waiting out a failure asks again at once.
  ["chat-poll", "console-poll"].forEach(function (name) {
    document.addEventListener(name, function () {
      document.querySelectorAll("[data-long-poll]").forEach(function (elt) {
        if (timers[elt.id] && elt.dataset.failures !== "0") { again(elt, 0); }
      });
    });
  });
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
