// The outreach field app. Check-ins and field contacts go into a queue on the phone (IndexedDB),
// each with an id made here, and are sent to /api/v1/outreach/sync whenever there is a connection.
// Sending the same item twice never duplicates it, so a lost answer is simply sent again.
// The phone keeps only the queue (no names, no identity codes) and the shift's pages for offline
// use; both are cleared at the end of the shift and at logout. Without this file every form is a
// plain form that needs a connection.
(function () {
  "use strict";
  var app = document.querySelector("[data-outreach-app]");
  if (!app || !window.indexedDB) { return; }

  var DB_NAME = "kohtaamo-outreach";
  var QUEUE = "queue";
  var META = "meta";
  var CHUNK = 100;
  var cfg = {
    user: app.dataset.user,
    csrf: app.dataset.csrf,
    syncUrl: app.dataset.syncUrl,
    tokenUrl: app.dataset.tokenUrl,
    swUrl: app.dataset.swUrl
  };
  var page = document.querySelector("[data-shift]");
  var dbPromise = null;

  // IndexedDB -------------------------------------------------------------------------------
  function openDb() {
    if (dbPromise) { return dbPromise; }
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(QUEUE)) { db.createObjectStore(QUEUE, { keyPath: "client_id" }); }
        if (!db.objectStoreNames.contains(META)) { db.createObjectStore(META); }
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); dbPromise = null; };  // let a clear go through
        resolve(db);
      };
      request.onerror = function () { reject(request.error); };
    });
    return dbPromise;
  }

  function run(store, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result = work(tx.objectStore(store));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function pending() {
    return run(QUEUE, "readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.device_time < b.device_time ? -1 : 1; });
    });
  }
  function enqueue(item) { return run(QUEUE, "readwrite", function (s) { s.put(item); }); }
  function forget(ids) {
    return run(QUEUE, "readwrite", function (s) { ids.forEach(function (id) { s.delete(id); }); });
  }
  function getMeta(key) { return run(META, "readonly", function (s) { return s.get(key); }); }
  function setMeta(key, value) { return run(META, "readwrite", function (s) { s.put(value, key); }); }

  function clearEverything() {
    // The queue, the cached pages and the database itself.
    var closing = dbPromise ? dbPromise.then(function (db) { db.close(); }) : Promise.resolve();
    dbPromise = null;
    return closing.then(function () {
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      });
    }).then(function () {
      if (!window.caches) { return null; }
      return caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("kohtaamo-outreach") === 0; })
          .map(function (k) { return caches.delete(k); }));
      });
    });
  }

  // Texts (from <template data-text>, so they are translated on the server) -------------------
  function text(name, vars) {
    var el = document.querySelector('template[data-text="' + name + '"]');
    var value = el ? el.innerHTML.trim() : name;
    Object.keys(vars || {}).forEach(function (k) { value = value.split("{" + k + "}").join(vars[k]); });
    return value;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // Status ----------------------------------------------------------------------------------
  var statusBox = document.querySelector("[data-queue-status]");
  var lastMessage = "";
  function say(message) {
    lastMessage = message || "";
    return updateStatus();
  }
  function updateStatus() {
    if (!statusBox) { return Promise.resolve(); }
    return pending().then(function (items) {
      var n = items.length;
      var line = n === 1 ? text("pending-one") : n > 1 ? text("pending-many", { n: n }) : "";
      var shown = [lastMessage, line].filter(Boolean).join(" ");
      statusBox.hidden = !shown && navigator.onLine;
      statusBox.querySelector("[data-queue-text]").textContent = shown;
      statusBox.querySelector("[data-offline-note]").hidden = navigator.onLine;
      statusBox.dataset.pending = String(n);
      document.documentElement.dataset.outreachPending = String(n);
    }).catch(function () {});
  }
  function showRefused(results) {
    var list = statusBox && statusBox.querySelector("[data-queue-refused]");
    if (!list || !results.length) { return; }
    results.forEach(function (r) {
      var li = document.createElement("li");
      li.textContent = text("refused", { errors: r.errors.map(function (e) { return e.message; }).join("; ") });
      list.appendChild(li);
    });
    list.hidden = false;
  }

  // Sync ------------------------------------------------------------------------------------
  function refreshToken() {
    return fetch(cfg.tokenUrl, { credentials: "same-origin", redirect: "manual" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.csrf) { cfg.csrf = data.csrf; } return !!data; });
  }

  function post(items) {
    return fetch(cfg.syncUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": cfg.csrf },
      body: JSON.stringify({
        sent_at: new Date().toISOString(),
        items: items.map(function (i) {
          return { client_id: i.client_id, kind: i.kind, device_time: i.device_time, payload: i.payload };
        })
      })
    });
  }

  function sendChunk(chunk, retried) {
    return post(chunk).then(function (response) {
      if (response.status === 403 && !retried) {
        return refreshToken().then(function (ok) { return ok ? sendChunk(chunk, true) : { stop: "login" }; });
      }
      if (response.type === "opaqueredirect" || response.status === 401) { return { stop: "login" }; }
      if (!response.ok) { return { stop: "error" }; }
      return response.json();
    });
  }

  var syncing = null;
  function sync() {
    if (syncing) { return syncing; }
    syncing = pending().then(function (items) {
      var chunks = [];
      for (var i = 0; i < items.length; i += CHUNK) { chunks.push(items.slice(i, i + CHUNK)); }
      var sent = [];
      return chunks.reduce(function (chain, chunk) {
        return chain.then(function (stopped) {
          if (stopped) { return stopped; }
          return sendChunk(chunk, false).then(function (data) {
            if (data.stop) { return data.stop; }
            var done = [], refused = [];
            data.items.forEach(function (r) {
              if (r.status === "created" || r.status === "duplicate") { done.push(r.client_id); }
              if (r.status === "invalid") { done.push(r.client_id); refused.push(r); }
            });
            sent = sent.concat(data.items);
            showRefused(refused);
            return forget(done).then(function () { return null; });
          });
        });
      }, Promise.resolve(null)).then(function (stopped) {
        if (stopped === "login") { lastMessage = text("login"); }
        if (sent.length) { document.dispatchEvent(new CustomEvent("outreach:synced", { detail: sent })); }
        return { sent: sent, stopped: stopped };
      });
    }).catch(function () {
      return { sent: [], stopped: "offline" };  // no connection: everything stays queued
    }).then(function (result) {
      syncing = null;
      return updateStatus().then(function () { return result; });
    });
    return syncing;
  }

  // Forms -----------------------------------------------------------------------------------
  function values(form) {
    var data = new FormData(form);
    return {
      get: function (name) { var v = data.get(name); return v === null ? "" : String(v); },
      all: function (name) { return data.getAll(name).map(String); }
    };
  }

  function newClientId(form) {
    var field = form.querySelector('[name="client_id"]');
    if (field) { field.value = uuid(); }
  }

  function locate() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(function (p) {
        resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy: Math.round(p.coords.accuracy) });
      }, function () { resolve(null); }, { timeout: 8000, maximumAge: 60000, enableHighAccuracy: true });
    });
  }

  function queueCheckIn(form) {
    var v = values(form);
    var share = form.querySelector('[name="share_location"]');
    var now = new Date();
    var minutes = parseInt(v.get("next_minutes"), 10) || 60;
    var item = {
      client_id: v.get("client_id") || uuid(),
      kind: "checkin",
      device_time: now.toISOString(),
      payload: { shift: page.dataset.shift, place: v.get("place") || null, next_minutes: minutes, location_consent: false }
    };
    var where = share && share.checked ? locate() : Promise.resolve(null);
    return where.then(function (location) {
      if (location) { item.payload.location = location; item.payload.location_consent = true; }
      return enqueue(item);
    }).then(function () {
      newClientId(form);
      if (share) { share.checked = false; }
      var next = new Date(now.getTime() + minutes * 60000);
      var hhmm = ("0" + next.getHours()).slice(-2) + ":" + ("0" + next.getMinutes()).slice(-2);
      return say(navigator.onLine ? "" : text("queued-checkin")).then(function () {
        return sync();
      }).then(function (result) {
        var ok = result.sent.some(function (r) { return r.client_id === item.client_id && r.status !== "invalid"; });
        if (ok) { say(text("sent-checkin", { time: hhmm })); }
      });
    });
  }

  var savedArea = document.querySelector("[data-saved-area]");
  var savedTemplate = document.querySelector("template[data-saved-template]");
  var PLACEHOLDER = "00000000-0000-0000-0000-000000000000";

  function showSaved(clientId) {
    if (!savedArea || !savedTemplate) { return; }
    var box = savedTemplate.content.firstElementChild.cloneNode(true);
    box.dataset.clientId = clientId;
    box.querySelector("[data-online-actions]").hidden = true;
    box.querySelector("[data-offline-actions]").hidden = false;
    savedArea.replaceChildren(box);
    box.focus();
  }

  function confirmSaved(results) {
    if (!savedArea) { return; }
    var box = savedArea.querySelector("[data-client-id]");
    if (!box) { return; }
    var match = results.filter(function (r) { return r.client_id === box.dataset.clientId; })[0];
    if (!match || match.status === "invalid" || !match.code) { return; }
    box.querySelectorAll("form[action], a[href]").forEach(function (el) {
      var attr = el.tagName === "FORM" ? "action" : "href";
      el.setAttribute(attr, el.getAttribute(attr).split(PLACEHOLDER).join(match.code));
    });
    var csrf = box.querySelector('[name="csrfmiddlewaretoken"]');
    if (csrf) { csrf.value = cfg.csrf; }
    if (match.contact_code) {
      box.querySelector("[data-new-code]").textContent = match.contact_code;
      box.querySelector("[data-new-code-line]").hidden = false;
    }
    box.querySelector("[data-online-actions]").hidden = false;
    box.querySelector("[data-offline-actions]").hidden = true;
    box.dataset.code = match.code;
  }

  function queueContact(form) {
    var v = values(form);
    var themes = v.all("themes");
    var error = form.querySelector("[data-client-error]");
    if (!error) {
      error = document.createElement("p");
      error.className = "field-errors";
      error.setAttribute("role", "alert");
      error.dataset.clientError = "";
      error.tabIndex = -1;
      form.insertBefore(error, form.firstChild);
    }
    error.textContent = "";
    if (!themes.length) { error.textContent = text("need-theme"); error.focus(); return Promise.resolve(); }
    var newCode = !!form.querySelector('[name="new_contact_code"]:checked');
    if (newCode && !navigator.onLine) { error.textContent = text("need-connection"); return Promise.resolve(); }
    var item = {
      client_id: v.get("client_id") || uuid(),
      kind: "contact",
      device_time: new Date().toISOString(),
      payload: {
        shift: page.dataset.shift,
        themes: themes,
        support: v.all("support"),
        result: v.get("result") || "settled",
        identity_level: v.get("identity_level") || "anonymous",
        contact_code: v.get("contact_code"),
        new_contact_code: newCode,
        guided_to: v.get("guided_to"),
        visit: v.get("visit") || null,
        duration_minutes: parseInt(v.get("duration_minutes"), 10) || 5,
        age_band: v.get("age_band"),
        gender: v.get("gender")
      }
    };
    var visit = v.get("visit");
    return enqueue(item).then(function () {
      form.reset();
      var visitField = form.querySelector('[name="visit"]');
      if (visitField) { visitField.value = visit; }  // the next contact is probably at the same stop
      newClientId(form);
      showSaved(item.client_id);
      return say(navigator.onLine ? "" : text("queued-contact"));
    }).then(sync);
  }

  document.addEventListener("outreach:synced", function (e) { confirmSaved(e.detail); });

  document.querySelectorAll("form[data-offline-queue]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("[type=submit]");
      if (button) { button.disabled = true; }
      var work = form.dataset.offlineQueue === "checkin" ? queueCheckIn(form) : queueContact(form);
      work.catch(function () { form.submit(); })  // no IndexedDB (private mode): post the form
        .then(function () { if (button) { button.disabled = false; } });
    });
  });

  // The end of the shift: everything must be sent first; then the phone forgets the shift.
  document.querySelectorAll("form[data-end-shift]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      sync().then(pending).then(function (items) {
        if (items.length) { say(text("end-pending")); return; }
        clearEverything().then(function () { form.submit(); });
      });
    });
  });

  // Logout on an outreach page: try to send what is queued, then clear, then log out. (The
  // service worker also clears at logout from any other page.)
  document.querySelectorAll('form.logout, form[action*="/sessions/end-all/"]').forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var timeout = new Promise(function (resolve) { setTimeout(resolve, 4000); });
      Promise.race([sync(), timeout]).then(clearEverything, clearEverything)
        .then(function () { form.submit(); });
    });
  });

  // Help needs a connection; without one, say whom to call.
  document.querySelectorAll("form[data-help-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }
      event.preventDefault();
      var note = document.querySelector("[data-help-offline]");
      if (note) { note.hidden = false; note.focus(); }
    });
  });

  document.querySelectorAll("[data-show-with-js]").forEach(function (el) { el.hidden = false; });
  if (document.querySelector("[data-shift-ended]")) {
    pending().then(function (items) { if (!items.length) { clearEverything(); } }).catch(function () {});
  }

  // Another user on this phone: the previous user's store goes.
  getMeta("user").then(function (owner) {
    if (owner && owner !== cfg.user) { return clearEverything().then(function () { return setMeta("user", cfg.user); }); }
    return setMeta("user", cfg.user);
  }).then(function () { return sync(); }).catch(function () {});

  window.addEventListener("online", function () { sync(); });
  window.addEventListener("offline", function () { updateStatus(); });
  setInterval(function () { if (navigator.onLine) { pending().then(function (items) { if (items.length) { sync(); } }); } }, 15000);

  // The service worker keeps the shift's pages for use without a connection.
  if ("serviceWorker" in navigator && cfg.swUrl) {
    navigator.serviceWorker.register(cfg.swUrl, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (page && registration.active) {
        var urls = [page.dataset.shiftUrl, page.dataset.contactUrl].filter(Boolean);
        registration.active.postMessage({ type: "cache", urls: urls });
      }
      document.documentElement.dataset.outreachOffline = "ready";
    }).catch(function () {});
  }

  window.KohtaamoOutreach = { sync: sync, pending: pending, post: post, clear: clearEverything };
})();
