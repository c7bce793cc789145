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

  document.addEventListener("DOMContentLoaded", function () {
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
