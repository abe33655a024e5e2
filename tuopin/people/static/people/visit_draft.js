/* The visit form's draft: every field (but the photos and the CSRF token) is kept in
 * localStorage as it is typed, and put back when the page is opened again (a reload, a
 * lost connection). The hidden client token travels with the draft, so a form sent
 * again after a reload is the same visit on the server. The visit's page clears the
 * draft whose token it shows (the visit was saved). No inline script: CSP. */
(function () {
  "use strict";
  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  var storage = store();
  if (!storage) { return; }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.name !== "csrfmiddlewaretoken" &&
        el.type !== "submit" && el.type !== "button";
    });
  }

  function save(form, key) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name] = data[el.name] || [];
        if (el.checked) { data[el.name].push(el.value); }
      } else {
        data[el.name] = el.value;
      }
    });
    data._saved = new Date().toISOString();
    storage.setItem(key, JSON.stringify(data));
  }

  function restore(form, key) {
    var text = storage.getItem(key);
    if (!text) { return false; }
    var data;
    try { data = JSON.parse(text); } catch (e) { return false; }
    fields(form).forEach(function (el) {
      if (!(el.name in data)) { return; }
      var value = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) >= 0;
      } else {
        el.value = value;
      }
    });
    return true;
  }

  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    var key = form.getAttribute("data-draft-key");
    // A form answered with errors shows what was sent: keep it, it is the newer draft.
    var answered = form.hasAttribute("data-draft-answered");
    if (!answered && restore(form, key)) {
      var note = form.querySelector("[data-draft-note]");
      if (note) { note.hidden = false; }
    }
    save(form, key);
    form.addEventListener("input", function () { save(form, key); });
    form.addEventListener("change", function () { save(form, key); });
    var discard = form.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        storage.removeItem(key);
        window.location.reload();
      });
    }
  });

  document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
    var key = el.getAttribute("data-draft-clear");
    var token = el.getAttribute("data-draft-token");
    var text = storage.getItem(key);
    if (!text) { return; }
    try {
      var data = JSON.parse(text);
      if (!token || data.token === token) { storage.removeItem(key); }
    } catch (e) {
      storage.removeItem(key);
    }
  });
})();
