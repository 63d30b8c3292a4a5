/* Behaviour every page shares, wired from data- attributes: the Content-Security-Policy allows no inline script
   or style (core/security.py), so templates say what they want and this file does it.

   data-nav-toggle           button: opens and closes the side navigation on a phone
   data-confirm="question"   form, or one of its submit buttons: asks before submitting (large effects ask first)
   data-scope-all            submit button: acts on everything the filter shows (sets the form's "scope" to "all")
   data-tick-all="name"      checkbox: ticks or unticks every checkbox called "name"
   data-width="42"           element: its width in percent (progress and comparison bars)
   data-poll-url="/api/..."  element: fetches that JSON every data-poll-seconds (default 10) and fills its
                             [data-field="a.b"] descendants with the values, and its [data-list="key"] list with one
                             item per row (the row's data-list-text fields joined by " · ")
   data-picker="/url"        text input: as one types (人工, 330106, 西湖), offers the matches of url?q=... from the
                             reference tables (JSON list of {code, name} or {value, label}); the code is what is sent
   maxlength="N"             text input or textarea: its limit is stated beside it as "used / N", kept up to date
   data-picker-multi         with data-picker: the field holds several codes separated by commas; the picker looks
                             up the last one and a choice replaces only it (the codes before it are kept)
   data-picker-value="name"  with data-picker: the property of a match put in the field (default: value or code),
                             for a field that holds a name chosen from the table (a campus tour's universities)
   data-show-when="f:a,b"    element: shown (and its inputs enabled) only while the field named f holds a or b;
                             without script every such element stays shown */
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
    var form = event.target.closest("form");
    var button = event.submitter && event.submitter.closest("[data-confirm]");
    var question = (button && button.dataset.confirm) || (form && form.dataset.confirm);
    if (question && !window.confirm(question)) {
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

  var pickerTimers = new WeakMap();

  function pickerList(input) {
    var id = input.getAttribute("list");
    if (!id) {
      id = (input.id || input.name) + "-choices";
      input.setAttribute("list", id);
    }
    var list = document.getElementById(id);
    if (!list) {
      list = document.createElement("datalist");
      list.id = id;
      input.insertAdjacentElement("afterend", list);
    }
    return list;
  }

  function pickerParts(input) {
    /* [codes kept before the one being typed, the one being typed] */
    if (!("pickerMulti" in input.dataset)) return ["", input.value.trim()];
    var parts = input.value.split(/[,，、;；]/);
    var last = parts.pop().trim();
    var kept = parts.map(function (p) { return p.trim(); }).filter(Boolean);
    return [kept.length ? kept.join(", ") + ", " : "", last];
  }

  function pickerFill(input) {
    var split = pickerParts(input), kept = split[0], q = split[1];
    if (!q) return;
    var url = input.dataset.picker + (input.dataset.picker.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
    fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (rows) {
        var list = pickerList(input);
        list.replaceChildren();
        (Array.isArray(rows) ? rows : []).slice(0, 20).forEach(function (row) {
          var option = document.createElement("option");
          var key = input.dataset.pickerValue;
          option.value = kept + (key ? row[key] : (row.value || row.code));
          option.label = row.label || row.full_name || row.name || "";
          option.textContent = option.label;
          list.appendChild(option);
        });
      })
      .catch(function () { /* a picker that cannot answer leaves the field a plain text box */ });
  }

  document.addEventListener("input", function (event) {
    var input = event.target.closest("input[data-picker]");
    if (!input) return;
    clearTimeout(pickerTimers.get(input));
    pickerTimers.set(input, setTimeout(function () { pickerFill(input); }, 200));
  });

  var TEXT_TYPES = ["text", "search", "email", "tel", "url", ""];

  function limitCount(field) {
    var counter = field.limitCounter;
    if (!counter) {
      counter = document.createElement("span");
      counter.className = "limit muted small";
      counter.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", counter);
      field.limitCounter = counter;
    }
    var max = parseInt(field.getAttribute("maxlength"), 10);
    counter.textContent = field.value.length + " / " + max;
    counter.classList.toggle("bad", field.value.length >= max);
  }

  function limitsStated(root) {
    root.querySelectorAll("textarea[maxlength], input[maxlength]").forEach(function (field) {
      if (field.tagName === "INPUT" && TEXT_TYPES.indexOf((field.getAttribute("type") || "").toLowerCase()) < 0) return;
      if (field.type === "hidden") return;
      limitCount(field);
    });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.limitCounter) limitCount(field);
  });

  function showWhen(root) {
    root.querySelectorAll("[data-show-when]").forEach(function (el) {
      var rule = el.dataset.showWhen.split(":"), form = el.closest("form");
      var field = form && form.elements[rule[0]];
      if (!field) return;
      var on = (rule[1] || "").split(",").indexOf(field.value) >= 0;
      var box = el.closest(".field") || el;
      box.hidden = !on;
      [el].concat(Array.prototype.slice.call(box.querySelectorAll("input, select, textarea"))).forEach(function (i) {
        if (i.matches && i.matches("input, select, textarea")) i.disabled = !on;
      });
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.querySelector("[data-show-when]")) showWhen(form);
  });

  window.tpSetWidths = setWidths;
  showWhen(document);
  limitsStated(document);
  document.querySelectorAll("[data-poll-url]").forEach(poll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setWidths(document); });
  } else {
    setWidths(document);
  }
})();
