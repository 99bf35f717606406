// Work-record form: show only the fields that matter for the chosen kind.
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  if (!kind) return;
  function field(id) {
    var el = document.getElementById(id);
    return el ? el.closest(".field") : null;
  }
  function update() {
    var k = kind.value;
    var training = k === "training" || k === "training_plan";
    document.querySelectorAll("[id^=id_n_]").forEach(function (el) {
      var f = el.closest(".field");
      if (f) f.hidden = !training && !f.classList.contains("has-error");
    });
    var channel = field("id_channel");
    if (channel) channel.hidden = k !== "publicity" && !channel.classList.contains("has-error");
  }
  kind.addEventListener("change", update);
  update();
})();
