// anbiao: the service worker of 离线检查 (served from /inspections/sw.js, scope /inspections/).
// Keeps the offline inspection page and its assets (all our own files, no CDN) so that the
// page opens without connection; drafts and photos live in IndexedDB (inspection_offline.js),
// never here. Requests other than GET (the drafts sent) always go to the network.
"use strict";
var VERSION = "{{ version|escapejs }}";
var CACHE = "anbiao-offline-" + VERSION;
var PAGE = "{{ page|escapejs }}";
var ASSETS = [{% for a in assets %}"{{ a|escapejs }}", {% endfor %}"{{ manifest|escapejs }}"];

function keepPage() {
  // the page with the session's cookie (it is for the signed-in inspector only)
  return caches.open(CACHE).then(function (cache) {
    return fetch(PAGE, { credentials: "same-origin", cache: "reload" }).then(function (res) {
      if (!res.ok || res.redirected) throw new Error("page " + res.status);
      return cache.put(PAGE, res);
    });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); })
      .then(function () { return keepPage().catch(function () { /* the page asks again */ }); })
      .then(function () { return self.skipWaiting(); })
  );
});

// the page asks whether it is kept (and to keep it): answers "kept" or "failed"
self.addEventListener("message", function (event) {
  var port = event.ports && event.ports[0];
  if (event.data !== "keep-page" || !port) return;
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.match(PAGE); })
      .then(function (hit) { return hit || keepPage(); })
      .then(function () { port.postMessage("kept"); }, function () { port.postMessage("failed"); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (k) {
        if (k.indexOf("anbiao-offline-") === 0 && k !== CACHE) return caches.delete(k);
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

function pagePath(url) {
  return url.origin === self.location.origin && url.pathname === PAGE;
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate") {
    // the network first (fresh page, fresh session); without it the kept offline page
    event.respondWith(
      fetch(req).then(function (res) {
        if (pagePath(url) && res.ok && !res.redirected) {
          var copy = res.clone();
          caches.open(CACHE).then(function (cache) { cache.put(PAGE, copy); });
        }
        return res;
      }).catch(function () {
        return caches.open(CACHE).then(function (cache) { return cache.match(PAGE); })
          .then(function (kept) {
            return kept || new Response("<!doctype html><meta charset=utf-8><title>离线</title>" +
              "<p>当前没有网络，离线检查页尚未保存到本机。请联网后打开“离线检查”一次。</p>",
              { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
          });
      })
    );
    return;
  }
  if (ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.open(CACHE).then(function (cache) {
        return cache.match(url.pathname).then(function (hit) { return hit || fetch(req); });
      })
    );
  }
});
