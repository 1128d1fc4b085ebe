// Small additions on top of pages that work without JavaScript: photo previews before
// upload (a file that is not a photo is caught before it is sent; the server refuses it
// too), character counters on long text, deadlines that count down, a print button,
// pages that refresh themselves when a work order they show changes, and the big
// screen's live figures.
(function () {
  "use strict";
  var zh = document.documentElement.lang !== "en";

  function previews(input) {
    var list = document.getElementById(input.getAttribute("data-preview"));
    var max = parseInt(input.getAttribute("data-max") || "9", 10);
    var accepted = (input.getAttribute("accept") || "image/").split(",");
    function isPhoto(file) {
      return accepted.some(function (type) { return file.type === type.trim() || (type === "image/" && file.type.indexOf("image/") === 0); });
    }
    function warn(text) {
      var warning = document.createElement("li");
      warning.className = "field-error";
      warning.setAttribute("role", "alert");
      warning.textContent = text;
      list.appendChild(warning);
    }
    input.addEventListener("change", function () {
      if (!list) return;
      list.textContent = "";
      input.removeAttribute("aria-invalid");
      var files = Array.prototype.slice.call(input.files || []);
      var strangers = files.filter(function (file) { return !isPhoto(file); });
      if (strangers.length) {
        // Nothing is sent until every chosen file is a photo.
        input.value = "";
        input.setAttribute("aria-invalid", "true");
        strangers.forEach(function (file) {
          warn(zh ? "这个文件不是照片：" + file.name + "。请选 JPG、PNG 或 WebP 格式的照片。"
                  : "This file is not a photo: " + file.name + ". Please choose JPG, PNG or WebP photos.");
        });
        return;
      }
      if (files.length > max) {
        warn(zh ? "最多选择 " + max + " 张照片，多出的不会上传" : "At most " + max + " photos; the rest will not be sent");
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

  // "已写 12 字，最多 2,000 字" under a long text field, kept as one types.
  function counter(area) {
    var hint = document.getElementById(area.id + "-limit");
    var max = parseInt(area.getAttribute("maxlength") || "0", 10);
    if (!hint || !max) return;
    var limit = max.toLocaleString("en-US");
    function update() {
      var used = Array.from(area.value).length;
      hint.textContent = zh ? "已写 " + used + " 字，最多 " + limit + " 字" : used + " of at most " + limit + " characters";
      hint.classList.toggle("late", used > max);
    }
    area.addEventListener("input", update);
    update();
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

  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // The big screen: each `snapshot` event carries all its figures.
  function bigScreen(url) {
    var offline = document.getElementById("screen-offline");
    var lastTop = null;
    function set(id, value) { var e = document.getElementById(id); if (e) e.textContent = value; }
    function list(id, items, render) {
      var e = document.getElementById(id);
      if (e) e.innerHTML = items.map(render).join("");
    }
    var source = new EventSource(url);
    window.addEventListener("pagehide", function () { source.close(); });
    source.addEventListener("snapshot", function (message) {
      var s = JSON.parse(message.data);
      offline.hidden = true;
      set("screen-title", s.title);
      set("screen-updated", s.updated_at);
      set("screen-today-new", s.today_new);
      set("screen-open", s.open);
      set("screen-overdue", s.overdue);
      set("screen-response", s.response_rate);
      set("screen-resolution", s.resolution_rate);
      set("screen-satisfaction", s.satisfaction_rate);
      list("screen-by-status", s.by_status, function (i) {
        return '<li class="status-' + escape(i.key) + '"><span>' + escape(i.label) + "</span><b>" + i.count + "</b></li>";
      });
      list("screen-by-category", s.by_category, function (i) {
        return '<li><span><span aria-hidden="true">' + escape(i.key) + "</span> " + escape(i.label) + "</span><b>" + i.count + "</b></li>";
      });
      list("screen-buildings", s.buildings, function (c) {
        return '<li class="level-' + c.level + '" title="' + escape(c.name) + '"><span>' + escape(c.name) + "</span><b>" + c.open + "</b></li>";
      });
      list("screen-by-grid", s.by_grid, function (i) {
        return "<li><span>" + escape(i.label) + "</span> <b>" + i.count + "</b></li>";
      });
      var grids = document.getElementById("screen-grids-block");
      if (grids) grids.hidden = s.by_grid.length === 0;
      list("screen-projects", s.projects, function (p) {
        return "<li><b>" + escape(p.title) + '</b> <span class="badge">' + p.percent + '%</span> <span class="when">' + escape(p.step) + "</span></li>";
      });
      var projects = document.getElementById("screen-projects-block");
      if (projects) projects.hidden = s.projects.length === 0;
      var cells = document.getElementById("screen-buildings");
      if (cells) cells.classList.toggle("many", s.buildings.length > 32);
      var top = s.ticker.length ? s.ticker[0].number + s.ticker[0].status : null;
      list("screen-ticker", s.ticker, function (i, index) {
        var fresh = index === 0 && lastTop !== null && top !== lastTop ? ' class="fresh"' : "";
        return "<li" + fresh + "><b>#" + i.number + '</b> <span aria-hidden="true">' + escape(i.icon) + "</span> " + escape(i.category) +
          ' <span class="where">' + escape(i.building) + '</span> <span class="badge status-' + escape(i.status) + '">' +
          escape(i.status_label) + '</span> <span class="when">' + escape(i.at) + "</span></li>";
      });
      lastTop = top;
    });
    // EventSource reconnects by itself; say so while it is away.
    source.addEventListener("error", function () { offline.hidden = false; });
  }

  // Pages marked data-live refresh their content when a work order they show changes,
  // unless the person is typing in a form.
  function livePage(main) {
    if (!window.EventSource || !window.DOMParser) return;
    var only = main.getAttribute("data-live-order");
    var editing = false, pending = null;
    main.addEventListener("input", function () { editing = true; });
    // A form on its way out takes the page with it: nothing to refresh.
    document.addEventListener("submit", function () { editing = true; });
    function refresh() {
      pending = null;
      var active = document.activeElement;
      if (editing || (active && main.contains(active) && /INPUT|TEXTAREA|SELECT/.test(active.tagName))) return;
      fetch(location.href, { credentials: "same-origin" }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        if (fresh && !editing) {
          main.innerHTML = fresh.innerHTML;
          main.querySelectorAll("input[type=file][data-preview]").forEach(previews);
          main.querySelectorAll("textarea[data-counter]").forEach(counter);
          countdown();
        }
      });
    }
    var source = new EventSource("/live");
    // Browsers allow six connections to one server: a page left behind must give its
    // stream back, or a few pages later nothing else can load.
    window.addEventListener("pagehide", function () { source.close(); });
    window.addEventListener("pageshow", function (event) { if (event.persisted) location.reload(); });
    source.addEventListener("change", function (message) {
      var change = JSON.parse(message.data);
      if (only && String(change.work_order_id) !== only) return;
      if (!pending) pending = setTimeout(refresh, 300);
    });
    source.addEventListener("resync", function () { if (!pending) pending = setTimeout(refresh, 300); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var screen = document.body.getAttribute("data-screen-stream");
    if (screen) bigScreen(screen);
    var live = document.querySelector("main[data-live]");
    if (live) livePage(live);
    document.querySelectorAll("input[type=file][data-preview]").forEach(previews);
    document.querySelectorAll("textarea[data-counter]").forEach(counter);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    // A section marked data-refresh="N" (a vote's live turnout) is read again every N
    // seconds and replaced, unless the person is in a form.
    document.querySelectorAll("[data-refresh]").forEach(function (section) {
      if (!window.DOMParser || !section.id) return;
      var seconds = Math.max(10, parseInt(section.getAttribute("data-refresh"), 10) || 30);
      setInterval(function () {
        var active = document.activeElement;
        if (active && /INPUT|TEXTAREA|SELECT/.test(active.tagName)) return;
        fetch(location.href, { credentials: "same-origin" }).then(function (response) {
          return response.ok ? response.text() : null;
        }).then(function (html) {
          if (!html) return;
          var current = document.getElementById(section.id);
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(section.id);
          if (current && fresh) current.innerHTML = fresh.innerHTML;
        });
      }, seconds * 1000);
    });
    // The report form: what neighbours already raised in the same building and
    // category, offered while the resident types ("已有邻居反映过").
    var similar = document.getElementById("similar");
    var reportForm = document.getElementById("report-form");
    if (similar && reportForm && window.fetch) {
      var asked = "";
      var timer = null;
      var ask = function () {
        var data = new FormData(reportForm);
        var description = String(data.get("description") || "").trim();
        var category = String(data.get("category_id") || "");
        if (description.length < 4 || !category) return;
        var query = "category_id=" + encodeURIComponent(category) +
          "&building_id=" + encodeURIComponent(String(data.get("building_id") || "")) +
          "&description=" + encodeURIComponent(description);
        if (query === asked) return;
        asked = query;
        fetch("/report/similar?" + query, { credentials: "same-origin" }).then(function (response) {
          return response.ok ? response.json() : [];
        }).then(function (found) {
          var list = document.getElementById("similar-list");
          list.textContent = "";
          found.forEach(function (order) {
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = "/orders/" + order.id;
            link.textContent = order.number + " · " + order.status_label;
            item.appendChild(link);
            item.appendChild(document.createTextNode(" " + order.description));
            list.appendChild(item);
          });
          similar.hidden = found.length === 0;
        }).catch(function () {});
      };
      reportForm.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(ask, 600);
      });
      reportForm.addEventListener("change", ask);
    }
    if (document.querySelector("[data-deadline]")) {
      setInterval(countdown, 30000);
    }
  });
})();
