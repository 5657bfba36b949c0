/* The explorer's page: it only asks the Python engine (the JSON API) and shows the answers.
 * Numbers on the page are formatted by the server, so they read as the terminal's. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var state = { program: "", values: {}, learn: {}, inputs: [], history: [], historyKey: "", seq: 0, shown: 0, model: null };

  /* The one transport: the local server over HTTP, or (on the static site) whatever
   * window.AutogradTransport is (a Web Worker running the same Python API). */
  var transport = window.AutogradTransport || {
    post: function (path, body) {
      return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); });
    },
    start: function () { return fetch("/api/start").then(function (r) { return r.json(); }); }
  };
  function api(path, body) { return transport.post(path, body); }

  /* ------------------------------------------------------------------ the graph and its stepper */

  var stepper = new AutogradGraph.Stepper(new AutogradGraph.View($("graph")), {
    prev: $("step-backward"), next: $("step-forward"), counter: $("counter"), phase: $("phase"),
    line: $("line"), table: null, showAll: $("show-all") });
  stepper.onShow = function (shown) { fillQuantities(shown); saveLink(); };

  function parameters() {
    var names = state.inputs.length ? state.inputs : Object.keys(state.values);
    return names.filter(function (n) { return state.learn[n]; });
  }
  function at() {
    // the values of the names the program text mentions (the server keeps those it reads as
    // inputs and starts any other input at 1): a name typed again gets its old value back
    var words = {}, out = {};
    ($("program").value.match(/[A-Za-z_][A-Za-z_0-9]*/g) || []).forEach(function (w) { words[w] = true; });
    for (var n in state.values) if (words[n]) out[n] = state.values[n];
    return out;
  }

  var timer = null;
  function refreshSoon() { clearTimeout(timer); timer = setTimeout(refresh, 120); }

  function refresh() {
    var seq = ++state.seq;
    state.program = $("program").value;
    return api("/api/graph", { program: state.program, at: at(), parameters: parameters() }).then(function (answer) {
      if (seq < state.shown) return;   // a later answer is already on the page
      state.shown = seq;
      if (!answer.ok) { showError(answer.data); return; }
      hideError();
      show(answer.data);
    });
  }

  function show(data) {
    var report = data.report, model = data.model;
    var sameInputs = report.inputs.join(",") === state.inputs.join(",");
    report.inputs.forEach(function (n) { state.values[n] = report.values[n]; });
    state.inputs = report.inputs;
    if (!sameInputs) buildInputs(); else syncInputs();
    var key = model.nodes.map(function (nd) { return nd.name; }).join("\u0001");
    var same = state.model && key === state.modelKey;
    state.model = model; state.modelKey = key; state.report = report;
    $("grad-head").textContent = "∂" + report.output + "/∂name";
    buildQuantities(report);
    stepper.load(model, same);
    var output = model.nodes[model.nodes.length - 1];
    $("loss-name").textContent = report.output;
    $("loss").textContent = output.value;
    var historyKey = state.program + "\u0001" + parameters().join(",");
    if (historyKey !== state.historyKey) { state.history = []; state.historyKey = historyKey; }
    if (!state.history.length) { state.history.push(report.value); drawHistory($("history"), state.history, report.output, 1); }
  }

  /* ------------------------------------------------------------------ errors, inline at the column */

  function showError(data) {
    $("error").hidden = false;
    var where = "";
    if (data.line && data.column) {
      var line = state.program.split("\n")[data.line - 1] || "";
      where = line + "\n" + " ".repeat(Math.max(0, data.column - 1)) + "^  line " + data.line + ", column " + data.column;
      var textarea = $("program");
      if (document.activeElement !== textarea && data.position !== undefined) textarea.setSelectionRange(data.position, data.position + 1);
    }
    $("error-where").textContent = where;
    $("error-where").hidden = !where;
    $("error-message").textContent = data.message || data.error;
    $("error-suggestion").textContent = data.suggestion || "";
    $("graph").style.opacity = 0.4;
  }
  function hideError() { $("error").hidden = true; $("graph").style.opacity = 1; }

  /* ------------------------------------------------------------------ inputs: a number field and a slider each */

  function buildInputs() {
    var holder = $("inputs");
    holder.textContent = "";
    // a new input is learnt when it is named as a weight or bias (the server's starting rule);
    // when no input of a new program is, every one is, so the boxes show what a step will move
    var fresh = state.inputs.filter(function (name) { return !(name in state.learn); });
    var named = fresh.filter(function (name) { return /^([wb]\d*|w_?\w*|b_?\d+)$/.test(name); });
    fresh.forEach(function (name) { state.learn[name] = !named.length || named.indexOf(name) >= 0; });
    state.inputs.forEach(function (name) {
      var row = document.createElement("div");
      row.className = "row";
      var learn = document.createElement("input");
      learn.type = "checkbox"; learn.checked = state.learn[name]; learn.title = "learn " + name + " (gradient descent changes it)";
      learn.setAttribute("aria-label", learn.title);
      learn.setAttribute("data-testid", "learn-" + name);
      learn.addEventListener("change", function () { state.learn[name] = learn.checked; refreshSoon(); });
      var label = document.createElement("label"); label.textContent = name; label.title = name;
      var number = document.createElement("input");
      number.type = "number"; number.step = "any"; number.setAttribute("data-testid", "input-" + name); number.id = "input-" + name;
      label.htmlFor = number.id;
      var slider = document.createElement("input");
      slider.type = "range"; slider.step = "0.01"; slider.setAttribute("data-testid", "slider-" + name);
      slider.setAttribute("aria-label", name + " (slider: the arrow keys move it by 0.01)");
      number.addEventListener("input", function () {
        var v = parseFloat(number.value);
        if (!isFinite(v)) return;
        state.values[name] = v; fitSlider(slider, v); slider.value = v; refreshSoon();
      });
      slider.addEventListener("input", function () {
        var v = parseFloat(slider.value);
        state.values[name] = v; number.value = v; refreshSoon();
      });
      row.appendChild(learn); row.appendChild(label); row.appendChild(number); row.appendChild(slider);
      holder.appendChild(row);
    });
    syncInputs();
  }

  function fitSlider(slider, v) {
    var lo = parseFloat(slider.min), hi = parseFloat(slider.max);
    if (!(v >= lo && v <= hi) || isNaN(lo)) {
      var span = Math.max(5, Math.abs(v) * 2);
      slider.min = Math.floor(Math.min(-span, v - 1)); slider.max = Math.ceil(Math.max(span, v + 1));
    }
  }

  function syncInputs() {
    state.inputs.forEach(function (name) {
      var number = document.querySelector('[data-testid="input-' + name + '"]');
      var slider = document.querySelector('[data-testid="slider-' + name + '"]');
      if (!number) return;
      var v = state.values[name];
      if (document.activeElement !== number) number.value = String(Number(v.toPrecision(6)));  // the full value is kept
      fitSlider(slider, v); slider.value = v;
    });
  }

  /* ------------------------------------------------------------------ the table of values and gradients (follows the stepper) */

  function buildQuantities(report) {
    var body = $("quantities").tBodies[0];
    body.textContent = "";
    Object.keys(report.values).forEach(function (name) {
      var tr = body.insertRow();
      tr.insertCell().textContent = name;
      var v = tr.insertCell(), g = tr.insertCell();
      v.setAttribute("data-testid", "value-" + name);
      g.setAttribute("data-testid", "grad-" + name);
    });
  }

  function fillQuantities(shown) {
    var model = state.model;
    if (!model || !state.report) return;
    var index = {};
    model.nodes.forEach(function (nd) { index[nd.name] = nd.index; });
    Object.keys(state.report.values).forEach(function (name) {
      var i = index[name];
      var v = document.querySelector('[data-testid="value-' + name + '"]');
      var g = document.querySelector('[data-testid="grad-' + name + '"]');
      if (!v) return;
      var vt = shown.value[i], gt = shown.grad[i];
      v.textContent = vt === undefined ? "?" : vt; v.classList.toggle("pending", vt === undefined);
      g.textContent = gt === undefined ? "?" : gt; g.classList.toggle("pending", gt === undefined);
    });
  }

  /* ------------------------------------------------------------------ gradient descent */

  $("lr").addEventListener("keydown", function (ev) {   // Enter in the learning rate takes a step
    if (ev.key === "Enter") { ev.preventDefault(); $("take-step").click(); }
  });
  $("take-step").addEventListener("click", function () {
    var lr = parseFloat($("lr").value);
    // only the ticked inputs move: with none ticked a step changes nothing, so none is asked for
    $("step-note").hidden = parameters().length > 0;
    if (!parameters().length) return;
    // the step answers for the program and inputs as they are now: a refresh still waiting would
    // answer later with the inputs from before the step, and put them back
    clearTimeout(timer);
    state.program = $("program").value;
    var seq = ++state.seq;
    api("/api/step", { program: state.program, at: at(), parameters: parameters(), lr: lr }).then(function (answer) {
      if (seq < state.shown) return;
      state.shown = seq;
      if (!answer.ok) { showError(answer.data); return; }
      hideError();
      var data = answer.data;
      for (var n in data.at) state.values[n] = data.at[n];
      show(data);
      state.history.push(data.report.value);
      drawHistory($("history"), state.history, data.report.output, 1);
    });
  });

  function drawHistory(svg, values, name, stepsBefore) {
    // stepsBefore: 1 when values[0] is the value before any step (the program's plot)
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    if (!values.length) return;
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    if (hi === lo) { hi += 1e-12 + Math.abs(hi) * 1e-6; lo -= 1e-12 + Math.abs(lo) * 1e-6; }
    var n = Math.max(values.length - 1, 1), W = 360, H = 110, top = 8, bottom = 8;
    var points = values.map(function (v, i) {
      return (8 + (W - 16) * i / n).toFixed(1) + "," + (top + (H - top - bottom) * (hi - v) / (hi - lo)).toFixed(1);
    });
    var line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    line.setAttribute("points", points.join(" "));
    svg.appendChild(line);
    svg.setAttribute("aria-label", name + " after each step: " + values.map(function (v) { return v.toPrecision(6); }).join(", "));
    svg.setAttribute("data-count", values.length);
    var caption = $(svg.id + "-caption");
    if (caption) {
      var steps = values.length - (stepsBefore || 0);
      caption.textContent = steps < 1 ? name + " before any step: " + values[0].toPrecision(6)
        : name + ": " + values[0].toPrecision(6) + " → " + values[values.length - 1].toPrecision(6) +
          " after " + steps + " step" + (steps > 1 ? "s" : "") +
          " (lowest " + lo.toPrecision(4) + ", highest " + hi.toPrecision(4) + ")";
    }
  }

  /* ------------------------------------------------------------------ check my answer */

  $("check").addEventListener("click", function () {
    var lr = parseFloat($("lr").value);
    api("/api/check", { program: $("program").value, at: at(), claims: $("claims").value,
                        lr: isFinite(lr) && lr > 0 ? lr : null }).then(function (answer) {
      var list = $("check-result");
      list.textContent = "";
      if (!answer.ok) {
        var li = document.createElement("li"); li.className = "wrong"; li.textContent = answer.data.error; list.appendChild(li);
        return;
      }
      answer.data.claims.forEach(function (c) {
        var li = document.createElement("li");
        li.className = c.verdict; li.textContent = c.verdict + ": " + c.claim;
        list.appendChild(li);
      });
    });
  });

  function tab(which) {
    $("program-mode").hidden = which !== "program";
    $("train-mode").hidden = which !== "train";
    $("tab-program").classList.toggle("on", which === "program");
    $("tab-train").classList.toggle("on", which === "train");
    if (which === "program" && state.model) stepper.load(state.model, true);
  }
  $("tab-program").addEventListener("click", function () { tab("program"); });
  $("tab-train").addEventListener("click", function () { tab("train"); });

  /* ------------------------------------------------------------------ the state in the link: #program=…&at=…&step=… */

  function saveLink() {
    // the training tab keeps its own state in the link (train.js) while it is shown
    if (!state.model || !state.report || $("program-mode").hidden) return;
    var values = {};
    state.inputs.forEach(function (n) { values[n] = state.values[n]; });
    var fragment = new URLSearchParams({ program: state.program, at: JSON.stringify(values),
                                         step: stepper.all() ? "all" : String(stepper.current + 1) });
    history.replaceState(null, "", "#" + fragment.toString());
  }
  function readLink() {
    var fragment = new URLSearchParams(location.hash.slice(1)), link = {};
    if (fragment.has("program")) link.program = fragment.get("program");
    try { var at = JSON.parse(fragment.get("at") || "{}"); } catch (e) { at = {}; }
    link.at = {};
    for (var n in at) if (typeof at[n] === "number" && isFinite(at[n])) link.at[n] = at[n];
    var step = parseInt(fragment.get("step"), 10);
    if (step > 0) link.step = step - 1;
    return link;
  }
  $("copy-link").addEventListener("click", function () {
    saveLink();
    $("link").value = location.href; $("link").hidden = false; $("link").select();
    var done = function () { $("copy-link").textContent = "link copied"; };
    if (navigator.clipboard) navigator.clipboard.writeText(location.href).then(done, function () {}); else done();
  });

  /* ------------------------------------------------------------------ start */

  $("program").addEventListener("input", refreshSoon);
  transport.start().then(function (start) {
    var link = readLink();
    $("program").value = link.program !== undefined ? link.program : start.program;
    state.values = link.program !== undefined ? link.at : Object.assign(start.at, link.at);
    start.parameters.forEach(function (n) { state.learn[n] = true; });
    Object.keys(start.at).forEach(function (n) { if (!(n in state.learn)) state.learn[n] = false; });
    return refresh().then(function () {
      if (link.step !== undefined && state.model) { $("show-all").checked = false; stepper.show(link.step); }
      document.body.setAttribute("data-ready", "1");
    });
  });
  window.autogradExplore = { state: state, refresh: refresh, stepper: stepper, api: api };
})();
