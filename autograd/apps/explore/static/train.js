/* The explorer's training tab: it asks the Python engine (the /api/train/... routes, see
 * autograd/apps/explore/training.py) and draws the answers: the data over the network's output,
 * the network (each neuron as its output over the plane, each weight as a line), the loss
 * curves, and one sample's forward and backward pass, drawn by the program tab's graph code.
 * Every picture is redrawn from a cleared canvas, and has a table of its numbers beside it. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var explore = window.autogradExplore, api = explore.api;
  var CLASS_RGB = [[31, 78, 156], [211, 84, 0], [30, 132, 73], [125, 60, 152], [183, 149, 11]];
  var POSITIVE = [8, 119, 189], NEGATIVE = [245, 147, 34];   // a neuron's output or a weight: above / below 0
  var DEFAULT_LR = { regression: 0.05, classes: 0.3 };
  var LINK_KEYS = ["dataset", "classes", "noise", "test", "n", "seed", "hidden", "activation", "lr", "batch", "reg", "rate"];
  var training = { session: null, data: null, points: [], ntrain: 0, box: null, custom: null, playing: false,
                   sample: null, sampleData: null, sampleKey: "", queue: Promise.resolve() };
  explore.training = training;

  function rgb(c, a) { return "rgba(" + c[0] + "," + c[1] + "," + c[2] + "," + a + ")"; }
  function num(id) { var v = parseFloat($(id).value); return isFinite(v) ? v : $(id).value; }
  function whole(id) { var v = Number($(id).value); return Number.isInteger(v) ? v : $(id).value; }
  function show(x, digits) { return x === null || x === undefined ? "–" : Number(x).toPrecision(digits || 4); }
  function kind() { return $("dataset").value === "regression" ? "regression" : "classes"; }

  /* ------------------------------------------------------------------ settings and requests */

  function settings() {
    return { dataset: $("dataset").value, classes: whole("classes"), noise: num("noise"), test: num("test-share"),
             n: whole("npoints"), seed: whole("seed"), hidden: $("hidden").value, activation: $("activation").value,
             lr: num("train-lr"), batch: whole("batch"), reg: $("reg").value, rate: num("reg-rate") };
  }
  function runSettings() {
    return { lr: num("train-lr"), batch: whole("batch"), reg: $("reg").value, rate: num("reg-rate") };
  }

  /* One request at a time, in the order asked: a click during a request waits for it. */
  function queued(work) {
    var next = training.queue.then(work, work);
    training.queue = next.catch(function () {});
    return next;
  }
  function failed(text) {
    $("train-error").hidden = !text; $("train-error").textContent = text || "";
    if (text) setPlaying(false);
  }

  function newNetwork() {
    return queued(function () {
      var body = settings();
      if (training.custom) body.points = training.custom;
      return api("/api/train/new", body).then(function (answer) {
        if (!answer.ok) { failed(answer.data.error); return; }
        failed("");
        training.session = answer.data.session;
        training.sample = null; $("sample").hidden = true;
        showAll(answer.data);
      });
    });
  }

  function trainSteps(n) {
    if (!training.session) return newNetwork().then(function () { return training.session && trainSteps(n); });
    return queued(function () {
      var left = n;
      function more() {
        var body = runSettings();
        body.session = training.session; body.steps = left;
        return api("/api/train/step", body).then(function (answer) {
          if (!answer.ok) { failed(answer.data.error); return; }
          failed(answer.data.stopped);
          left -= answer.data.done;
          showAll(answer.data);
          if (left > 0 && answer.data.done > 0 && !answer.data.stopped) return more();
        });
      }
      return more().then(loadSample);   // inside this queued task: queueing it would wait for itself
    });
  }

  function edit(body) {
    return queued(function () {
      body.session = training.session;
      return api("/api/train/edit", body).then(function (answer) {
        if (!answer.ok) { failed(answer.data.error); return; }
        failed("");
        training.custom = answer.data.points;
        $("data-note").textContent = "your own data: " + answer.data.points.length + " points (save them as CSV: the link holds only the settings)";
        if (training.sample !== null && training.sample >= answer.data.points.length) closeSample();
        showAll(answer.data);
      });
    }).then(refreshSample);
  }

  function setPlaying(on) {
    training.playing = on;
    $("train-play").textContent = on ? "pause" : "play";
    $("train-play").setAttribute("aria-pressed", on ? "true" : "false");
    if (on) loop();
  }
  function loop() {
    if (!training.playing) return;
    trainSteps(10).then(function () { if (training.playing) setTimeout(loop, 0); });
  }

  /* ------------------------------------------------------------------ an answer on the page */

  function showAll(data) {
    training.data = data;
    if (data.points) { training.points = data.points; training.ntrain = data.ntrain; }
    training.box = data.picture.box;
    $("train-step").textContent = data.step;
    $("train-loss").textContent = show(data.train.loss);
    $("test-loss").textContent = show(data.test.loss);
    $("accuracy-part").hidden = data.kind === "regression";
    if (data.kind !== "regression") {
      $("accuracy").textContent = (100 * data.train.accuracy).toFixed(0) + "%";
      $("accuracy").setAttribute("data-value", data.train.accuracy);
      $("test-accuracy").textContent = data.test.accuracy === null ? "–" : (100 * data.test.accuracy).toFixed(0) + "%";
    }
    classOptions(data.classes);
    drawCurves($("train-history"), data.history);
    if (data.kind === "regression") drawCurve($("boundary"), data); else drawOutput($("boundary"), data);
    drawNetwork($("network"), data);
    networkTable(data);
    if ($("points-table").parentNode.open) pointsTable(data);
    layerButtons();
    saveLink();
  }

  function classOptions(k) {
    var select = $("add-class"), wanted = kind() === "regression" ? 0 : k;
    select.parentNode.hidden = kind() === "regression";   // a regression point is (x, t): no class
    if (select.options.length === wanted) return;
    select.textContent = "";
    for (var c = 0; c < wanted; c++) {
      var option = document.createElement("option");
      option.value = c; option.textContent = "class " + c;
      select.appendChild(option);
    }
  }

  /* The data over the network's output: each cell's most likely class, more opaque when surer
   * (at most 60% opaque, so the points stay readable); then the points, train ringed white, test black. */
  function drawOutput(canvas, data) {
    var ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height, pic = data.picture, n = pic.size, k = data.classes;
    ctx.clearRect(0, 0, W, H);
    var cells = document.createElement("canvas");
    cells.width = cells.height = n;
    var cctx = cells.getContext("2d"), image = cctx.createImageData(n, n);
    pic.output.forEach(function (p, i) {
      var best = 0;
      for (var c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
      var sure = (p[best] - 1 / k) / (1 - 1 / k), colour = CLASS_RGB[best];
      image.data.set([colour[0], colour[1], colour[2], Math.round(255 * (0.15 + 0.45 * sure))], 4 * i);
    });
    cctx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(cells, 0, 0, W, H);
    drawPoints(ctx, W, H, pic.box, function (p) { return CLASS_RGB[p[2]]; });
  }

  function toCanvas(box, W, H, x, y) { return [(x - box[0]) / (box[1] - box[0]) * W, (box[3] - y) / (box[3] - box[2]) * H]; }
  function fromCanvas(box, W, H, px, py) { return [box[0] + px / W * (box[1] - box[0]), box[3] - py / H * (box[3] - box[2])]; }

  function drawPoints(ctx, W, H, box, colour) {
    training.points.forEach(function (p, i) {
      var at = toCanvas(box, W, H, p[0], p[1]);
      ctx.beginPath(); ctx.arc(at[0], at[1], 4.5, 0, 2 * Math.PI);
      ctx.fillStyle = rgb(colour(p), 1); ctx.fill();
      ctx.lineWidth = 1.5; ctx.strokeStyle = i < training.ntrain ? "#fff" : "#000"; ctx.stroke();
      if (i === training.sample) {
        ctx.beginPath(); ctx.arc(at[0], at[1], 6.5, 0, 2 * Math.PI);
        ctx.lineWidth = 1.5; ctx.strokeStyle = "#c0391b"; ctx.stroke();
      }
    });
    ctx.canvas.setAttribute("data-points", training.points.length);
  }

  /* The regression: the points (x, t) and the network's prediction as a curve. */
  function drawCurve(canvas, data) {
    var ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height, pic = data.picture, box = pic.box;
    ctx.clearRect(0, 0, W, H);
    ctx.strokeStyle = "rgba(0,0,0,0.25)"; ctx.lineWidth = 1;
    var zero = toCanvas(box, W, H, 0, 0);
    ctx.beginPath(); ctx.moveTo(0, zero[1]); ctx.lineTo(W, zero[1]); ctx.moveTo(zero[0], 0); ctx.lineTo(zero[0], H); ctx.stroke();
    drawPoints(ctx, W, H, box, function () { return CLASS_RGB[0]; });
    ctx.strokeStyle = rgb(CLASS_RGB[1], 0.9); ctx.lineWidth = 2.5;
    ctx.beginPath();
    pic.xs.forEach(function (x, i) {
      var at = toCanvas(box, W, H, x, pic.output[i]);
      if (i) ctx.lineTo(at[0], at[1]); else ctx.moveTo(at[0], at[1]);
    });
    ctx.stroke();
  }

  /* ------------------------------------------------------------------ the network, drawn as Playground draws it */

  function drawNetwork(canvas, data) {
    var ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height, layers = data.weights;
    ctx.clearRect(0, 0, W, H);
    var nin = layers[0][0].w.length, sizes = [nin].concat(layers.map(function (l) { return l.length; }));
    var top = 22, bottom = 8, side = 30, most = Math.max.apply(null, sizes);
    var S = Math.max(8, Math.min(44, Math.floor((H - top - bottom) / most) - 6));
    function cx(c) { return side + S / 2 + (W - 2 * side - S) * c / (sizes.length - 1); }
    function cy(c, j) { return top + (H - top - bottom) * (j + 0.5) / sizes[c]; }
    var biggest = 1e-12;
    layers.forEach(function (l) { l.forEach(function (nd) { nd.w.forEach(function (w) { biggest = Math.max(biggest, Math.abs(w)); }); }); });
    layers.forEach(function (layer, l) {
      layer.forEach(function (nd, j) {
        nd.w.forEach(function (w, i) {
          ctx.beginPath(); ctx.moveTo(cx(l) + S / 2, cy(l, i)); ctx.lineTo(cx(l + 1) - S / 2, cy(l + 1, j));
          ctx.strokeStyle = rgb(w >= 0 ? POSITIVE : NEGATIVE, 0.8); ctx.lineWidth = 0.4 + 5 * Math.abs(w) / biggest;
          ctx.stroke();
        });
      });
    });
    var pushed = pushedMost();
    canvas.setAttribute("data-pushed", pushed.map(function (w) { return w.l + "." + w.j + "." + w.i; }).join(" "));
    pushed.forEach(function (w) {   // the open sample's strongest pushes, over their lines
      ctx.beginPath(); ctx.moveTo(cx(w.l) + S / 2, cy(w.l, w.i)); ctx.lineTo(cx(w.l + 1) - S / 2, cy(w.l + 1, w.j));
      ctx.setLineDash([6, 4]); ctx.strokeStyle = "#c0391b"; ctx.lineWidth = 2.5; ctx.stroke(); ctx.setLineDash([]);
    });
    ctx.fillStyle = "#333"; ctx.font = "12px system-ui, sans-serif"; ctx.textAlign = "center";
    sizes.forEach(function (size, c) {
      var title = c === 0 ? "inputs" : c === sizes.length - 1 ? "output" : "layer " + c;
      ctx.fillStyle = "#333"; ctx.fillText(title, cx(c), 13);
      for (var j = 0; j < size; j++) {
        var x = cx(c) - S / 2, y = cy(c, j) - S / 2;
        ctx.fillStyle = "#fff"; ctx.fillRect(x, y, S, S);
        thumbnail(ctx, data, c, j, x, y, S);
        ctx.strokeStyle = "#888"; ctx.lineWidth = 1; ctx.strokeRect(x + 0.5, y + 0.5, S - 1, S - 1);
      }
    });
    canvas.setAttribute("data-layers", sizes.join(","));
  }

  /* The weights (not biases) the open sample pushes most: {l, j, i} = layer, neuron, input. */
  function pushedMost() {
    var data = training.sampleData;
    if (training.sample === null || !data) return [];
    return data.pushes.map(function (p) { return /^layers\.(\d+)\.neurons\.(\d+)\.w\.(\d+)$/.exec(p.path); })
      .filter(Boolean).slice(0, 5).map(function (m) { return { l: Number(m[1]), j: Number(m[2]), i: Number(m[3]) }; });
  }

  /* One neuron's output over the plane (blue above 0, orange below), or over x for the regression. */
  function thumbnail(ctx, data, c, j, x, y, S) {
    var pic = data.picture, last = c === data.weights.length;
    var values;
    if (data.kind === "regression") {
      values = c === 0 ? pic.xs : last ? pic.output : pic.neurons[c - 1][j];
      sparkline(ctx, values, x, y, S);
      return;
    }
    var m = last ? pic.size : pic.neuron_size, cells = document.createElement("canvas");
    cells.width = cells.height = m;
    var cctx = cells.getContext("2d"), image = cctx.createImageData(m, m);
    if (last && data.classes > 2) {   // output j of a softmax: p_j over the plane, in class j's colour
      pic.output.forEach(function (p, i) {
        var colour = CLASS_RGB[j];
        image.data.set([colour[0], colour[1], colour[2], Math.round(255 * p[j])], 4 * i);
      });
    } else if (last) {
      drawOutputInto(image, pic, data.classes);
    } else {
      values = c > 0 ? pic.neurons[c - 1][j] : inputRamp(m, j);
      var scale = Math.max(1, Math.max.apply(null, values.map(Math.abs)));
      values.forEach(function (v, i) {
        var colour = v >= 0 ? POSITIVE : NEGATIVE;
        image.data.set([colour[0], colour[1], colour[2], Math.round(255 * Math.min(1, Math.abs(v) / scale))], 4 * i);
      });
    }
    cctx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(cells, x, y, S, S);
  }
  function drawOutputInto(image, pic, k) {
    pic.output.forEach(function (p, i) {
      var best = 0;
      for (var c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
      var colour = CLASS_RGB[best];
      image.data.set([colour[0], colour[1], colour[2], Math.round(255 * (0.15 + 0.6 * (p[best] - 1 / k) / (1 - 1 / k)))], 4 * i);
    });
  }
  function inputRamp(m, which) {   // x1 (which 0) grows to the right, x2 upwards: from −1 to 1 across the picture
    var out = [];
    for (var r = 0; r < m; r++) for (var q = 0; q < m; q++) out.push(which === 0 ? 2 * (q + 0.5) / m - 1 : 1 - 2 * (r + 0.5) / m);
    return out;
  }
  function sparkline(ctx, values, x, y, S) {
    var scale = Math.max(1e-12, Math.max.apply(null, values.map(Math.abs)));
    ctx.strokeStyle = "#ccc"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(x, y + S / 2); ctx.lineTo(x + S, y + S / 2); ctx.stroke();
    ctx.strokeStyle = rgb(POSITIVE, 1); ctx.lineWidth = 1.5; ctx.beginPath();
    values.forEach(function (v, i) {
      var px = x + 2 + (S - 4) * i / (values.length - 1), py = y + S / 2 - (S / 2 - 3) * v / scale;
      if (i) ctx.lineTo(px, py); else ctx.moveTo(px, py);
    });
    ctx.stroke();
  }

  /* ------------------------------------------------------------------ the text alternatives */

  function fillTable(table, head, rows) {
    table.textContent = "";
    var tr = table.createTHead().insertRow();
    head.forEach(function (h) { var th = document.createElement("th"); th.textContent = h; tr.appendChild(th); });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var r = body.insertRow();
      row.forEach(function (cell) { r.insertCell().textContent = cell; });
    });
  }

  function networkTable(data) {
    var rows = [], names = data.kind === "regression" ? ["x"] : ["x1", "x2"], last = data.weights.length - 1;
    data.weights.forEach(function (layer, l) {
      layer.forEach(function (nd, j) {
        rows.push([l === last ? "output" : "layer " + (l + 1), "n" + (j + 1), l === last ? "linear" : data.settings.activation,
                   show(nd.b), nd.w.map(function (w, i) { return (l === 0 ? names[i] : "n" + (i + 1)) + ": " + show(w); }).join(", ")]);
      });
    });
    fillTable($("network-table"), ["layer", "neuron", "activation", "bias", "weights (from)"], rows);
  }

  function pointsTable(data) {
    var regression = data.kind === "regression", rows = training.points.map(function (p, i) {
      var part = i < training.ntrain ? "train" : "test", guess = data.predictions[i];
      return regression ? [i, show(p[0]), show(p[1]), part, show(guess)] : [i, show(p[0]), show(p[1]), p[2], part, guess];
    });
    fillTable($("points-table"), regression ? ["#", "x", "t", "set", "prediction"] : ["#", "x1", "x2", "class", "set", "predicted"], rows);
  }
  $("points-table").parentNode.addEventListener("toggle", function () { if (this.open && training.data) pointsTable(training.data); });

  function drawCurves(svg, history) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var values = [];
    history.forEach(function (h) { values.push(h[1]); if (h[2] !== null) values.push(h[2]); });
    var hi = Math.max.apply(null, values.concat([1e-9])), first = history[0][0], last = Math.max(history[history.length - 1][0], first + 1);
    [1, 2].forEach(function (column) {
      var points = history.filter(function (h) { return h[column] !== null; }).map(function (h) {
        return (8 + 344 * (h[0] - first) / (last - first)).toFixed(1) + "," + (8 + 94 * (1 - h[column] / hi)).toFixed(1);
      });
      if (!points.length) return;
      var line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      line.setAttribute("points", points.join(" "));
      line.setAttribute("class", column === 1 ? "train-line" : "test-line");
      svg.appendChild(line);
    });
    var end = history[history.length - 1], start = history[0];
    var text = "training loss " + show(start[1]) + " → " + show(end[1]) +
      (end[2] === null ? "" : ", test loss " + show(start[2]) + " → " + show(end[2])) + " after " + end[0] + " steps";
    svg.setAttribute("aria-label", "loss curves: " + text);
    svg.setAttribute("data-count", history.length);
    $("train-history-text").textContent = text;
  }

  /* ------------------------------------------------------------------ the network's layers: add and remove */

  function hiddenSizes() {
    var text = $("hidden").value.trim();
    if (!text) return [];
    var sizes = text.split(",").map(function (s) { return Number(s); });
    return sizes.every(function (s) { return Number.isInteger(s) && s >= 1; }) ? sizes : null;
  }
  function setHidden(sizes) { $("hidden").value = sizes.join(","); layerButtons(); newNetwork(); }

  function layerButtons() {
    var holder = $("layers"), sizes = hiddenSizes() || [];
    holder.textContent = "";
    sizes.forEach(function (size, l) {
      var row = document.createElement("div");
      row.className = "row";
      var label = document.createElement("span");
      label.textContent = "layer " + (l + 1) + ": " + size + " neuron" + (size > 1 ? "s" : "");
      row.appendChild(label);
      [["−", -1, "one neuron fewer in layer "], ["+", 1, "one neuron more in layer "]].forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button"; button.textContent = b[0];
        button.setAttribute("aria-label", b[2] + (l + 1)); button.setAttribute("data-testid", "layer-" + (l + 1) + (b[1] > 0 ? "-more" : "-fewer"));
        button.disabled = size + b[1] < 1 || size + b[1] > 32;
        button.addEventListener("click", function () { sizes[l] += b[1]; setHidden(sizes); });
        row.appendChild(button);
      });
      holder.appendChild(row);
    });
    $("add-layer").disabled = sizes.length >= 6;
    $("remove-layer").disabled = !sizes.length;
  }
  $("add-layer").addEventListener("click", function () { var s = hiddenSizes() || []; s.push(4); setHidden(s); });
  $("remove-layer").addEventListener("click", function () { var s = hiddenSizes() || []; s.pop(); setHidden(s); });

  /* ------------------------------------------------------------------ one sample's graph */

  var sampleStepper = new AutogradGraph.Stepper(new AutogradGraph.View($("sample-graph")), {
    prev: $("sample-back"), next: $("sample-next"), counter: $("sample-counter"), phase: $("sample-phase"),
    line: $("sample-line"), table: null, showAll: $("sample-all") });
  sampleStepper.onShow = fillSampleTable;

  function showSample(index) {
    training.sample = index;
    $("sample-index").value = index;
    return queued(loadSample);
  }
  function refreshSample() { return training.sample === null ? null : queued(loadSample); }   // never from a queued task
  function loadSample() {
    if (training.sample === null || !training.session) return null;
    return api("/api/train/sample", { session: training.session, index: training.sample }).then(function (answer) {
      if (!answer.ok) { failed(answer.data.error); return; }
      var data = answer.data, model = data.model, p = data.point;
      training.sampleData = data;
      $("sample").hidden = false;
      var key = model.nodes.map(function (nd) { return nd.name; }).join("\u0001");
      var same = key === training.sampleKey;
      training.sampleKey = key;
      if (!same) sampleRows(model);
      sampleStepper.load(model, same);
      // a network's graph is far larger than the view: open it at actual size, on the loss
      if (!same) { sampleStepper.view.reset(); sampleStepper.view.follow([model.nodes.length - 1]); }
      var where = training.data.kind === "regression" ? "x = " + show(p[0]) + ", t = " + show(p[1]) + ", predicted " + show(data.prediction)
        : "x1 = " + show(p[0]) + ", x2 = " + show(p[1]) + ", class " + p[2] + ", predicted " + data.prediction;
      $("sample-title").textContent = "Sample " + data.index + " (" + (data.test ? "test" : "training") + " point): " + where +
        "; its loss L = " + show(data.loss, 6) + " at step " + data.step;
      pushesTable(data);
      if (training.data) drawPictureAgain();
    });
  }
  function drawPictureAgain() {
    var data = training.data;
    if (data.kind === "regression") drawCurve($("boundary"), data); else drawOutput($("boundary"), data);
    drawNetwork($("network"), data);
  }

  function sampleRows(model) {
    var body = $("sample-table").tBodies[0];
    body.textContent = "";
    model.nodes.forEach(function (nd) {
      var tr = body.insertRow();
      tr.insertCell().textContent = nd.name;
      tr.insertCell().setAttribute("data-testid", "sample-value-" + nd.name);
      tr.insertCell().setAttribute("data-testid", "sample-grad-" + nd.name);
    });
  }
  function fillSampleTable(shown) {
    var body = $("sample-table").tBodies[0];
    Array.prototype.forEach.call(body.rows, function (tr, i) {
      var v = shown.value[i], g = shown.grad[i], model = sampleStepper.model;
      tr.cells[1].textContent = v === undefined ? "?" : v;
      tr.cells[2].textContent = model.nodes[i].grad === null ? "" : g === undefined ? "?" : g;
    });
  }
  function pushesTable(data) {
    var rows = data.pushes.slice(0, 12).map(function (p) { return [p.name, show(p.value), show(p.grad), show(p.push)]; });
    fillTable($("sample-pushes"), ["weight", "value", "∂L/∂w", "push −η·(∂L/∂w)/" + data.batch], rows);
  }
  function closeSample() { training.sample = null; $("sample").hidden = true; if (training.data) drawPictureAgain(); }

  /* ------------------------------------------------------------------ clicks on the picture */

  $("boundary").addEventListener("click", function (ev) {
    if (!training.data) return;
    var canvas = this, r = canvas.getBoundingClientRect();
    var px = (ev.clientX - r.left) * canvas.width / r.width, py = (ev.clientY - r.top) * canvas.height / r.height;
    var mode = $("click-mode").value;
    if (mode === "add") {
      var at = fromCanvas(training.box, canvas.width, canvas.height, px, py);
      edit({ add: kind() === "regression" ? at : [at[0], at[1], Number($("add-class").value)] });
      return;
    }
    var near = nearest(px, py, canvas);
    if (near === null) return;
    if (mode === "remove") edit({ remove: near }); else showSample(near);
  });
  function nearest(px, py, canvas) {
    var best = null, bestD = 10;
    training.points.forEach(function (p, i) {
      var at = toCanvas(training.box, canvas.width, canvas.height, p[0], p[1]), d = Math.hypot(at[0] - px, at[1] - py);
      if (d < bestD) { bestD = d; best = i; }
    });
    return best;
  }

  /* ------------------------------------------------------------------ CSV, export, the link */

  function download(name, text, type) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: type }));
    a.download = name;
    document.body.appendChild(a); a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function exported() {
    return queued(function () {
      return api("/api/train/export", { session: training.session }).then(function (answer) {
        if (!answer.ok) { failed(answer.data.error); return null; }
        return answer.data;
      });
    });
  }
  $("export-model").addEventListener("click", function () {
    exported().then(function (data) { if (data) download("model.json", JSON.stringify(data.model, null, 1), "application/json"); });
  });
  $("save-csv").addEventListener("click", function () {
    exported().then(function (data) { if (data) download("data.csv", data.csv, "text/csv"); });
  });
  $("csv-file").addEventListener("change", function () {
    var file = this.files[0];
    if (!file) return;
    if (file.size > 40000) { failed("the CSV file is larger than 40,000 bytes"); return; }
    file.text().then(function (text) {
      var first = text.split(/\r?\n/).filter(function (l) { return /[0-9]/.test(l); })[0] || "";
      if (first.split(",").length === 2) $("dataset").value = "regression";
      else if (kind() === "regression") $("dataset").value = "moons";
      queued(function () {
        var body = settings();
        body.csv = text;
        return api("/api/train/new", body).then(function (answer) {
          if (!answer.ok) { failed(answer.data.error); return; }
          failed("");
          training.session = answer.data.session; training.custom = answer.data.points; closeSample();
          $("data-note").textContent = "your own data: " + file.name + " (" + answer.data.points.length + " points)";
          showAll(answer.data);
        });
      });
    });
  });

  function saveLink() {
    if ($("train-mode").hidden) return;
    var s = settings(), fragment = new URLSearchParams({ tab: "train" });
    LINK_KEYS.forEach(function (key) { fragment.set(key, String(s[key])); });
    history.replaceState(null, "", "#" + fragment.toString());
  }
  function readLink() {
    var fragment = new URLSearchParams(location.hash.slice(1));
    if (fragment.get("tab") !== "train") return false;
    var ids = { dataset: "dataset", classes: "classes", noise: "noise", test: "test-share", n: "npoints", seed: "seed",
                hidden: "hidden", activation: "activation", lr: "train-lr", batch: "batch", reg: "reg", rate: "reg-rate" };
    LINK_KEYS.forEach(function (key) { if (fragment.has(key)) $(ids[key]).value = fragment.get(key); });
    shownRanges();
    return true;
  }
  $("train-copy-link").addEventListener("click", function () {
    saveLink();
    $("train-link").value = location.href; $("train-link").hidden = false; $("train-link").select();
    var done = function () { $("train-copy-link").textContent = "link copied"; };
    if (navigator.clipboard) navigator.clipboard.writeText(location.href).then(done, function () {}); else done();
  });

  /* ------------------------------------------------------------------ the controls */

  function shownRanges() {
    $("noise-shown").textContent = $("noise").value;
    $("test-shown").textContent = Math.round(100 * Number($("test-share").value)) + "%";
    $("classes").disabled = $("dataset").value !== "blobs";
  }
  var lastKind = kind();
  function newData() {
    training.custom = null; $("data-note").textContent = "";
    if (kind() !== lastKind && Number($("train-lr").value) === DEFAULT_LR[lastKind]) $("train-lr").value = DEFAULT_LR[kind()];
    lastKind = kind();
    shownRanges();
    newNetwork();
  }
  ["dataset", "classes", "noise", "test-share", "npoints", "seed"].forEach(function (id) { $(id).addEventListener("change", newData); });
  ["noise", "test-share"].forEach(function (id) { $(id).addEventListener("input", shownRanges); });
  ["hidden", "activation"].forEach(function (id) {
    $(id).addEventListener("change", function () { layerButtons(); newNetwork(); });
  });
  ["train-lr", "batch", "reg", "reg-rate"].forEach(function (id) { $(id).addEventListener("change", saveLink); });
  $("train-new").addEventListener("click", newNetwork);
  $("regenerate").addEventListener("click", function () {
    $("seed").value = (Number($("seed").value) || 0) + 1;
    newData();
  });
  $("train-play").addEventListener("click", function () { setPlaying(!training.playing); });
  [1, 10, 50].forEach(function (n) { $("train-" + n).addEventListener("click", function () { trainSteps(n); }); });
  $("add-point").addEventListener("click", function () {
    var x = Number($("add-x").value), y = Number($("add-y").value);
    edit({ add: kind() === "regression" ? [x, y] : [x, y, Number($("add-class").value)] });
  });
  $("sample-show").addEventListener("click", function () { showSample(Number($("sample-index").value)); });
  $("sample-remove").addEventListener("click", function () { edit({ remove: Number($("sample-index").value) }); });
  $("sample-close").addEventListener("click", closeSample);
  $("tab-train").addEventListener("click", function () {
    if (!training.session) newNetwork(); else saveLink();
    if (training.sample !== null && sampleStepper.model) sampleStepper.load(sampleStepper.model, true);
  });
  $("tab-program").addEventListener("click", function () { setPlaying(false); });

  shownRanges();
  layerButtons();
  if (readLink()) { layerButtons(); lastKind = kind(); $("tab-train").click(); }
  explore.trainSteps = trainSteps; explore.showSample = showSample;
})();
