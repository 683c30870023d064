/* The review report's filter bar, inlined in the page: plain JavaScript, no library, no fetch,
   works from file://. Without JavaScript the page shows every finding and no filter bar. */
(function () {
  "use strict";

  var bar = document.getElementById("filters");
  var findings = Array.prototype.slice.call(document.querySelectorAll("li.finding"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.rule-group"));

  function each(selector, action) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), action);
  }

  // Printing shows everything: open every collapsed table first, close them again afterwards.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    each("details:not([open])", function (details) {
      details.open = true;
      openedForPrint.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (details) {
      details.open = false;
    });
    openedForPrint = [];
  });

  if (!bar || findings.length === 0) {
    return;
  }

  var severityBoxes = bar.querySelectorAll('input[name="severity"]');
  var statusBoxes = bar.querySelectorAll('input[name="status"]');
  var family = document.getElementById("filter-family");
  var search = document.getElementById("filter-text");
  var reset = document.getElementById("filter-reset");
  var count = document.getElementById("shown-count");
  var noMatch = document.getElementById("no-match");
  var texts = findings.map(function (finding) {
    return finding.textContent.toLowerCase().replace(/\s+/g, " ");
  });

  function checked(boxes) {
    var out = {};
    Array.prototype.forEach.call(boxes, function (box) {
      out[box.value] = box.checked;
    });
    return out;
  }

  function apply() {
    var severities = checked(severityBoxes);
    var statuses = checked(statusBoxes);
    var wanted = family.value;
    var words = search.value.toLowerCase().split(/\s+/).filter(function (word) {
      return word.length > 0;
    });
    var shown = 0;
    findings.forEach(function (finding, index) {
      var data = finding.dataset;
      var visible =
        severities[data.severity] === true &&
        statuses[data.status] === true &&
        (wanted === "all" || data.group === wanted || data.family === wanted) &&
        words.every(function (word) {
          return texts[index].indexOf(word) !== -1;
        });
      finding.classList.toggle("filtered-out", !visible);
      if (visible) {
        shown += 1;
      }
    });
    groups.forEach(function (group) {
      group.classList.toggle("filtered-out", group.querySelector("li.finding:not(.filtered-out)") === null);
    });
    count.textContent = shown + " of " + findings.length + " finding" + (findings.length === 1 ? "" : "s") + " shown";
    noMatch.hidden = shown !== 0;
  }

  bar.addEventListener("input", apply);
  bar.addEventListener("change", apply);
  reset.addEventListener("click", function () {
    Array.prototype.forEach.call(severityBoxes, function (box) {
      box.checked = true;
    });
    Array.prototype.forEach.call(statusBoxes, function (box) {
      box.checked = true;
    });
    family.value = "all";
    search.value = "";
    apply();
  });
  bar.hidden = false;
  apply();
})();
