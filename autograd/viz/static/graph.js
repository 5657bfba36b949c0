/* A gradient graph drawn in the browser, and a stepper that reveals it one step at a time.
 *
 * Shared by the one-file step-through page (inlined by autograd.viz.stepper_html) and the
 * explorer (served from the package). No library, no network. The model comes from
 * autograd.viz.page_model: nodes in topological order, edges child -> node with the local
 * derivative, and steps, each revealing [index, field, text] triples. Every number is
 * formatted in Python, so the page shows the terminal's digits.
 */
(function (global) {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var CHAR = 7.9;      // px per character of 13 px monospace
  var LABEL_CHAR = 7.3; // px per character of an edge label (12 px monospace)
  var LINE = 18;       // px between text lines in a node
  var PAD = 8;
  var GAP_X = 96;      // room for an edge's local-derivative label
  var GAP_Y = 24;
  var COLOURS = { input: "#cfe8ff", parameter: "#ffe3b3", constant: "#eeeeee", intermediate: "#ffffff", output: "#c9f2c9" };
  var PHASES = { forward: "(forward pass)", backward: "(backward pass)", update: "(gradient-descent update)",
                 check: "(the published figures, checked)", note: "" };

  function make(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function clip(text, n) { return text.length <= n ? text : text.slice(0, n - 1) + "…"; }

  /* ------------------------------------------------------------------ layout */

  function layout(model) {
    var n = model.nodes.length, i, k;
    var kids = [], parents = [];
    for (i = 0; i < n; i++) { kids.push([]); parents.push([]); }
    model.edges.forEach(function (e) { kids[e.node].push(e.child); parents[e.child].push(e.node); });
    var layer = new Array(n).fill(0);
    for (i = 0; i < n; i++) kids[i].forEach(function (c) { layer[i] = Math.max(layer[i], layer[c] + 1); });
    // a leaf sits just left of its first reader, not far away in column 0
    for (i = 0; i < n; i++) {
      if (!kids[i].length && parents[i].length) {
        layer[i] = Math.max(0, Math.min.apply(null, parents[i].map(function (p) { return layer[p]; })) - 1);
      }
    }
    var hasNext = {};
    model.steps.forEach(function (s) { s.set.forEach(function (t) { if (t[1] === "next") hasNext[t[0]] = true; }); });
    var boxes = model.nodes.map(function (nd) {
      var lines = [clip(nd.name, 30)], hasFormula = !nd.leaf && !!nd.formula && nd.formula !== nd.name;
      if (hasFormula) lines.push("= " + clip(nd.formula, 30));
      lines.push("value " + nd.value);
      if (nd.grad !== null) lines.push("grad " + nd.grad);
      if (hasNext[nd.index]) lines.push("new " + "0.000000000");
      var chars = Math.max.apply(null, lines.map(function (l) { return l.length; }).concat([8]));
      return { w: Math.ceil(chars * CHAR + 2 * PAD), h: lines.length * LINE + 2 * PAD - 4,
               formula: hasFormula, next: !!hasNext[nd.index] };
    });
    var columns = [];
    for (i = 0; i < n; i++) (columns[layer[i]] = columns[layer[i]] || []).push(i);
    columns = columns.filter(function (c) { return c && c.length; });
    var y = new Array(n).fill(0);
    function stack(col) {
      var top = 0;
      col.forEach(function (v) { y[v] = top + boxes[v].h / 2; top += boxes[v].h + GAP_Y; });
      var shift = -top / 2;
      col.forEach(function (v) { y[v] += shift; });
    }
    columns.forEach(stack);
    function centre(list) { return list.reduce(function (s, u) { return s + y[u]; }, 0) / list.length; }
    for (var sweep = 0; sweep < 4; sweep++) {   // barycentre ordering: fewer crossings
      var seq = sweep % 2 === 0 ? columns : columns.slice().reverse();
      seq.forEach(function (col) {
        var key = {};
        col.forEach(function (v) {
          var nb = sweep % 2 === 0 ? kids[v] : parents[v];
          key[v] = nb.length ? centre(nb) : y[v];
        });
        col.sort(function (a, b) { return key[a] - key[b] || a - b; });
        stack(col);
      });
    }
    var x = new Array(n), left = 0, colOf = new Array(n);
    columns.forEach(function (col, c) {
      var width = Math.max.apply(null, col.map(function (v) { return boxes[v].w; }));
      col.forEach(function (v) { boxes[v].w = width; x[v] = left; colOf[v] = c; });
      left += width + GAP_X;
    });
    var top = Math.min.apply(null, model.nodes.map(function (nd, v) { return y[v] - boxes[v].h / 2; }));
    var bottom = Math.max.apply(null, model.nodes.map(function (nd, v) { return y[v] + boxes[v].h / 2; }));
    boxes.forEach(function (b, v) { b.x = x[v]; b.y = y[v] - b.h / 2 - top + 10; });
    // width and height with a margin of 10 (actual size); box: exactly what is drawn (fitting)
    return { boxes: boxes, width: left - GAP_X + 20, height: bottom - top + 20,
             box: { left: 0, top: 10, width: left - GAP_X, height: bottom - top } };
  }

  /* ------------------------------------------------------------------ the view: drawing, zoom and pan */

  var views = 0;
  var FIT_PAD = 12;    // px kept clear around the graph when it is fitted

  /* The container gets a bar (the legend, the zoom buttons, a table switch) above the picture,
   * so nothing is ever drawn over a node; the picture; and the same graph as a table, which a
   * screen reader reads (the picture's aria-describedby) and anyone can show instead. */
  function View(container) {
    var self = this, id = "graph-table-" + (++views);
    this.container = container;
    container.classList.add("graph");
    var bar = document.createElement("div");
    bar.className = "graph-bar";
    container.appendChild(bar);
    var legend = document.createElement("div");
    legend.className = "legend";
    Object.keys(COLOURS).forEach(function (kind) {
      var span = document.createElement("span");
      span.textContent = kind; span.style.background = COLOURS[kind];
      legend.appendChild(span);
    });
    var note = document.createElement("em");
    note.textContent = "edge label = local derivative ∂node/∂child";
    legend.appendChild(note);
    bar.appendChild(legend);
    var zoom = document.createElement("div");
    zoom.className = "zoom";
    zoom.setAttribute("role", "group"); zoom.setAttribute("aria-label", "view of the graph");
    function button(text, title, action) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = text; b.title = title; b.setAttribute("aria-label", title);
      b.addEventListener("click", action);
      zoom.appendChild(b);
      return b;
    }
    button("−", "zoom out", function () { self.zoomBy(1 / 1.25); });
    button("+", "zoom in", function () { self.zoomBy(1.25); });
    button("fit", "fit the whole graph", function () { self.fit(4); });
    button("1:1", "actual size", function () { self.reset(); });
    this.tableButton = button("table", "show the graph as a table", function () { self.showTable(!self.tableShown); });
    this.tableButton.setAttribute("aria-pressed", "false");
    bar.appendChild(zoom);
    this.svg = make("svg", { role: "img", tabindex: "0", "data-testid": "graph-picture", "aria-label": "computation graph", "aria-describedby": id,
                             "aria-keyshortcuts": "ArrowLeft ArrowRight + - 0 Shift+ArrowUp Shift+ArrowDown" }, container);
    this.stage = make("g", {}, this.svg);
    this.table = document.createElement("table");
    this.table.id = id;
    this.table.className = "graph-table sr-only";
    container.appendChild(this.table);
    this.t = { x: 10, y: 10, k: 1 };
    this.key = null;
    this.auto = 1;     // the view follows the graph's size (fitted, at most this zoom) until it is moved
    this.svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var r = self.svg.getBoundingClientRect();
      self.zoomBy(ev.deltaY < 0 ? 1.15 : 1 / 1.15, ev.clientX - r.left, ev.clientY - r.top);
    }, { passive: false });
    this.svg.addEventListener("keydown", function (ev) { if (self.keydown(ev)) { ev.preventDefault(); ev.stopPropagation(); } });
    var drag = null;
    this.svg.addEventListener("pointerdown", function (ev) {
      drag = { x: ev.clientX, y: ev.clientY, tx: self.t.x, ty: self.t.y };
      container.classList.add("dragging");
      self.svg.setPointerCapture(ev.pointerId);
    });
    this.svg.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      self.auto = 0;
      self.t.x = drag.tx + ev.clientX - drag.x; self.t.y = drag.ty + ev.clientY - drag.y;
      self.place();
    });
    var stop = function () { drag = null; container.classList.remove("dragging"); };
    this.svg.addEventListener("pointerup", stop);
    this.svg.addEventListener("pointercancel", stop);
    // a new window size, or the picture shown again after a hidden tab: fit again unless moved
    if (global.ResizeObserver) new ResizeObserver(function () { if (self.auto && self.size) self.fit(self.auto); }).observe(this.svg);
  }

  /* The picture's keys (when it has the focus): + and − zoom, 0 fits, 1 is actual size,
   * Shift and an arrow pans; anything else (← → step) is left to the stepper. */
  View.prototype.keydown = function (ev) {
    var pan = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] }[ev.key];
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return false;
    if (ev.shiftKey && pan) { this.auto = 0; this.t.x += pan[0]; this.t.y += pan[1]; this.place(); return true; }
    if (ev.key === "+" || ev.key === "=") this.zoomBy(1.25);
    else if (ev.key === "-" || ev.key === "_") this.zoomBy(1 / 1.25);
    else if (ev.key === "0") this.fit(4);
    else if (ev.key === "1") this.reset();
    else if (this.onKey && !ev.shiftKey) return this.onKey(ev);
    else return false;
    return true;
  };

  View.prototype.place = function () {
    this.stage.setAttribute("transform", "translate(" + this.t.x + "," + this.t.y + ") scale(" + this.t.k + ")");
  };
  View.prototype.zoomBy = function (f, cx, cy) {
    var r = this.svg.getBoundingClientRect();
    if (cx === undefined) { cx = r.width / 2; cy = r.height / 2; }
    var k = Math.min(4, Math.max(0.05, this.t.k * f));
    this.t.x = cx - (cx - this.t.x) * k / this.t.k; this.t.y = cy - (cy - this.t.y) * k / this.t.k;
    this.t.k = k; this.auto = 0; this.place();
  };
  View.prototype.reset = function () {   // actual size: 13 px text; centred when it fits
    var r = this.svg.getBoundingClientRect(), g = this.size;
    this.t = { k: 1, x: g.width < r.width ? (r.width - g.width) / 2 : 10, y: g.height < r.height ? (r.height - g.height) / 2 : 10 };
    this.auto = 0; this.place();
  };
  /* The whole graph in the picture, FIT_PAD clear of its edges, centred, at most `most` times
   * actual size (the first view: 1, never larger than the text is meant to be). */
  View.prototype.fit = function (most) {
    var r = this.svg.getBoundingClientRect(), g = this.size.box;
    this.auto = most;
    if (!r.width || !r.height) return;   // hidden: fitted when it is shown (the ResizeObserver)
    var k = Math.min(most, (r.width - 2 * FIT_PAD) / g.width, (r.height - 2 * FIT_PAD) / g.height);
    k = Math.max(k, 0.01);
    this.t = { k: k, x: (r.width - g.width * k) / 2 - g.left * k, y: (r.height - g.height * k) / 2 - g.top * k };
    this.place();
  };
  View.prototype.showTable = function (on) {
    this.tableShown = on;
    this.table.classList.toggle("sr-only", !on);
    this.container.classList.toggle("as-table", on);
    this.tableButton.setAttribute("aria-pressed", String(on));
    this.tableButton.title = on ? "show the graph as a picture" : "show the graph as a table";
  };

  View.prototype.render = function (model) {
    var key = model.nodes.map(function (nd) { return nd.name; }).join("\u0001");
    var g = layout(model), stage = this.stage;
    this.model = model; this.size = g;
    while (stage.firstChild) stage.removeChild(stage.firstChild);
    var edgeLayer = make("g", {}, stage), nodeLayer = make("g", {}, stage);
    var incoming = {};
    model.edges.forEach(function (e) { (incoming[e.node] = incoming[e.node] || []).push(e); });
    this.edgeEls = model.edges.map(function (e, index) {
      var a = g.boxes[e.child], b = g.boxes[e.node], into = incoming[e.node];
      var x1 = a.x + a.w, y1 = a.y + a.h / 2, x2 = b.x;
      var y2 = b.y + b.h * (into.indexOf(e) + 1) / (into.length + 1);
      var dx = Math.max(30, (x2 - x1) / 2);
      var group = make("g", { "class": "gedge", id: "e_v" + e.child + "_v" + e.node + "_" + e.position }, edgeLayer);
      make("path", { d: "M" + x1 + "," + y1 + " C" + (x1 + dx) + "," + y1 + " " + (x2 - dx) + "," + y2 + " " + x2 + "," + y2 }, group);
      make("path", { d: "M" + (x2 - 7) + "," + (y2 - 4) + " L" + x2 + "," + y2 + " L" + (x2 - 7) + "," + (y2 + 4) }, group);
      // the label a third of the way from the child (where edges into one node are still apart),
      // but within the last gap before the node (an edge across columns passes over their boxes)
      // and clear of the boxes on both sides of it (a long number there would start over the child)
      var bez = function (t, a, b, c, d) { var u = 1 - t; return u * u * u * a + 3 * u * u * t * b + 3 * u * t * t * c + t * t * t * d; };
      var half = (e.local || "").length * LABEL_CHAR / 2;
      var lo = Math.max(x1, x2 - GAP_X) + 4 + half, hi = x2 - 12 - half;
      var lx = bez(0.35, x1, x1 + dx, x2 - dx, x2);
      lx = lo <= hi ? Math.min(Math.max(lx, lo), hi) : (Math.max(x1, x2 - GAP_X) + x2 - 8) / 2;
      var t0 = 0, t1 = 1;   // the curve's x grows with t: find where it reaches lx
      for (var step = 0; step < 30; step++) {
        var mid = (t0 + t1) / 2;
        if (bez(mid, x1, x1 + dx, x2 - dx, x2) < lx) t0 = mid; else t1 = mid;
      }
      var ly = bez(t0, y1, y1, y2, y2);
      var label = make("text", { x: lx, y: ly - 4, "text-anchor": "middle" }, group);
      return { group: group, label: label };
    });
    this.nodeEls = model.nodes.map(function (nd, i) {
      var box = g.boxes[i];
      var group = make("g", { "class": "gnode kind-" + nd.kind, id: "v" + i, transform: "translate(" + box.x + "," + box.y + ")" }, nodeLayer);
      make("rect", { width: box.w, height: box.h, rx: 6, fill: COLOURS[nd.kind] || "#fff" }, group);
      var line = 0;
      function text(cls, content) {
        var t = make("text", { x: PAD, y: PAD + 13 + LINE * line++, "class": cls }, group);
        t.textContent = content;
        return t;
      }
      var title = make("title", {}, group);
      title.textContent = nd.name + (nd.formula && nd.formula !== nd.name ? " = " + nd.formula : "");
      var els = { group: group };
      text("name", clip(nd.name, 30));
      if (box.formula) text("formula", "= " + clip(nd.formula, 30));
      els.value = text("value", "");
      if (nd.grad !== null) els.grad = text("grad", "");
      if (box.next) els.next = text("next", "");
      return els;
    });
    this.tabulate(model);
    if (key !== this.key) { this.key = key; this.fit(1); }
  };

  /* The graph as a table, one row per value in the order it is computed: the picture's text
   * alternative. Its cells follow the steps as the picture's do (View.show). */
  View.prototype.tabulate = function (model) {
    var table = this.table, next = model.steps.some(function (s) { return s.set.some(function (t) { return t[1] === "next"; }); });
    table.textContent = "";
    table.createCaption().textContent = "The graph as a table: each value in the order it is computed, how it is " +
      "computed, its value and its gradient ∂" + model.output + "/∂value (? until the step that finds it)";
    var head = table.createTHead().insertRow();
    ["value of", "computed as", "value", "gradient"].concat(next ? ["new value"] : []).forEach(function (h) {
      var th = document.createElement("th"); th.scope = "col"; th.textContent = h; head.appendChild(th);
    });
    var body = table.createTBody();
    this.rows = model.nodes.map(function (nd) {
      var tr = body.insertRow(), th = document.createElement("th");
      th.scope = "row"; th.textContent = nd.name; tr.appendChild(th);
      tr.setAttribute("data-index", nd.index);
      tr.insertCell().textContent = nd.leaf ? nd.kind : nd.formula;
      var cells = { value: tr.insertCell(), grad: tr.insertCell() };
      cells.value.className = "value"; cells.grad.className = "grad";
      if (next) { cells.next = tr.insertCell(); cells.next.className = "next"; }
      return cells;
    });
    this.svg.setAttribute("aria-label", "computation graph of " + model.nodes.length + " values ending at " +
                          model.output + " (the table after it lists them)");
  };

  /* What is known after steps 0..upto: leaves' values at the start, then each step's reveals. */
  function stateAt(model, upto) {
    var state = { value: {}, grad: {}, local: {}, next: {} };
    model.nodes.forEach(function (nd) { if (nd.leaf) state.value[nd.index] = nd.value; });
    for (var k = 0; k <= upto && k < model.steps.length; k++) {
      model.steps[k].set.forEach(function (t) { state[t[1]][t[0]] = t[2]; });
    }
    return state;
  }

  View.prototype.show = function (state, focus, focusEdges) {
    function put(el, label, text) {
      if (!el) return;
      el.textContent = label + " " + (text === undefined ? "?" : text);
      el.classList.toggle("pending", text === undefined);
    }
    this.nodeEls.forEach(function (els, i) {
      put(els.value, "value", state.value[i]);
      put(els.grad, "grad", state.grad[i]);
      if (els.next) { els.next.textContent = state.next[i] === undefined ? "" : "new " + state.next[i]; }
      els.group.classList.toggle("active", focus.indexOf(i) >= 0);
    });
    (this.rows || []).forEach(function (cells, i) {
      cells.value.textContent = state.value[i] === undefined ? "?" : state.value[i];
      cells.grad.textContent = state.grad[i] !== undefined ? state.grad[i] : this.model.nodes[i].grad === null ? "none (a constant)" : "?";
      if (cells.next) cells.next.textContent = state.next[i] === undefined ? "" : state.next[i];
    }, this);
    this.edgeEls.forEach(function (els, e) {
      els.label.textContent = state.local[e] === undefined ? "" : state.local[e];
      els.group.classList.toggle("active", focusEdges.indexOf(e) >= 0);
    });
    if (focus.length) this.follow(focus);
  };

  /* Pan (never zoom) so that the nodes of the current step are on screen. */
  View.prototype.follow = function (focus) {
    var r = this.svg.getBoundingClientRect(), t = this.t, boxes = this.size.boxes;
    if (!r.width) return;
    var xs = [], ys = [];
    focus.forEach(function (i) { var b = boxes[i]; xs.push(b.x, b.x + b.w); ys.push(b.y, b.y + b.h); });
    var left = t.x + t.k * Math.min.apply(null, xs), right = t.x + t.k * Math.max.apply(null, xs);
    var top = t.y + t.k * Math.min.apply(null, ys), bottom = t.y + t.k * Math.max.apply(null, ys);
    if (left >= 0 && right <= r.width && top >= 0 && bottom <= r.height) return;
    t.x += r.width / 2 - (left + right) / 2;
    t.y += r.height / 2 - (top + bottom) / 2;
    this.place();
  };

  /* ------------------------------------------------------------------ stepping */

  function Stepper(view, els) {
    this.view = view; this.els = els; this.current = 0; this.model = null;
    var self = this;
    els.prev.addEventListener("click", function () { self.back(); });
    els.next.addEventListener("click", function () { self.forward(); });
    if (els.showAll) els.showAll.addEventListener("change", function () { self.show(self.current); });
    view.onKey = function (ev) { return self.keydown(ev); };
  }
  /* ← → a step, Home and End the first and the last; true when the key was one of those. */
  Stepper.prototype.keydown = function (ev) {
    if (!this.model || ev.ctrlKey || ev.metaKey || ev.altKey || ev.shiftKey) return false;
    if (ev.key === "ArrowRight") this.forward();
    else if (ev.key === "ArrowLeft") this.back();
    else if (ev.key === "Home" || ev.key === "End") {
      if (this.all()) this.els.showAll.checked = false;
      this.show(ev.key === "Home" ? 0 : this.model.steps.length - 1);
    } else return false;
    return true;
  };
  Stepper.prototype.load = function (model, keepPlace) {
    this.model = model;
    this.view.render(model);
    if (!keepPlace) this.current = 0;
    this.show(this.current);
  };
  Stepper.prototype.all = function () { return !!(this.els.showAll && this.els.showAll.checked); };
  Stepper.prototype.forward = function () {
    if (this.all()) { this.els.showAll.checked = false; this.show(0); } else this.show(this.current + 1);
  };
  Stepper.prototype.back = function () {
    if (this.all()) { this.els.showAll.checked = false; this.show(this.model.steps.length - 1); } else this.show(this.current - 1);
  };
  Stepper.prototype.show = function (i) {
    var model = this.model, els = this.els, steps = model.steps;
    this.current = Math.max(0, Math.min(steps.length - 1, i));
    var step = steps[this.current];
    var state = stateAt(model, this.all() || !step ? steps.length - 1 : this.current);
    if (this.onShow) this.onShow(state);
    if (this.all() || !step) {
      this.view.show(state, [], []);
      els.line.textContent = step ? "all values and gradients shown: step through them with the buttons" : "(no steps)";
      els.counter.textContent = steps.length + " steps";
      els.phase.textContent = "";
      if (els.table) els.table.textContent = "";
      els.prev.disabled = els.next.disabled = !step;
      return;
    }
    this.view.show(state, step.focus, step.edges);
    els.line.textContent = step.text;
    els.counter.textContent = "step " + (this.current + 1) + " of " + steps.length;
    els.phase.textContent = PHASES[step.phase] || "";
    if (els.table) renderTable(els.table, step.table);
    var focused = global.document.activeElement;
    els.prev.disabled = this.current === 0;
    els.next.disabled = this.current === steps.length - 1;
    // a button disabled under the keyboard's focus would drop the focus to the page's start
    if (focused === els.prev && els.prev.disabled && !els.next.disabled) els.next.focus();
    if (focused === els.next && els.next.disabled && !els.prev.disabled) els.prev.focus();
  };

  function renderTable(holder, table) {
    holder.textContent = "";
    if (!table) return;
    var t = document.createElement("table"), head = t.createTHead().insertRow();
    table.head.forEach(function (h) { var th = document.createElement("th"); th.textContent = h; head.appendChild(th); });
    var body = t.createTBody();
    table.rows.forEach(function (row) {
      var tr = body.insertRow();
      row.forEach(function (cell) {
        var td = tr.insertCell(); td.textContent = cell;
        if (/^(right|wrong)$/i.test(cell)) td.className = cell.toLowerCase();
      });
    });
    holder.appendChild(t);
  }

  /* The one-file page: its elements by id, and the keyboard. */
  function page(doc, model) {
    var $ = function (id) { return doc.getElementById(id); };
    var stepper = new Stepper(new View($("graph")), { prev: $("prev"), next: $("next"), counter: $("counter"),
      phase: $("phase"), line: $("line"), table: $("table"), showAll: $("show-all") });
    stepper.load(model);
    doc.addEventListener("keydown", function (ev) {
      if (ev.target && /INPUT|TEXTAREA|SELECT/.test(ev.target.tagName)) return;
      if (stepper.keydown(ev)) ev.preventDefault();
    });
    global.autogradStepper = stepper;
    return stepper;
  }

  global.AutogradGraph = { View: View, Stepper: Stepper, stateAt: stateAt, layout: layout, page: page, COLOURS: COLOURS };
})(window);
