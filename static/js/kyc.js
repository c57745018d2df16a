/* KYC wizard: hide the actual address while "same as registered" is ticked.
   The server copies the registered address anyway; the page works without this. */
(function () {
  "use strict";

  var sync = function () {
    var box = document.querySelector('input[name="same_address"]');
    var target = document.querySelector("[data-same-address-target]");
    if (box && target) { target.hidden = box.checked; }
  };

  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "same_address") { sync(); }
  });
  document.addEventListener("htmx:afterSwap", sync);
  sync();
})();
