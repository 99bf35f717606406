// Registry import preview: one box ticks every "校验位不通过，仍然接受" of the table.
(function () {
  "use strict";
  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    var name = box.getAttribute("data-check-all");
    var form = box.form;
    var label = box.closest("label");
    if (label) { label.hidden = false; }
    box.addEventListener("change", function () {
      form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (item) {
        item.checked = box.checked;
      });
    });
  });
})();
