/* Portal behaviour; every page works without it. No inline handlers (strict CSP). */
(function () {
  "use strict";

  // (1) Inactivity warning: only on signed-in pages, which render #inactivity-dialog.
  var dialog = document.getElementById("inactivity-dialog");
  if (dialog) {
    var warnAfter = Number(dialog.dataset.warnAfter || 240) * 1000;
    var expireAfter = Number(dialog.dataset.expireAfter || 300) * 1000;
    var expiredUrl = dialog.dataset.expiredUrl || "/login/?expired=1";
    var heartbeatPath = dialog.dataset.heartbeatPath || "/heartbeat/";
    var storageKey = "portal:last-activity";
    var lastActivity = Date.now();

    var touch = function () {
      lastActivity = Date.now();
      try { localStorage.setItem(storageKey, String(lastActivity)); } catch (e) { /* private mode */ }
      if (dialog.open) { dialog.close(); }
    };
    var latest = function () {
      // Activity in another tab of the same session counts too.
      var shared = 0;
      try { shared = Number(localStorage.getItem(storageKey)) || 0; } catch (e) { /* ignore */ }
      return Math.max(lastActivity, shared);
    };
    var check = function () {
      var idle = Date.now() - latest();
      if (idle >= expireAfter) {
        window.location.assign(expiredUrl);
      } else if (idle >= warnAfter) {
        if (!dialog.open && typeof dialog.showModal === "function") { dialog.showModal(); }
      } else if (dialog.open) {
        dialog.close();
      }
    };

    touch(); // a real page load
    window.setInterval(check, 5000);
    document.addEventListener("visibilitychange", check);

    document.body.addEventListener("htmx:afterRequest", function (event) {
      var path = "";
      try {
        path = new URL(event.detail.pathInfo.requestPath, window.location.href).pathname;
      } catch (e) { /* ignore */ }
      if (path === heartbeatPath) { return; }
      // Polling (hx-trigger="every …") is the page asking, not the person.
      var trigger = event.detail.elt && event.detail.elt.getAttribute("hx-trigger");
      if (/\bevery\b/.test(trigger || "")) { return; }
      if (dialog.contains(event.detail.elt)) {
        if (event.detail.successful) { touch(); }
        return;
      }
      touch();
    });
  }

  // (2) HX-Redirect responses are followed by htmx itself. A 503 "bank
  // unavailable" page replaces #main and a 429 "too many requests" note goes to
  // the top of the page (see base.html's htmx-config), except for polling
  // requests such as the heartbeat, which just try again next time.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var trigger = event.detail.elt && event.detail.elt.getAttribute("hx-trigger");
    var status = event.detail.xhr.status;
    if ((status === 503 || status === 429) && /\bevery\b/.test(trigger || "")) {
      event.detail.shouldSwap = false;
    }
  });

  // (3) A form swapped back with errors: its button is gone, so the focus would
  // fall to <body>. Move it to the first field in error (its message is tied to
  // it by aria-describedby), or, for a general error (role="alert"), to the
  // form's first field.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var scope = event.detail.elt;
    var active = document.activeElement;
    if (!scope || !scope.isConnected || (active && active !== document.body)) { return; }
    var target = scope.querySelector("form [aria-invalid='true']");
    if (!target && scope.querySelector("form .form-errors")) {
      target = scope.querySelector("form input:not([type='hidden']), form select, form textarea");
    }
    if (target) { target.focus(); }
  });

  // (4) Upload progress for forms with data-upload-progress.
  document.body.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest && event.target.closest("form[data-upload-progress]");
    var bar = form && form.querySelector("progress");
    if (bar && event.detail.lengthComputable) {
      bar.max = event.detail.total;
      bar.value = event.detail.loaded;
    }
  });
})();

/* Toasts: success and info messages float at the corner and leave by themselves
   (or by their button); without scripts they stay at the top of the page. The
   original stays in #messages, hidden, so the page's text does not change. */
(function () {
  "use strict";
  var TOAST_SECONDS = 8;

  var stack = function () {
    var found = document.getElementById("toasts");
    if (!found) {
      found = document.createElement("div");
      found.id = "toasts";
      found.className = "toasts";
      found.setAttribute("role", "status");
      found.setAttribute("aria-live", "polite");
      document.body.appendChild(found);
    }
    return found;
  };

  var raise = function () {
    var region = document.getElementById("messages");
    if (!region) { return; }
    var label = region.dataset.dismissLabel || "Dismiss";
    region.querySelectorAll(".message-success:not([hidden]), .message-info:not([hidden])").forEach(function (message) {
      var toast = message.cloneNode(true);
      message.hidden = true;
      toast.removeAttribute("role"); // the stack is the live region
      var close = document.createElement("button");
      close.type = "button";
      close.className = "toast-close";
      close.setAttribute("aria-label", label);
      close.textContent = "\u00d7";
      var leave = function () { if (toast.parentNode) { toast.parentNode.removeChild(toast); } };
      close.addEventListener("click", leave);
      toast.appendChild(close);
      stack().appendChild(toast);
      window.setTimeout(leave, TOAST_SECONDS * 1000);
    });
  };

  raise();
  document.body.addEventListener("htmx:oobAfterSwap", raise);
  document.body.addEventListener("htmx:afterSwap", raise);
})();
