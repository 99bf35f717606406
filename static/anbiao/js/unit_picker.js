// The 指定单位 picker (anbiao/tasks_reporting/picker.py): a search box over the grouped list,
// 全选 per kind over the units shown. Without this script the list and 全选 still work.
(function () {
  "use strict";
  function setup(picker) {
    var search = picker.querySelector("[data-picker-search]");
    var query = picker.querySelector("[data-picker-query]");
    var count = picker.querySelector("[data-picker-count]");
    search.hidden = false;
    // With the script, 全选 acts on the units shown; it must not post "all of the kind".
    picker.querySelectorAll("[data-picker-all]").forEach(function (all) {
      all.removeAttribute("name");
    });
    function refresh() {
      var chosen = 0;
      picker.querySelectorAll("fieldset[data-kind]").forEach(function (group) {
        var all = group.querySelector("[data-picker-all]");
        var shown = group.querySelectorAll("li:not([hidden]) input[type=checkbox]");
        var on = 0;
        shown.forEach(function (cb) { if (cb.checked) on += 1; });
        chosen += group.querySelectorAll("li input[type=checkbox]:checked").length;
        all.checked = shown.length > 0 && on === shown.length;
        all.indeterminate = on > 0 && on < shown.length;
      });
      count.textContent = "已选 " + chosen + " 个单位";
    }
    function filter() {
      var words = query.value.trim().split(/\s+/).filter(Boolean);
      picker.querySelectorAll("fieldset[data-kind]").forEach(function (group) {
        var shown = 0;
        group.querySelectorAll("li[data-search]").forEach(function (li) {
          var text = li.getAttribute("data-search");
          var hit = words.every(function (w) { return text.indexOf(w) !== -1; });
          li.hidden = !hit;
          if (hit) shown += 1;
        });
        group.hidden = shown === 0 && words.length > 0;
        group.querySelector("[data-picker-none]").hidden = shown > 0;
      });
      refresh();
    }
    picker.addEventListener("change", function (ev) {
      var el = ev.target;
      if (el.matches("[data-picker-all]")) {
        var group = el.closest("fieldset");
        group.querySelectorAll("li:not([hidden]) input[type=checkbox]").forEach(function (cb) {
          cb.checked = el.checked;
        });
      }
      refresh();
    });
    query.addEventListener("input", filter);
    query.addEventListener("keydown", function (ev) { if (ev.key === "Enter") ev.preventDefault(); });
    refresh();
  }
  document.querySelectorAll("[data-unit-picker]").forEach(setup);
})();
