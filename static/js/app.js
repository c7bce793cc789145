// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // A wide table scrolls sideways inside its container on a phone. Make that
  // container reachable with the keyboard (Tab, then the arrow keys) and name it
  // after the table's visible caption.
  function labelTableContainers(root) {
    var containers = root.querySelectorAll(".utrecht-table-container");
    for (var i = 0; i < containers.length; i++) {
      var box = containers[i];
      var caption = box.querySelector("caption");
      if (!caption || box.hasAttribute("tabindex")) {
        continue;
      }
      if (!caption.id) {
        caption.id = "ob-table-caption-" + Math.random().toString(36).slice(2, 10);
      }
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-labelledby", caption.id);
    }
  }

  // A long list of checkboxes gets a search box (rendered hidden by the template):
  // typing hides the options whose label does not contain the words; ticked ones
  // always stay. Enter in the box never sends the form.
  function filterLists(root) {
    var filters = root.querySelectorAll("[data-ob-filter-for]");
    for (var i = 0; i < filters.length; i++) {
      setUpFilter(filters[i]);
    }
  }

  function setUpFilter(filter) {
    var list = document.getElementById(filter.getAttribute("data-ob-filter-for"));
    var input = filter.querySelector("input");
    var count = filter.querySelector(".ob-filter__count");
    if (!list || !input) {
      return;
    }
    var options = list.querySelectorAll(":scope > div");
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      for (var j = 0; j < options.length; j++) {
        var text = options[j].textContent.toLowerCase();
        // "2701" finds "PO 27-01": also compared without spaces, dashes and dots.
        var compact = text.replace(/[\s.\-]+/g, "");
        var box = options[j].querySelector("input");
        var match = words.every(function (word) {
          return (
            text.indexOf(word) !== -1 ||
            compact.indexOf(word.replace(/[.\-]+/g, "")) !== -1
          );
        });
        var visible = match || (box && box.checked);
        options[j].hidden = !visible;
        if (visible) {
          shown += 1;
        }
      }
      if (count) {
        count.textContent = words.length
          ? filter
              .getAttribute("data-ob-filter-count")
              .replace("%(shown)s", String(shown))
              .replace("%(total)s", String(options.length))
          : "";
      }
    }
    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    filter.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    filterLists(document);
    // After a failed submit, put keyboard and screen-reader focus on the error summary.
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
    labelTableContainers(document);
  });
  // Content that htmx swaps in (a preview table) gets the same.
  document.addEventListener("htmx:afterSettle", function (event) {
    labelTableContainers(event.target);
  });
})();
