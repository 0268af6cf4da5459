// Service worker of the outreach field app. Served by /outreach/sw.js, which puts its
// configuration in front of this file as self.KOHTAAMO_OUTREACH (version, the shell's static URLs,
// the logout URLs). Network first: the cache answers only when there is no connection. It keeps
// the outreach home, shift and capture pages and the static files, nothing else; at logout (from
// any page) it deletes its caches and the phone's queue database.
/* global self, caches, indexedDB, fetch, URL, Response */
"use strict";

var CFG = self.KOHTAAMO_OUTREACH || { version: "dev", shell: [], scopePrefix: "/outreach/", staticPrefix: "/static/", logout: [] };
var PREFIX = "kohtaamo-outreach-";
var CACHE = PREFIX + CFG.version;
var DB_NAME = "kohtaamo-outreach";
var PAGES = new RegExp("^" + CFG.scopePrefix.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&") +
  "(shift/[0-9a-f-]{36}/(contact/)?)?$");

function cacheOk(cache, request) {
  return fetch(request, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
    var noStore = (response.headers.get("Cache-Control") || "").indexOf("no-store") !== -1;
    if (response.ok && response.type === "basic" && !noStore) { return cache.put(request, response); }
    return null;
  }).catch(function () { return null; });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(CFG.shell.map(function (url) { return cacheOk(cache, url); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf(PREFIX) === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function clearEverything() {
  var db = new Promise(function (resolve) {
    var request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
  });
  var stores = caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf(PREFIX) === 0; })
      .map(function (k) { return caches.delete(k); }));
  });
  return Promise.all([db, stores]);
}

function networkFirst(request, isPage, keep) {
  return fetch(request).then(function (response) {
    var noStore = (response.headers.get("Cache-Control") || "").indexOf("no-store") !== -1;
    if (keep && !noStore && response.ok && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreSearch: !isPage, ignoreVary: true }).then(function (cached) {
      return cached || new Response("", { status: 503, statusText: "offline" });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && CFG.logout.indexOf(url.pathname) !== -1) {
    event.respondWith(clearEverything().then(function () { return fetch(request); }));
    return;
  }
  if (request.method !== "GET") { return; }
  if (url.pathname.indexOf(CFG.staticPrefix) === 0) {
    // Static files are kept only for outreach pages (after logout nothing is kept again).
    var referrer = request.referrer ? new URL(request.referrer).pathname : "";
    event.respondWith(networkFirst(request, false, referrer.indexOf(CFG.scopePrefix) === 0));
  } else if (PAGES.test(url.pathname)) {
    event.respondWith(networkFirst(request, true, true));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "cache" && Array.isArray(data.urls)) {
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all(data.urls.filter(function (u) { return PAGES.test(new URL(u, self.location.origin).pathname); })
        .map(function (u) { return cacheOk(cache, u); }));
    }));
  } else if (data.type === "clear") {
    event.waitUntil(clearEverything());
  }
});
