// Print views (checklist exports, reports): <button data-print> opens the browser's print dialog.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    if (ev.target.closest("[data-print]")) {
      ev.preventDefault();
      window.print();
    }
  });
})();
