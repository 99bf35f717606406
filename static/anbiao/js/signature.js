// Signature pad: the principal signs on a canvas; the PNG data URL is posted in the form.
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  if (!canvas) { return; }
  var field = document.getElementById("signature-field");
  var ctx = canvas.getContext("2d");
  var drawing = false;
  var drawn = false;
  function reset() {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    drawn = false;
    field.value = "";
  }
  function point(ev) {
    var r = canvas.getBoundingClientRect();
    return {
      x: (ev.clientX - r.left) * (canvas.width / r.width),
      y: (ev.clientY - r.top) * (canvas.height / r.height)
    };
  }
  canvas.addEventListener("pointerdown", function (ev) {
    drawing = true;
    canvas.setPointerCapture(ev.pointerId);
    var p = point(ev);
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ev.preventDefault();
  });
  canvas.addEventListener("pointermove", function (ev) {
    if (!drawing) { return; }
    var p = point(ev);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    drawn = true;
    ev.preventDefault();
  });
  function finish() {
    if (!drawing) { return; }
    drawing = false;
    if (drawn) { field.value = canvas.toDataURL("image/png"); }
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  canvas.addEventListener("pointerleave", finish);
  var clear = document.getElementById("signature-clear");
  if (clear) { clear.addEventListener("click", reset); }
  reset();
})();
