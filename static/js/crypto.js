// Crypto deposit page: "Copy" buttons next to addresses and memos.
// Without JavaScript the buttons stay hidden and the address is plain selectable
// text; with it they appear and copy the text of the element named in data-copy.
(function () {
  "use strict";

  function reveal(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(text, element) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain http (a local demo): select the text and use the older command.
    selectText(element);
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy"));
  }

  function announce(button, text) {
    var status = document.querySelector("[data-copy-status]");
    if (status) {
      status.textContent = "";
      // A fresh text node so screen readers announce a repeated message too.
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = text;
    window.clearTimeout(Number(button.dataset.timer || 0));
    button.dataset.timer = String(window.setTimeout(function () {
      button.textContent = label;
    }, 2000));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) {
      return;
    }
    var source = document.getElementById(button.dataset.copy);
    if (!source) {
      return;
    }
    copy(source.textContent.trim(), source).then(
      function () { announce(button, button.dataset.copied); },
      // The clipboard was refused: leave the text selected for Ctrl+C.
      function () { selectText(source); }
    );
  });

  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
})();
