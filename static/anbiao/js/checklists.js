// Checklist filling: add/remove 存在问题 lines; mark a clause as changed until it is saved.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var add = ev.target.closest("[data-add-problem]");
    if (add) {
      var box = add.closest("[data-problems]");
      var tpl = box.querySelector("template[data-problem-template]");
      var line = tpl.content.firstElementChild.cloneNode(true);
      box.insertBefore(line, tpl);
      var input = line.querySelector("input[type=text]");
      if (input) { input.focus(); }
      markChanged(box);
      return;
    }
    var remove = ev.target.closest("[data-remove-problem]");
    if (remove) {
      var form = remove.closest("form");
      remove.closest(".problem-line").remove();
      markChanged(form);
    }
  });
  function markChanged(el) {
    var form = el.closest ? el.closest("form.clause-form") : null;
    if (!form) { return; }
    var state = form.querySelector("[data-save-state]");
    if (state && !state.hasAttribute("data-dirty")) {
      state.setAttribute("data-dirty", "1");
      state.textContent = "有未保存的修改";
      state.className = "save-state dirty";
    }
  }
  document.addEventListener("input", function (ev) { markChanged(ev.target); });
  document.addEventListener("change", function (ev) { markChanged(ev.target); });
  // Keyboard and screen readers: after a clause is opened ("填写"/"修改"), put the focus on its
  // answer; after "收起", back on its "填写"/"修改" link.
  document.addEventListener("htmx:afterSettle", function (ev) {
    var cfg = ev.detail && ev.detail.requestConfig;
    var elt = cfg && cfg.elt;
    if (!elt || !elt.hasAttribute) { return; }
    var opening = elt.hasAttribute("data-edit");
    if (!opening && !elt.hasAttribute("data-collapse")) { return; }
    var box = document.querySelector(elt.getAttribute("hx-target"));
    if (!box) { return; }
    var focus = opening
      ? (box.querySelector("input[name=result]:checked") || box.querySelector("input[name=result]"))
      : box.querySelector("[data-edit]");
    if (focus) { focus.focus(); }
  });
  // 全部展开 / 全部收起: open or fold every compact row (each row also opens on its own).
  var foldBar = document.querySelector("[data-fold-bar]");
  if (foldBar) { foldBar.hidden = false; }
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-fold-all]");
    if (!btn) { return; }
    var open = btn.getAttribute("aria-pressed") !== "true";
    document.querySelectorAll("details.row-fold").forEach(function (d) { d.open = open; });
    btn.setAttribute("aria-pressed", open ? "true" : "false");
    btn.textContent = open ? "全部收起" : "全部展开";
  });
  // Warn before leaving the page with unsaved clauses.
  window.addEventListener("beforeunload", function (ev) {
    if (document.querySelector("[data-save-state][data-dirty]")) {
      ev.preventDefault();
      ev.returnValue = "";
    }
  });
})();
