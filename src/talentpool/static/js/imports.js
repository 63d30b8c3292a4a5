/* Import pages: upload with live progress (import list) and progress until finished (import detail).
   The progress box (#import-progress) carries its URLs and its status line's wording in data- attributes:
   data-progress-url, data-status-template ("%(status)s: %(done)s of %(total)s rows", translated) and, on a detail
   page whose import is unfinished, data-poll. Without fetch the upload form simply posts and redirects. */
(function () {
  "use strict";

  function show(box, job) {
    box.hidden = false;
    var bar = box.querySelector(".progress");
    bar.setAttribute("aria-valuenow", job.percent);
    bar.firstElementChild.style.width = job.percent + "%";
    var line = (box.dataset.statusTemplate || "")
      .replace("%(status)s", job.status_label).replace("%(done)s", job.rows_done).replace("%(total)s", job.total_rows);
    box.querySelector("#import-progress-line").textContent =
      line + " · " + job.summary + (job.file_error ? " · " + job.file_error : "");
  }

  function poll(box, url, onJob) {
    var timer = setInterval(function () {
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          var job = data && ("job" in data ? data.job : data);
          if (!job) return;
          show(box, job);
          if (onJob) onJob(job);
          if (job.finished || job.interrupted) clearInterval(timer);
        }).catch(function () {});
    }, 700);
    return timer;
  }

  function uploadWithProgress(form, box) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var errors = document.getElementById("import-form-errors");
      errors.textContent = "";
      box.hidden = false;
      form.querySelector("button[type=submit]").disabled = true;
      var timer = poll(box, form.dataset.latestUrl);
      fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                          headers: {"X-Requested-With": "fetch", "Accept": "application/json"}})
        .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
        .then(function (res) {
          clearInterval(timer);
          if (res.ok) { show(box, res.data); window.location = res.data.url; return; }
          box.hidden = true;
          form.querySelector("button[type=submit]").disabled = false;
          var problems = (res.data.error && res.data.error.problems) || {};
          Object.keys(problems).forEach(function (k) {
            problems[k].forEach(function (m) {
              var li = document.createElement("li");
              li.textContent = m;
              errors.appendChild(li);
            });
          });
        })
        .catch(function () { clearInterval(timer); form.submit(); });
    });
  }

  function start() {
    if (!window.fetch) return;
    var box = document.getElementById("import-progress");
    if (!box) return;
    var form = document.getElementById("import-form");
    if (form && window.FormData) uploadWithProgress(form, box);
    if (box.hasAttribute("data-poll")) {
      poll(box, box.dataset.progressUrl, function (job) { if (job.finished || job.interrupted) window.location.reload(); });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
