/* Build step (Node.js, not served): compile Python archives to bytecode with Pyodide's own
 * Python, by autograd/apps/site/bytecode.py. One argument, a JSON object:
 *   {"indexURL": the pyodide folder, "stdLibURL": a stdlib zip to start from (optional),
 *    "module": bytecode.py's path, "jobs": [{"in", "out", "where", "keep_source", "unpacked"}]} */
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const spec = JSON.parse(process.argv[2]);
const { loadPyodide } = await import(pathToFileURL(spec.indexURL + "pyodide.mjs").href);
const options = { indexURL: spec.indexURL, stdout: () => {}, stderr: (line) => console.error(line) };
if (spec.stdLibURL) options.stdLibURL = spec.stdLibURL;
const pyodide = await loadPyodide(options);
pyodide.runPython(readFileSync(spec.module, "utf8"));
for (const job of spec.jobs) {
  pyodide.FS.writeFile("/tmp/in.zip", readFileSync(job.in));
  pyodide.globals.set("job", pyodide.toPy(job));
  const done = pyodide.runPython(
    "compile_archive(open('/tmp/in.zip', 'rb').read(), job['where'], job['keep_source'], job['unpacked'])");
  writeFileSync(job.out, done.toJs());
  done.destroy();
}
