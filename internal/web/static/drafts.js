// Parcours — keeps drafts of long texts (journal notes) so that an expired
// session or a closed tab does not lose them. Opt-in: <textarea data-draft>.
//
// A draft is saved in localStorage while typing, keyed by worker, form
// action and field. It is restored only into an empty field (the server's
// own copy, e.g. a form shown back with errors, always wins). On submit the
// draft is marked pending in sessionStorage; the next page decides: a
// logged-in page means the server received the form, so the draft is
// dropped; a login page (session expired) keeps it for after the login.
// Drafts older than 12 hours (the longest session) and every draft on
// logout are erased: notes must not linger on a shared computer.
(function () {
  "use strict";
  var PREFIX = "parcours.draft:";
  var MAX_AGE = 12 * 3600 * 1000;
  var store;
  try { store = window.localStorage; store.getItem("x"); } catch (e) { return; }
  var body = document.body;
  var worker = body.getAttribute("data-worker") || "";

  function eachDraft(fn) {
    for (var i = store.length - 1; i >= 0; i--) {
      var k = store.key(i);
      if (k && k.indexOf(PREFIX) === 0) { fn(k); }
    }
  }
  function read(k) {
    try { return JSON.parse(store.getItem(k)); } catch (e) { return null; }
  }
  // Expire old drafts.
  eachDraft(function (k) {
    var d = read(k);
    if (!d || Date.now() - d.t > MAX_AGE) { store.removeItem(k); }
  });
  // The page after a submit tells whether the server got it.
  var pending = [];
  try { pending = JSON.parse(sessionStorage.getItem(PREFIX + "pending") || "[]"); sessionStorage.removeItem(PREFIX + "pending"); } catch (e) { pending = []; }
  if (worker) { pending.forEach(function (k) { store.removeItem(k); }); }

  if (!worker) { return; }
  var fields = document.querySelectorAll("textarea[data-draft]");
  Array.prototype.forEach.call(fields, function (ta) {
    if (!ta.form || !ta.name) { return; }
    var key = PREFIX + worker + ":" + (ta.form.getAttribute("action") || location.pathname) + "#" + ta.name;
    var d = read(key);
    if (d && d.v && ta.value.trim() === "") {
      ta.value = d.v;
      var msg = body.getAttribute("data-draft-restored");
      if (msg) {
        var p = document.createElement("p");
        p.className = "draft-note";
        p.setAttribute("role", "status");
        p.textContent = msg;
        ta.parentNode.insertBefore(p, ta.nextSibling);
      }
    }
    var timer = null;
    ta.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (ta.value.trim() === "") { store.removeItem(key); return; }
        try { store.setItem(key, JSON.stringify({ t: Date.now(), v: ta.value })); } catch (e) { /* quota: give up quietly */ }
      }, 400);
    });
    ta.form.addEventListener("submit", function () {
      clearTimeout(timer);
      if (ta.value.trim() !== "") {
        try { store.setItem(key, JSON.stringify({ t: Date.now(), v: ta.value })); } catch (e) { /* ignore */ }
      }
      var list = [];
      try { list = JSON.parse(sessionStorage.getItem(PREFIX + "pending") || "[]"); } catch (e) { list = []; }
      list.push(key);
      sessionStorage.setItem(PREFIX + "pending", JSON.stringify(list));
    });
  });
  // Logging out erases every draft of this browser.
  Array.prototype.forEach.call(document.querySelectorAll("form.logout"), function (f) {
    f.addEventListener("submit", function () { eachDraft(function (k) { store.removeItem(k); }); });
  });
})();
