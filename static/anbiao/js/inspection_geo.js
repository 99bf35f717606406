// anbiao: the position of on-site photos (督导检查现场照片). When the inspector picks or takes a
// photo, asks the browser for its position and puts "纬度,经度,精度" in the form's hidden
// field; the server burns it into the photo's watermark. Refused, unsupported or slow: the
// field stays empty and the form posts as it is. No inline script (CSP).
(function () {
  "use strict";
  var fields = document.querySelectorAll("input[data-geo]");
  if (!fields.length || !("geolocation" in navigator)) return;
  Array.prototype.forEach.call(fields, function (field) {
    var form = field.form;
    if (!form) return;
    var status = form.querySelector("[data-geo-status]");
    var asking = false;
    function say(text) {
      if (!status) return;
      status.hidden = false;
      status.textContent = text;
    }
    function ask() {
      if (asking || field.value) return;
      asking = true;
      say("正在获取拍摄位置……");
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          var c = pos.coords;
          var acc = Math.round(c.accuracy);
          field.value = c.latitude.toFixed(6) + "," + c.longitude.toFixed(6) + "," + acc;
          asking = false;
          say("已获取拍摄位置（±" + acc + " 米），将写入照片水印。");
        },
        function () {
          asking = false;
          say("未获取拍摄位置（未允许定位或无信号），照片仍可上传，水印中不含位置。");
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    }
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      input.addEventListener("change", ask);
    });
  });
})();
