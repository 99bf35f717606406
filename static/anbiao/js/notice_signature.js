// anbiao: signature pad for commitments (承诺书). Draws with pointer events (mouse, pen,
// finger), posts the drawing as a PNG data URL in a hidden field. No inline script (CSP).
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  if (!canvas) return;
  var form = document.getElementById("sign-form");
  var field = document.getElementById("signature-data");
  var error = document.getElementById("signature-error");
  var ctx = canvas.getContext("2d");
  var drawing = false;
  var drawn = false;
  var last = null;

  function resize() {
    // Match the bitmap to the displayed size so strokes land under the finger.
    var rect = canvas.getBoundingClientRect();
    var ratio = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(rect.width * ratio));
    canvas.height = Math.max(1, Math.round(rect.height * ratio));
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    drawn = false;
  }

  function point(ev) {
    var rect = canvas.getBoundingClientRect();
    return { x: ev.clientX - rect.left, y: ev.clientY - rect.top };
  }

  canvas.addEventListener("pointerdown", function (ev) {
    ev.preventDefault();
    drawing = true;
    error.hidden = true;
    last = point(ev);
    if (canvas.setPointerCapture) canvas.setPointerCapture(ev.pointerId);
    ctx.beginPath();
    ctx.arc(last.x, last.y, 1.2, 0, Math.PI * 2);
    ctx.fillStyle = "#111";
    ctx.fill();
    drawn = true;
  });
  canvas.addEventListener("pointermove", function (ev) {
    if (!drawing) return;
    ev.preventDefault();
    var p = point(ev);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
    drawn = true;
  });
  function stop() { drawing = false; }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  canvas.addEventListener("pointerleave", stop);

  document.getElementById("signature-clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
    field.value = "";
  });

  form.addEventListener("submit", function (ev) {
    if (!drawn) {
      ev.preventDefault();
      error.hidden = false;
      return;
    }
    error.hidden = true;
    field.value = canvas.toDataURL("image/png");
  });

  resize();
})();
