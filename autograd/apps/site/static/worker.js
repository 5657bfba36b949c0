/* The site's Web Worker: CPython (Pyodide, from this folder) running our package.
 * Every answer comes from autograd.apps.site.worker, which calls the explorer's own API:
 * nothing here computes, it only carries requests in and text out. */
import { loadPyodide } from "./pyodide/pyodide.mjs";

// our package: a zip of its modules, compiled to bytecode by the build, put on sys.path as it is;
// the problem sheets' dependencies (when the page asks for them): unpacked into a folder, since
// they open files of their own by path
var ARCHIVE = "/lib/autograd.zip", FOLDER = "/lib/course";
var asked = new URL(self.location.href).searchParams;

function load(name) {
  var url = new URL(name, self.location.href);
  return fetch(url).then(function (response) {
    if (!response.ok) throw new Error("cannot load " + url + ": " + response.status);
    return response.arrayBuffer();
  });
}

var timings = {};  // milliseconds since the worker started: when Python, then our package, were ready

async function boot() {
  self.postMessage({ progress: "loading Python (Pyodide)…" });
  // fetched while Python starts, not after
  var archive = load(asked.get("package")), unpack = asked.get("unpack") ? load(asked.get("unpack")) : null;
  var pyodide = await loadPyodide({ indexURL: new URL("pyodide/", self.location.href).href });
  timings.python = performance.now();
  self.postMessage({ progress: "loading autograd…" });
  pyodide.FS.writeFile(ARCHIVE, new Uint8Array(await archive));
  pyodide.runPython("import sys; sys.path.insert(0, '" + ARCHIVE + "')");
  if (unpack) {
    pyodide.unpackArchive(await unpack, "zip", { extractDir: FOLDER });
    pyodide.runPython("import sys; sys.path.append('" + FOLDER + "')");
  }
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
