/* History pages: a Print button for receipts and statements. The pages print
   without it too (the browser's own Print command); the button only shows when
   this script runs, and no handler is inline (strict CSP). */
(function () {
  "use strict";

  var reveal = function (root) {
    root.querySelectorAll("button[data-print][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  };
  reveal(document);
  document.body.addEventListener("htmx:afterSettle", function (event) { reveal(event.detail.elt); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-print]");
    if (button) { window.print(); }
  });
})();
