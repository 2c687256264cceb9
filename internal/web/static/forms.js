// Parcours — a form sent twice (double click, impatient Enter) is sent
// once: the second submit of the same form is ignored for a few seconds.
// The server refuses replays too (form_token), so this only spares the
// worker a confusing second page; without JavaScript the server's check
// alone applies.
(function () {
  "use strict";
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    if (!(f instanceof HTMLFormElement) || (f.getAttribute("method") || "get").toLowerCase() !== "post") { return; }
    if (f.hasAttribute("data-sending")) { ev.preventDefault(); return; }
    f.setAttribute("data-sending", "");
    // Let the form be sent again if the page stays (network error, a
    // download, the back button restoring the page).
    setTimeout(function () { f.removeAttribute("data-sending"); }, 8000);
  });
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sending]"), function (f) { f.removeAttribute("data-sending"); });
  });
})();
