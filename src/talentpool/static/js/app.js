/* Behaviour every page shares, wired from data- attributes: the Content-Security-Policy allows no inline script
   or style (core/security.py), so templates say what they want and this file does it.

   data-nav-toggle           button: opens and closes the side navigation on a phone
   data-confirm="question"   form: asks before submitting
   data-scope-all            submit button: acts on everything the filter shows (sets the form's "scope" to "all")
   data-tick-all="name"      checkbox: ticks or unticks every checkbox called "name"
   data-width="42"           element: its width in percent (progress and comparison bars)
   data-poll-url="/api/..."  element: fetches that JSON every data-poll-seconds (default 10) and fills its
                             [data-field="a.b"] descendants with the values, and its [data-list="key"] list with one
                             item per row (the row's data-list-text fields joined by " · ") */
(function () {
  "use strict";

  function setWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      var pct = parseFloat(el.dataset.width);
      el.style.width = (isFinite(pct) ? Math.max(0, Math.min(100, pct)) : 0) + "%";
    });
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var open = document.body.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    var all = event.target.closest("[data-scope-all]");
    if (all && all.form && all.form.elements.scope) {
      all.form.elements.scope.value = "all";
    }
  });

  document.addEventListener("change", function (event) {
    var box = event.target.closest("input[data-tick-all]");
    if (!box) return;
    document.querySelectorAll('input[type=checkbox][name="' + box.dataset.tickAll + '"]').forEach(function (c) {
      c.checked = box.checked;
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  });

  function pick(data, path) {
    return path.split(".").reduce(function (v, k) { return v == null ? v : v[k]; }, data);
  }

  function poll(box) {
    var seconds = parseInt(box.dataset.pollSeconds || "10", 10);
    function load() {
      fetch(box.dataset.pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          box.querySelectorAll("[data-field]").forEach(function (el) {
            var v = pick(data, el.dataset.field);
            el.textContent = v == null ? "" : String(v);
          });
          box.querySelectorAll("[data-list]").forEach(function (list) {
            var rows = pick(data, list.dataset.list) || [];
            var fields = (list.dataset.listText || "").split(",");
            list.replaceChildren.apply(list, rows.map(function (row) {
              var li = document.createElement("li");
              li.textContent = fields.map(function (f) { return pick(row, f); }).join(" · ");
              return li;
            }));
          });
          box.dataset.pollLoaded = String(Date.now());
        })
        .catch(function () { /* next round */ });
    }
    window.setInterval(load, Math.max(2, seconds) * 1000);
    load();
  }

  window.tpSetWidths = setWidths;
  document.querySelectorAll("[data-poll-url]").forEach(poll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setWidths(document); });
  } else {
    setWidths(document);
  }
})();
