// The review page's behaviour (pipeline/review_page.py): filters, stepping through sentences,
// and turning a reviewer's change of a label or grade into corrections.csv lines.
// Inlined into every page: no server, no requests. The page reads and works without it.
(function () {
  "use strict";
  var body = document.body;
  var reportId = body.getAttribute("data-report-id");
  var low = parseFloat(body.getAttribute("data-low-confidence"));
  var sentences = Array.prototype.slice.call(document.querySelectorAll("#report-text .s"));
  var $ = function (id) { return document.getElementById(id); };
  var current = null;

  // One corrections.csv field, quoted as Python's csv module (and our reader) expects.
  function field(value) {
    return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }
  // report_id,table,key,field,value,reviewer,reason: the columns of corrections.csv.
  function correctionLine(table, key, name, value) {
    return [reportId, table, key, name, value, $("reviewer").value.trim(), $("reason").value.trim()]
      .map(field).join(",");
  }

  var lines = {};  // table key field -> line: a second change of one row replaces the first
  function addLine(table, key, name, value) {
    lines[table + " " + key + " " + name] = correctionLine(table, key, name, value);
    var text = Object.keys(lines).map(function (k) { return lines[k]; }).join("\n");
    $("correction-lines").value = text;
    var header = $("correction-lines").getAttribute("data-header");
    $("download").href = "data:text/csv;charset=utf-8," + encodeURIComponent(header + "\n" + text + "\n");
    $("download").hidden = false;
    $("copy").hidden = false;
    $("correction-status").textContent = Object.keys(lines).length + " correction line(s) made";
  }

  function shown(s) { return !s.classList.contains("dim"); }

  function applyFilter() {
    var label = $("filter-label").value, lowOnly = $("filter-low").checked, count = 0;
    sentences.forEach(function (s) {
      var match = (!label || s.getAttribute("data-label") === label) &&
        (!lowOnly || parseFloat(s.getAttribute("data-confidence")) < low);
      s.classList.toggle("dim", !match);
      if (match) count += 1;
    });
    $("filter-count").textContent = count + " of " + sentences.length + " sentences shown";
  }

  function select(s, scroll) {
    if (!s) return;
    if (current) current.classList.remove("selected");
    current = s;
    s.classList.add("selected");
    $("sentence-id").textContent = s.id + (s.getAttribute("data-page") ? " (page " + s.getAttribute("data-page") + ")" : "");
    $("sentence-text").textContent = s.textContent;
    $("sentence-label").textContent = s.getAttribute("data-label") + ", confidence " +
      s.getAttribute("data-confidence") + " (" + s.getAttribute("data-method") + ")";
    $("new-label").value = s.getAttribute("data-label");
    $("correct-sentence").setAttribute("data-key", s.getAttribute("data-key"));
    $("correct-sentence").disabled = false;
    if (scroll) s.scrollIntoView({ block: "center" });
  }

  function step(direction) {
    var visible = sentences.filter(shown);
    if (!visible.length) return;
    var at = current ? visible.indexOf(current) : -1;
    if (at < 0) {  // the current sentence is filtered out: the next shown one after it
      at = direction > 0 ? -1 : visible.length;
      if (current) {
        var position = sentences.indexOf(current);
        for (var i = 0; i < visible.length; i++) {
          if (sentences.indexOf(visible[i]) > position) { at = direction > 0 ? i - 1 : i; break; }
        }
      }
    }
    var next = visible[Math.min(Math.max(at + direction, 0), visible.length - 1)];
    select(next, true);
    next.setAttribute("tabindex", "-1");
    next.focus({ preventScroll: true });
  }

  // A link to a source span (a grade, an item) selects the sentence it is or lies in.
  function followHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && $(id);
    if (!target || target === $("report-text") || !$("report-text").contains(target)) return;
    select(target.classList.contains("s") ? target : target.closest(".s") || target.querySelector(".s"), false);
  }

  $("filter-label").addEventListener("change", applyFilter);
  $("filter-low").addEventListener("change", applyFilter);
  $("previous").addEventListener("click", function () { step(-1); });
  $("next").addEventListener("click", function () { step(1); });
  $("report-text").addEventListener("click", function (event) {
    var s = event.target.closest(".s");
    if (s) select(s, false);
  });
  $("correct-sentence").addEventListener("click", function () {
    addLine("sentences", this.getAttribute("data-key"), "label", $("new-label").value);
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.correct-grade"), function (button) {
    button.addEventListener("click", function () {
      var choice = $(button.getAttribute("data-select"));
      addLine(choice.getAttribute("data-table"), choice.getAttribute("data-key"),
        choice.getAttribute("data-field"), choice.value);
    });
  });
  $("copy").addEventListener("click", function () {
    var area = $("correction-lines");
    area.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value);
    } else {
      document.execCommand("copy");
    }
    $("correction-status").textContent = "Copied: paste the lines under the header of corrections.csv";
  });
  window.addEventListener("hashchange", followHash);
  // The controls that need this script are hidden until it runs.
  Array.prototype.forEach.call(document.querySelectorAll("[data-needs-script]"), function (e) { e.hidden = false; });
  applyFilter();
  followHash();
})();
