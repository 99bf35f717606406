// anbiao: 离线检查 — the inspection form that works without connection (网格员 on site).
// Drafts and their photos are kept on the phone (IndexedDB "anbiao-offline"); the queue shows
// what waits; when the connection is back each draft is posted once to the sync endpoint
// with its own UUID (the server keeps it unique: a resend answers with the same inspection).
// A conflict or a refusal stays in the queue with the server's message until the inspector
// resolves it. The service worker (/inspections/sw.js) keeps this page and its assets.
// No inline script (CSP); every text shown is Chinese.
(function () {
  "use strict";
  var root = document.getElementById("offline-app");
  if (!root) return;
  var cfg = {
    sync: root.getAttribute("data-sync-url"),
    targets: root.getAttribute("data-targets-url"),
    sw: root.getAttribute("data-sw-url"),
    scope: root.getAttribute("data-scope"),
    user: root.getAttribute("data-user")
  };
  var $ = function (id) { return document.getElementById(id); };
  var STATES = {
    queued: ["待发送", "tag-warn"], sending: ["发送中", "tag-warn"], sent: ["已发送", "tag-ok"],
    conflict: ["冲突，未发送", "tag-danger"], invalid: ["需修改，未发送", "tag-danger"],
    login: ["等待重新登录", "tag-warn"]
  };

  // --- IndexedDB ------------------------------------------------------------------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open("anbiao-offline", 1);
        req.onupgradeneeded = function () {
          var d = req.result;
          d.createObjectStore("drafts", { keyPath: "key" });
          var photos = d.createObjectStore("photos", { keyPath: "id" });
          photos.createIndex("draft", "draft");
          d.createObjectStore("meta", { keyPath: "name" });
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function run(stores, mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(stores, mode);
        var out = fn(t);
        t.oncomplete = function () { resolve(out && typeof out === "object" && "result" in out ? out.result : out); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  function getAll(store) {
    return run([store], "readonly", function (t) { return t.objectStore(store).getAll(); });
  }
  function get(store, key) {
    return run([store], "readonly", function (t) { return t.objectStore(store).get(key); });
  }
  function put(store, value) {
    return run([store], "readwrite", function (t) { t.objectStore(store).put(value); });
  }
  function photosOf(key) {
    return run(["photos"], "readonly", function (t) {
      return t.objectStore("photos").index("draft").getAll(key);
    });
  }
  function dropPhotos(ids) {
    return run(["photos"], "readwrite", function (t) {
      ids.forEach(function (id) { t.objectStore("photos").delete(id); });
    });
  }

  // --- helpers --------------------------------------------------------------------------------
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function today() {
    var d = new Date();
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 10);
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function button(text, onClick) {
    var b = el("button", "btn btn-secondary btn-small", text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // --- network and the service worker ---------------------------------------------------------
  function showNet() {
    $("off-net").textContent = navigator.onLine ? "在线" : "离线（草稿保存在本机，联网后自动发送）";
  }
  window.addEventListener("online", function () { showNet(); refreshLists().then(sync); });
  window.addEventListener("offline", showNet);
  var keepTries = 0;
  function showApp() {
    var sw = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (!sw) {
      $("off-app-state").textContent = "尚未就绪（请联网打开本页一次）。";
      return;
    }
    // ready only once the worker confirms that this page is kept on the phone
    var channel = new MessageChannel();
    channel.port1.onmessage = function (ev) {
      if (ev.data === "kept") {
        $("off-app-state").textContent = "已就绪：本页已保存到本机，没有网络时也能打开。可用浏览器菜单“添加到主屏幕”安装。";
        root.setAttribute("data-sw", "ready");
      } else if (keepTries < 5 && navigator.onLine) {
        keepTries += 1;
        window.setTimeout(showApp, 3000);
      } else {
        $("off-app-state").textContent = "尚未就绪：本页未能保存到本机，请联网后刷新本页。";
      }
    };
    sw.postMessage("keep-page", [channel.port2]);
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("controllerchange", showApp);
    navigator.serviceWorker.register(cfg.sw, { scope: cfg.scope }).then(function () {
      if (navigator.serviceWorker.controller) showApp();
    }, function () {
      $("off-app-state").textContent = "本浏览器无法离线使用（请用新版 Chrome、Edge 或手机自带浏览器的极速模式）。";
    });
  } else {
    $("off-app-state").textContent = "本浏览器不支持离线使用。";
  }

  // --- the lists kept on the phone: units in scope, open drafts -------------------------------
  var lists = { targets: [], drafts: [] };
  function applyLists(meta) {
    if (!meta || meta.user !== cfg.user) return;
    lists = meta.data;
    $("off-list-age").textContent = "已保存到本机（" + meta.data.fetched_at + " 更新，共 " +
      meta.data.targets.length + " 个单位）";
    root.setAttribute("data-lists", "ready");
    fillTargets();
    var mode = $("off-mode"), keep = mode.value;
    while (mode.options.length > 1) mode.remove(1);
    lists.drafts.forEach(function (d) {
      mode.add(new Option("补充草稿检查：" + d.date + " " + d.target_name, d.id));
    });
    mode.value = keep;
  }
  function refreshLists() {
    if (!navigator.onLine) return Promise.resolve();
    return fetch(cfg.targets, { credentials: "same-origin", redirect: "manual" }).then(function (res) {
      if (!res.ok) {
        if (res.type !== "opaqueredirect") retryLater(refreshLists); // a passing server error
        return null;
      }
      return res.json().then(function (data) {
        var meta = { name: "lists", user: cfg.user, data: data };
        return put("meta", meta).then(function () { applyLists(meta); });
      });
    }).catch(function () { /* offline after all: the kept lists stay */ });
  }
  function fillTargets() {
    var select = $("off-target"), q = $("off-target-q").value.trim(), keep = select.value;
    while (select.options.length > 1) select.remove(1);
    var shown = 0;
    lists.targets.forEach(function (t) {
      if ((q && t.name.indexOf(q) === -1 && t.id !== keep) || (shown >= 200 && t.id !== keep)) return;
      select.add(new Option(t.kind === "企业" ? t.name : t.name + "（" + t.kind + "）", t.id));
      shown += 1;
    });
    select.value = keep;
  }
  $("off-target-q").addEventListener("input", fillTargets);
  $("off-mode").addEventListener("change", function () {
    $("off-header").hidden = !!$("off-mode").value;
  });

  // --- the form ---------------------------------------------------------------------------------
  var editing = null; // the draft being changed (a conflict or a refusal), else null
  var counter = 0;
  function renumber() {
    Array.prototype.forEach.call($("off-findings").children, function (fs, i) {
      fs.querySelector("[data-n]").textContent = String(i + 1);
    });
  }
  function askPosition(holder) {
    if (!("geolocation" in navigator) || holder.getAttribute("data-location")) return;
    navigator.geolocation.getCurrentPosition(function (pos) {
      var c = pos.coords;
      holder.setAttribute("data-location", c.latitude.toFixed(6) + "," + c.longitude.toFixed(6) + "," + Math.round(c.accuracy));
    }, function () { /* no position: the photo is stored without one */ },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }
  function addFinding(data) {
    var fs = $("off-finding-tpl").content.firstElementChild.cloneNode(true);
    counter += 1;
    fs.querySelectorAll("[data-f]").forEach(function (input) {
      var id = "off-f" + counter + "-" + input.getAttribute("data-f");
      input.id = id;
      var label = fs.querySelector('[data-for="' + ({ description: "desc" }[input.getAttribute("data-f")] || input.getAttribute("data-f")) + '"]');
      if (label) label.setAttribute("for", id);
    });
    if (data) {
      fs.querySelector('[data-f="description"]').value = data.description || "";
      fs.querySelector('[data-f="grade"]').value = data.grade || "general";
      fs.querySelector('[data-f="deadline"]').value = data.deadline || "";
      fs.setAttribute("data-kept", JSON.stringify(data.photos || []));
      if (data.location) fs.setAttribute("data-location", data.location);
      if ((data.photos || []).length) fs.querySelector("[data-kept]").textContent = "已保存照片 " + data.photos.length + " 张（可再添加）";
    }
    fs.querySelector('[data-f="photos"]').addEventListener("change", function () { askPosition(fs); });
    fs.querySelector("[data-remove]").addEventListener("click", function () { fs.remove(); renumber(); });
    $("off-findings").appendChild(fs);
    renumber();
    return fs;
  }
  $("off-add-finding").addEventListener("click", function () {
    addFinding().querySelector("textarea").focus();
  });
  $("off-photos").addEventListener("change", function () { askPosition($("off-photos")); });
  function resetForm() {
    editing = null;
    $("off-form").reset();
    $("off-date").value = today();
    $("off-findings").textContent = "";
    $("off-header").hidden = false;
    $("off-errors").hidden = true;
    $("off-photos").removeAttribute("data-kept");
    $("off-photos").removeAttribute("data-location");
    $("off-photos-kept").textContent = "";
    $("off-form-title").textContent = "记录检查（保存在本机）";
    fillTargets();
  }
  $("off-reset").addEventListener("click", resetForm);

  function formErrors() {
    var errors = [], mode = $("off-mode").value;
    if (!mode) {
      if (!$("off-target").value) errors.push("被检查单位：请选择被检查单位。");
      if (!$("off-date").value) errors.push("检查日期：请填写检查日期。");
      else if ($("off-date").value > today()) errors.push("检查日期：检查日期不能晚于今天。");
      if (!$("off-inspectors").value.trim()) errors.push("检查人员：请填写检查人员。");
    }
    Array.prototype.forEach.call($("off-findings").children, function (fs, i) {
      if (!fs.querySelector('[data-f="description"]').value.trim()) errors.push("第 " + (i + 1) + " 条问题：请填写问题描述。");
    });
    return errors;
  }

  function storeFiles(key, input, prefix, photos, kept) {
    var ids = kept.slice();
    Array.prototype.forEach.call(input.files || [], function (file, i) {
      var id = key + ":" + prefix + ":" + Date.now().toString(36) + i;
      photos.push({ id: id, draft: key, blob: file, name: file.name || "现场照片.jpg" });
      ids.push(id);
    });
    return ids;
  }

  $("off-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var errors = formErrors();
    var box = $("off-errors");
    box.textContent = "";
    if (errors.length) {
      errors.forEach(function (m) { box.appendChild(el("p", "", m)); });
      box.hidden = false;
      box.scrollIntoView();
      return;
    }
    box.hidden = true;
    var key = editing ? editing.key : uuid();
    var photos = [];
    var mode = $("off-mode").value;
    var chosen = lists.drafts.filter(function (d) { return d.id === mode; })[0];
    var target = mode && chosen ? chosen.target : $("off-target").value;
    var tname = mode && chosen ? chosen.target_name : ($("off-target").selectedOptions[0] || {}).text;
    var findings = Array.prototype.map.call($("off-findings").children, function (fs, i) {
      var kept = JSON.parse(fs.getAttribute("data-kept") || "[]");
      return {
        description: fs.querySelector('[data-f="description"]').value.trim(),
        grade: fs.querySelector('[data-f="grade"]').value,
        deadline: fs.querySelector('[data-f="deadline"]').value,
        photos: storeFiles(key, fs.querySelector('[data-f="photos"]'), "f" + i, photos, kept),
        location: fs.getAttribute("data-location") || ""
      };
    });
    var general = storeFiles(key, $("off-photos"), "g", photos, JSON.parse($("off-photos").getAttribute("data-kept") || "[]"));
    var draft = {
      key: key, owner: cfg.user, saved_at: new Date().toISOString(), state: "queued",
      target: target, target_name: tname || "",
      inspection: mode || "", inspection_version: mode && chosen ? chosen.version : null,
      date: mode && chosen ? chosen.date : $("off-date").value,
      inspectors: mode && chosen ? chosen.inspectors : $("off-inspectors").value.trim(),
      summary: mode ? "" : $("off-summary").value.trim(),
      findings: findings, photos: general,
      location: $("off-photos").getAttribute("data-location") || ""
    };
    var used = {};
    findings.forEach(function (f) { f.photos.forEach(function (id) { used[id] = 1; }); });
    general.forEach(function (id) { used[id] = 1; });
    photosOf(key).then(function (old) {
      var gone = old.filter(function (p) { return !used[p.id]; }).map(function (p) { return p.id; });
      return run(["drafts", "photos"], "readwrite", function (t) {
        photos.forEach(function (p) { t.objectStore("photos").put(p); });
        gone.forEach(function (id) { t.objectStore("photos").delete(id); });
        t.objectStore("drafts").put(draft);
      });
    }).then(function () {
      resetForm();
      say("草稿已保存到本机，" + (navigator.onLine ? "正在发送……" : "联网后自动发送。"));
      return render().then(sync);
    }).catch(function (e) {
      box.textContent = "";
      box.appendChild(el("p", "", "保存到本机失败（" + (e && e.name ? e.name : "存储空间不足？") + "），请重试或减少照片。"));
      box.hidden = false;
    });
  });
  function say(text) {
    var s = $("off-saved") || el("p", "msg msg-success");
    s.id = "off-saved";
    s.setAttribute("role", "status");
    s.textContent = text;
    $("off-queue").insertBefore(s, $("off-queue-list"));
  }

  function edit(d) {
    resetForm();
    editing = d;
    $("off-form-title").textContent = "修改草稿（修改后重新保存，将再次发送）";
    if (d.inspection && lists.drafts.some(function (x) { return x.id === d.inspection; })) {
      $("off-mode").value = d.inspection;
      $("off-header").hidden = true;
    } else {
      $("off-mode").value = "";
      if (lists.targets.some(function (t) { return t.id === d.target; })) $("off-target").value = d.target;
      $("off-date").value = d.date || today();
      $("off-inspectors").value = d.inspectors || "";
      $("off-summary").value = d.summary || "";
    }
    d.findings.forEach(addFinding);
    if (d.photos.length) {
      $("off-photos").setAttribute("data-kept", JSON.stringify(d.photos));
      $("off-photos-kept").textContent = "已保存照片 " + d.photos.length + " 张（可再添加）";
    }
    $("off-form").scrollIntoView();
  }

  // --- the queue ------------------------------------------------------------------------------
  function photoCount(d) {
    return d.photos.length + d.findings.reduce(function (n, f) { return n + f.photos.length; }, 0);
  }
  function update(d, changes) {
    Object.keys(changes).forEach(function (k) { d[k] = changes[k]; });
    return put("drafts", d);
  }
  function remove(d) {
    if (!window.confirm("确定删除这份草稿？删除后无法恢复。")) return;
    photosOf(d.key).then(function (ps) {
      return run(["drafts", "photos"], "readwrite", function (t) {
        ps.forEach(function (p) { t.objectStore("photos").delete(p.id); });
        t.objectStore("drafts").delete(d.key);
      });
    }).then(render);
  }
  function actions(d) {
    var box = el("div", "actions");
    var requeue = function (changes) {
      return function () { update(d, Object.assign({ state: "queued", message: "", messages: [] }, changes)).then(render).then(sync); };
    };
    if (d.state === "conflict") {
      if (d.code === "inspection_changed") box.appendChild(button("仍然发送", requeue({ inspection_version: d.version })));
      if (d.code === "inspection_completed" || d.code === "inspection_gone" || d.code === "inspection_changed") {
        box.appendChild(button("改为新建检查", requeue({ inspection: "", inspection_version: null })));
      }
    }
    if (d.state === "conflict" || d.state === "invalid") {
      if (d.code !== "owner") box.appendChild(button(d.code === "target_out_of_scope" ? "改选被检查单位" : "修改草稿", function () { edit(d); }));
      box.appendChild(button("删除草稿", function () { remove(d); }));
    }
    if (d.state === "queued" || d.state === "login") box.appendChild(button("修改草稿", function () { edit(d); }));
    return box;
  }
  function render() {
    return getAll("drafts").then(function (all) {
      var mine = all.filter(function (d) { return d.owner === cfg.user; });
      var others = all.length - mine.length;
      mine.sort(function (a, b) { return a.saved_at < b.saved_at ? -1 : 1; });
      var list = $("off-queue-list");
      list.textContent = "";
      var waiting = 0, sent = 0;
      mine.forEach(function (d) {
        if (d.state === "sent") sent += 1; else waiting += 1;
        var li = el("li", "off-item off-" + d.state);
        li.setAttribute("data-key", d.key);
        li.setAttribute("data-state", d.state);
        var st = STATES[d.state] || STATES.queued;
        var head = el("p", "off-item-head");
        head.appendChild(el("span", "tag " + st[1], st[0]));
        head.appendChild(document.createTextNode(" " + (d.target_name || "（未选单位）") + " · " + (d.date || "")));
        li.appendChild(head);
        li.appendChild(el("p", "muted", (d.inspection ? "补充已有的草稿检查；" : "新建检查；") +
          d.findings.length + " 条问题，" + photoCount(d) + " 张照片；保存于 " + new Date(d.saved_at).toLocaleString("zh-CN")));
        if (d.message) li.appendChild(el("p", d.state === "conflict" || d.state === "invalid" ? "field-error" : "muted", d.message));
        (d.messages || []).forEach(function (m) { li.appendChild(el("p", "field-error", m)); });
        if (d.state === "sent" && d.result) {
          var a = el("a", "", "查看检查记录");
          a.href = d.result.url;
          var p = el("p", "", (d.result.status === "replayed" ? "服务器已收到过这份草稿（未重复记录）。" : "已记录。") + " ");
          p.appendChild(a);
          li.appendChild(p);
        }
        if (d.state === "login") {
          var login = el("a", "", "重新登录");
          login.href = location.pathname;
          var lp = el("p", "");
          lp.appendChild(login);
          li.appendChild(lp);
        }
        li.appendChild(actions(d));
        list.appendChild(li);
      });
      $("off-queue-count").textContent = String(waiting);
      $("off-queue-empty").hidden = waiting > 0;
      $("off-clear-sent").hidden = sent === 0;
      $("off-others").hidden = others === 0;
      $("off-others").textContent = "本机还有其他账号的草稿 " + others + " 份，请用该账号登录后发送。";
    });
  }
  $("off-clear-sent").addEventListener("click", function () {
    getAll("drafts").then(function (all) {
      return run(["drafts"], "readwrite", function (t) {
        all.forEach(function (d) { if (d.owner === cfg.user && d.state === "sent") t.objectStore("drafts").delete(d.key); });
      });
    }).then(render);
  });

  // --- sending --------------------------------------------------------------------------------
  var retries = 0;
  function retryLater(fn) {
    if (retries >= 10) return;
    retries += 1;
    window.setTimeout(function () { fn(); }, 5000 * retries);
  }
  var syncing = null;
  function payload(d) {
    var keys = ["key", "owner", "target", "inspection", "inspection_version", "date", "inspectors", "summary", "photos", "location"];
    var out = {};
    keys.forEach(function (k) { out[k] = d[k]; });
    out.findings = d.findings.map(function (f) {
      return { description: f.description, grade: f.grade, deadline: f.deadline, photos: f.photos, location: f.location };
    });
    return out;
  }
  function sendOne(d) {
    return photosOf(d.key).then(function (ps) {
      var body = new FormData();
      body.append("draft", JSON.stringify(payload(d)));
      ps.forEach(function (p) { body.append("photo:" + p.id, p.blob, p.name); });
      return update(d, { state: "sending" }).then(render).then(function () {
        return fetch(cfg.sync, {
          method: "POST", body: body, credentials: "same-origin", redirect: "manual",
          headers: { "X-CSRFToken": csrf() }
        });
      });
    }).then(function (res) {
      var type = res.headers.get("Content-Type") || "";
      if (res.type === "opaqueredirect" || res.status === 403 || (res.status === 200 && type.indexOf("json") === -1)) {
        return update(d, { state: "login", message: "登录已失效，草稿仍保存在本机；请重新登录后回到本页，草稿将自动发送。" });
      }
      if (type.indexOf("json") === -1) {
        retryLater(sync);
        return update(d, { state: "queued", message: "服务器暂时无法接收（HTTP " + res.status + "），稍后自动重试。" });
      }
      return res.json().then(function (data) {
        if (data.status === "created" || data.status === "replayed") {
          return update(d, { state: "sent", message: "", messages: [], result: data, sent_at: new Date().toISOString() })
            .then(function () { return photosOf(d.key); })
            .then(function (ps) { return dropPhotos(ps.map(function (p) { return p.id; })); });
        }
        if (data.status === "conflict") {
          return update(d, { state: "conflict", code: data.code, message: data.message, version: data.version });
        }
        if (data.status === "invalid") {
          return update(d, { state: "invalid", message: "服务器拒收，请修改草稿：", messages: data.messages });
        }
        return update(d, { state: "queued", message: "服务器暂时无法接收，稍后自动重试。" });
      });
    }, function () {
      return update(d, { state: "queued", message: "网络不可用，联网后自动发送。" });
    });
  }
  function sync() {
    if (syncing) return syncing;
    if (!navigator.onLine) return render();
    syncing = getAll("drafts").then(function (all) {
      var todo = all.filter(function (d) { return d.owner === cfg.user && (d.state === "queued" || d.state === "sending" || d.state === "login"); });
      return todo.reduce(function (p, d) { return p.then(function () { return sendOne(d); }); }, Promise.resolve());
    }).then(render, render).then(function () { syncing = null; root.setAttribute("data-synced", String(Date.now())); });
    return syncing;
  }
  $("off-send").addEventListener("click", function () { refreshLists().then(sync); });

  // --- start ----------------------------------------------------------------------------------
  showNet();
  resetForm();
  get("meta", "lists").then(applyLists).then(render).then(refreshLists).then(sync);
})();
