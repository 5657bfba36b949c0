/* A problem sheet's page: the student's sheet and the grader's verdicts on their answers, both
 * from the worker (our package's course kit in Pyodide). The set's file is fetched from the site
 * and sent with each request; the page itself computes nothing. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var setFile = $("sheet-page").getAttribute("data-set");
  var setText = fetch(setFile).then(function (r) {
    if (!r.ok) throw new Error("cannot load " + setFile + ": " + r.status);
    return r.text();
  });
  var student = "", saved = null;

  function fail(message) { $("error").hidden = false; $("error").textContent = message; }
  function ask(path, body) {
    return setText.then(function (text) {
      body.set = text;
      return window.AutogradTransport.post(path, body);
    }).then(function (answer) {
      if (!answer.ok) throw new Error(answer.data.error);
      return answer.data;
    });
  }
  function line(parent, tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    el.textContent = text;
    parent.appendChild(el);
    return el;
  }

  function showSheet() {
    $("error").hidden = true;
    var id = $("student").value.trim();
    return ask("/api/sheet", { student: id }).then(function (data) {
      student = id;
      history.replaceState(null, "", "#student=" + encodeURIComponent(id));
      $("sheet").srcdoc = data.html;
      if (saved) URL.revokeObjectURL(saved);
      saved = URL.createObjectURL(new Blob([data.html], { type: "text/html" }));
      $("save-sheet").href = saved;
      $("save-sheet").download = "sheet-" + id.replace(/[^A-Za-z0-9_-]+/g, "_") + ".html";
      var form = $("answers");
      form.textContent = "";
      data.questions.forEach(function (q) {
        var label = line(form, "label", "", q.id + " (" + q.points + ")");
        var input = document.createElement("input");
        input.setAttribute("data-testid", "answer-" + q.id);
        input.setAttribute("data-question", q.id);
        input.spellcheck = false;
        label.appendChild(input);
      });
      $("verdicts").textContent = ""; $("score").textContent = "";
      $("sheet-part").hidden = false;
    }).catch(function (e) { fail(e.message); });
  }

  function check() {
    $("error").hidden = true;
    var answers = {};
    Array.prototype.forEach.call(document.querySelectorAll("[data-question]"), function (input) {
      answers[input.getAttribute("data-question")] = input.value;
    });
    return ask("/api/sheet/check", { student: student, answers: answers }).then(function (data) {
      $("score").textContent = "score: " + data.score + " of " + data.max_score;
      var list = $("verdicts");
      list.textContent = "";
      Object.keys(data.questions).forEach(function (qid) {
        var q = data.questions[qid];
        var li = line(list, "li", q.verdict.replace(" ", "-"), "");
        li.setAttribute("data-verdict", q.verdict);
        li.setAttribute("data-question", qid);
        line(li, "b", "", q.verdict);
        li.appendChild(document.createTextNode(": " + qid + (q.answer ? " = " + q.answer : "") +
                                               "   (" + q.points + " of " + q.max_points + ")"));
        q.diagnoses.forEach(function (d) { line(li, "div", "diagnosis", d.text); });
        if (q.follow_through) line(li, "div", "diagnosis", q.follow_through.text);
      });
    }).catch(function (e) { fail(e.message); });
  }

  $("show-sheet").addEventListener("click", showSheet);
  $("student").addEventListener("keydown", function (e) { if (e.key === "Enter") showSheet(); });
  $("check-answers").addEventListener("click", check);
  var linked = /^#student=(.*)$/.exec(location.hash);
  if (linked) {
    try { $("student").value = decodeURIComponent(linked[1]); showSheet(); } catch (e) { fail("the link's student id is not readable"); }
  }
  document.body.setAttribute("data-ready", "1");
})();
