// anbiao: small progressive enhancements. No inline scripts anywhere (CSP).
(function () {
  "use strict";
  // Confirm dangerous actions: <button data-confirm="确定退回？">
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
    }
  }, true);
  // Select-all checkboxes: <input type="checkbox" data-select-all="name">
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("[data-select-all]")) {
      var name = el.getAttribute("data-select-all");
      document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (cb) {
        cb.checked = el.checked;
      });
    }
  });
  // Auto-submit filter forms on change: <form data-autosubmit>
  document.addEventListener("change", function (ev) {
    var form = ev.target.form;
    if (form && form.hasAttribute("data-autosubmit") && ev.target.tagName === "SELECT") {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
  // Menu groups: one open at a time; a click elsewhere closes them.
  document.addEventListener("click", function (ev) {
    document.querySelectorAll("details.navgroup[open]").forEach(function (d) {
      if (!d.contains(ev.target)) { d.removeAttribute("open"); }
    });
  });
})();
