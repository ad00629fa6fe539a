/* hrbpo's own script. The CSP forbids inline scripts, so pages declare what
   they need with attributes and this file does the work:
   - htmx requests carry the CSRF token from <meta name="csrf-token">;
   - <canvas data-chart='{"type": "bar", "data": {...}}'> becomes a Chart.js chart;
   - <form data-confirm="Really?"> asks before submitting;
   - <select data-autosubmit> submits its form when changed;
   - <input type="radio" data-ticks="a b" data-ticks-in="deps">, once chosen, ticks exactly the
     checkboxes named "deps" whose values are listed (a coverage tier and the dependants it covers);
   - a page sent back with errors puts the focus on the first field marked aria-invalid;
   - <button data-add-row="tpl" data-add-row-into="box"> (a submit button that works without
     JavaScript) instead copies <template id="tpl"> into #box, "__n__" in its names and ids
     becoming the form's next row number (its <input name="rows"> counts them);
     <button data-remove-row hidden> shows, hides its row's [data-remove-choice] checkbox,
     and removes the row (the closest fieldset) when pressed;
   - a table too wide for the screen (it scrolls sideways) can take keyboard
     focus, so it can be scrolled without a mouse;
   - cells of <table class="records"> get their column's heading as
     data-label (phones show each row as a card of labelled values). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // htmx 4 names the event htmx:config:request (headers on ctx.request);
  // htmx 2 named it htmx:configRequest (headers on detail).
  function addCsrfHeader(event) {
    var detail = event.detail || {};
    var headers = detail.ctx ? detail.ctx.request.headers : detail.headers;
    var method = (detail.ctx ? detail.ctx.request.method : detail.verb || "").toUpperCase();
    if (headers && method !== "GET" && method !== "HEAD") headers["X-CSRFToken"] = csrfToken();
  }
  document.addEventListener("htmx:config:request", addCsrfHeader);
  document.addEventListener("htmx:configRequest", addCsrfHeader);

  var PALETTE = ["#1d3557", "#e76f51", "#2a9d8f", "#e9c46a", "#6d597a", "#457b9d", "#8ab17d", "#b56576"];

  function chartConfig(canvas) {
    var config = JSON.parse(canvas.getAttribute("data-chart"));
    var rtl = document.documentElement.dir === "rtl";
    var options = config.options = config.options || {};
    options.locale = options.locale || document.documentElement.lang || "en";
    options.maintainAspectRatio = false;
    options.plugins = options.plugins || {};
    options.plugins.legend = Object.assign({rtl: rtl, display: (config.data.datasets || []).length > 1},
                                           options.plugins.legend);
    options.plugins.tooltip = Object.assign({rtl: rtl}, options.plugins.tooltip);
    // Right to left: the horizontal axis runs from the right, the value axis sits on the right.
    if (rtl && config.type !== "pie" && config.type !== "doughnut") {
      options.scales = options.scales || {};
      options.scales.x = Object.assign({reverse: true}, options.scales.x);
      options.scales.y = Object.assign({position: "right"}, options.scales.y);
    }
    (config.data.datasets || []).forEach(function (dataset, i) {
      var several = config.type === "pie" || config.type === "doughnut" ||
        (config.data.datasets.length === 1 && config.type === "bar");
      if (!dataset.backgroundColor) {
        dataset.backgroundColor = several ? (config.data.labels || []).map(function (_, j) { return PALETTE[j % PALETTE.length]; })
                                          : PALETTE[i % PALETTE.length];
      }
    });
    return config;
  }

  function drawCharts(root) {
    if (typeof Chart === "undefined") return;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = getComputedStyle(document.body).color;
    (root.querySelectorAll ? root : document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.hrbpoChart) return;
      try {
        canvas.hrbpoChart = new Chart(canvas, chartConfig(canvas));
      } catch (error) {
        canvas.setAttribute("data-chart-error", String(error));
        if (window.console) console.error("hrbpo chart:", error);
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) field.form.requestSubmit();
    if (field.checked && field.hasAttribute && field.hasAttribute("data-ticks-in") && field.form) {
      var wanted = field.getAttribute("data-ticks").split(" ");
      field.form.querySelectorAll('input[type="checkbox"]').forEach(function (box) {
        if (box.name === field.getAttribute("data-ticks-in")) box.checked = wanted.indexOf(box.value) !== -1;
      });
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-row], [data-remove-row]");
    if (!button) return;
    event.preventDefault();
    if (button.hasAttribute("data-remove-row")) {
      var row = button.closest("fieldset");
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      if (next) (next.querySelector("input, select, textarea") || next).focus();
      return;
    }
    var counter = button.form.querySelector('input[name="rows"]');
    var number = String(counter.value);
    counter.value = Number(counter.value) + 1;
    var copy = document.getElementById(button.getAttribute("data-add-row")).content.cloneNode(true);
    copy.querySelectorAll("[id], [name], [for], [aria-describedby]").forEach(function (el) {
      ["id", "name", "for", "aria-describedby"].forEach(function (attr) {
        if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).split("__n__").join(number));
      });
    });
    enhanceRows(copy);
    var box = document.getElementById(button.getAttribute("data-add-row-into"));
    box.appendChild(copy);
    box.lastElementChild.querySelector("input, select, textarea").focus();
  });

  function enhanceRows(root) {
    root.querySelectorAll("[data-remove-row]").forEach(function (button) {
      button.hidden = false;
      var choice = button.closest("fieldset").querySelector("[data-remove-choice]");
      if (choice) choice.hidden = true;
    });
  }

  function focusFirstError() {
    var field = document.querySelector('main [aria-invalid="true"]');
    if (field) field.focus();
  }

  function focusableScrollers() {
    document.querySelectorAll(".table-wrap, main table").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "");
      } else if (!scrolls && box.hasAttribute("data-scroll-focus")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    });
  }

  function labelCells(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("table.records").forEach(function (table) {
      var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (headings[i] && cell.colSpan === 1 && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", headings[i]);
          }
        });
      });
    });
  }

  function enhance(root) {
    enhanceRows(root.querySelectorAll ? root : document);
    drawCharts(root);
    labelCells(root);
    focusableScrollers();
  }

  if (window.htmx && htmx.onLoad) {
    htmx.onLoad(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); focusFirstError(); });
  } else {
    enhance(document);
    focusFirstError();
  }
  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(focusableScrollers, 150);
  });
})();
