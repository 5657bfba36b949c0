/* The site's Web Worker: CPython (Pyodide, from this folder) running our package.
 * Every answer comes from autograd.apps.site.worker, which calls the explorer's own API:
 * nothing here computes, it only carries requests in and text out. */
import { loadPyodide } from "./pyodide/pyodide.mjs";

var wheel = new URL(self.location.href).searchParams.get("wheel");

var timings = {};  // milliseconds since the worker started: when Python, then our package, were ready

async function boot() {
  self.postMessage({ progress: "loading Python (Pyodide)…" });
  var pyodide = await loadPyodide({ indexURL: new URL("pyodide/", self.location.href).href });
  timings.python = performance.now();
  self.postMessage({ progress: "loading autograd…" });
  var response = await fetch(new URL(wheel, self.location.href));
  if (!response.ok) throw new Error("cannot load " + wheel + ": " + response.status);
  pyodide.unpackArchive(await response.arrayBuffer(), "wheel");
  var module = pyodide.pyimport("autograd.apps.site.worker");
  timings.autograd = performance.now();
  return { start: module.start, answer: module.answer };
}

var ready = boot();
ready.then(function () { self.postMessage({ progress: "", timings: timings }); },
           function (error) { self.postMessage({ failed: String(error && error.message || error) }); });

self.onmessage = function (event) {
  var id = event.data.id;
  ready.then(function (python) {
    var text = event.data.path === "start" ? "200\n" + python.start() : python.answer(event.data.path, event.data.body);
    var cut = text.indexOf("\n");
    self.postMessage({ id: id, status: Number(text.slice(0, cut)), text: text.slice(cut + 1) });
  }).catch(function (error) {
    self.postMessage({ id: id, status: 500, text: JSON.stringify({ error: String(error && error.message || error) }) });
  });
};
