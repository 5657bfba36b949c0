/* The checker page: it sends the program, the inputs and the claims to the worker (our package's
 * `autograd check` in Pyodide) and shows its verdicts, diagnoses and chains as text. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };

  function inputs(text) {
    // NAME=NUMBER pairs; the number is checked again by the Python side (finite, a number)
    var at = {};
    text.split(/[\s,]+/).filter(Boolean).forEach(function (pair) {
      var parts = pair.split("=");
      if (parts.length !== 2 || parts[1] === "" || isNaN(Number(parts[1]))) throw new Error("write each input as NAME=NUMBER, not " + pair);
      at[parts[0]] = Number(parts[1]);
    });
    return at;
  }

  function line(parent, tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    el.textContent = text;
    parent.appendChild(el);
    return el;
  }

  function show(report) {
    var list = $("verdicts"), notes = $("notes");
    list.textContent = ""; notes.textContent = "";
    report.claims.forEach(function (c) {
      var li = line(list, "li", c.verdict, "");
      li.setAttribute("data-verdict", c.verdict);
      line(li, "b", "", c.verdict);
      li.appendChild(document.createTextNode(": " + c.claim + ("true" in c ? "   (true value " + c["true"] + ")" : "")));
      (c.diagnoses || []).forEach(function (d) { line(li, "div", "diagnosis", d.text); });
      if (c.verdict !== "right" && c.chain && c.chain.length) line(li, "div", "chain", c.chain.join("\n"));
    });
    (report.notes || []).forEach(function (n) { line(notes, "li", "", n); });
  }

  $("check").addEventListener("click", function () {
    $("error").hidden = true;
    var body;
    try {
      body = { program: $("program").value, at: inputs($("at").value),
               claims: $("claims").value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean) };
    } catch (e) { $("error").hidden = false; $("error").textContent = e.message; return; }
    window.AutogradTransport.post("/api/check/full", body).then(function (answer) {
      if (!answer.ok) { $("error").hidden = false; $("error").textContent = answer.data.error; return; }
      show(answer.data);
    });
  });
  document.body.setAttribute("data-ready", "1");
})();
