/* The site's transport: the explorer's script (static/explore.js) asks window.AutogradTransport
 * instead of the local server, and this sends each request to the Web Worker running our
 * package in Pyodide. A progress line shows while Python loads. */
(function () {
  "use strict";
  var script = document.currentScript;
  var worker = new Worker("worker.js?package=" + encodeURIComponent(script.getAttribute("data-package")) +
                          "&unpack=" + encodeURIComponent(script.getAttribute("data-unpack") || ""), { type: "module" });
  var waiting = {}, next = 0;
  var line = document.createElement("div");
  line.id = "progress"; line.setAttribute("data-testid", "progress"); line.className = "progress";
  line.textContent = "loading Python…";
  document.addEventListener("DOMContentLoaded", function () { document.body.insertBefore(line, document.body.firstChild); });

  worker.onmessage = function (event) {
    var data = event.data;
    if (data.timings) window.AutogradTransport.timings = data.timings;
    if ("progress" in data) { line.textContent = data.progress; line.hidden = !data.progress; return; }
    if ("failed" in data) { line.hidden = false; line.textContent = "Python did not load: " + data.failed; return; }
    var done = waiting[data.id];
    delete waiting[data.id];
    if (done) done(data);
  };

  function ask(path, body) {
    var id = ++next;
    return new Promise(function (resolve) {
      waiting[id] = resolve;
      worker.postMessage({ id: id, path: path, body: JSON.stringify(body) });
    });
  }

  window.AutogradTransport = {
    /* {ok, data} as explore.js reads the server's answers */
    post: function (path, body) {
      return ask(path, body).then(function (a) { return { ok: a.status === 200, data: JSON.parse(a.text) }; });
    },
    start: function () { return ask("start", null).then(function (a) { return JSON.parse(a.text); }); },
    /* the answer's text exactly as the worker wrote it (tests compare it with the command line) */
    raw: function (path, body) { return ask(path, body); }
  };
})();
