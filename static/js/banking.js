/* Banking pages: copy buttons and single submission. Every page works without it. */
(function () {
  "use strict";

  // (1) Copy buttons are hidden until a script can copy; the text stays selectable.
  var reveal = function (root) {
    if (!navigator.clipboard) { return; }
    root.querySelectorAll("button.copy[hidden]").forEach(function (button) {
      button.hidden = false;
    });
  };
  reveal(document);
  document.body.addEventListener("htmx:afterSettle", function (event) { reveal(event.detail.elt); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.copy");
    if (!button) { return; }
    navigator.clipboard.writeText(button.dataset.copy || "").then(function () {
      button.classList.add("copied");
      var status = document.getElementById("copy-status");
      if (status) { status.textContent = status.dataset.copied || "Copied"; }
      window.setTimeout(function () {
        button.classList.remove("copied");
        if (status) { status.textContent = ""; }
      }, 2000);
    });
  });

  // (2) On narrow screens the sections are a scrolling strip: bring the current one in view.
  var current = document.querySelector(".shell-nav [aria-current='page']");
  if (current && current.scrollIntoView) {
    current.scrollIntoView({ block: "nearest", inline: "center" });
  }

  // (3) Money steps submit once: the server refuses a second send anyway, this
  // only spares the person a confusing "already processing" page.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-submit-once")) { return; }
    if (form.dataset.submitted) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type='submit']").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
    });
  });
})();
