/* Paper entry, keyboard only: a digit (or L/P) typed into a one-key field moves the cursor
   to the next field; Backspace in an empty field goes back; a key a field does not accept
   is refused on the spot; Enter on the service list saves like everywhere else.
   Progressive enhancement: without this file Tab moves on and the server checks. */
(function () {
  "use strict";
  var form = document.getElementById("paper-form");
  if (!form) { return; }

  function fields() {
    return Array.prototype.filter.call(
      form.querySelectorAll("input, select, button"),
      function (el) { return el.type !== "hidden" && !el.disabled; }
    );
  }

  function skipped(el) {
    // "Other occupation" only matters for occupation 6 (Lainnya).
    if (el.name === "occupation_other") {
      var occupation = form.elements.occupation;
      return occupation && occupation.value !== "6" && el.value === "";
    }
    return false;
  }

  function move(from, step) {
    var list = fields();
    var i = list.indexOf(from) + step;
    while (i >= 0 && i < list.length && skipped(list[i])) { i += step; }
    if (i >= 0 && i < list.length) {
      list[i].focus();
      if (list[i].select && list[i].tagName === "INPUT") { list[i].select(); }
    }
  }

  form.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (el.tagName === "SELECT" && event.key === "Enter") {
      event.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      return;
    }
    if (!el.dataset || !el.dataset.advance) { return; }
    if (event.key === "Backspace" && el.value === "") {
      event.preventDefault();
      move(el, -1);
      return;
    }
    if (event.key.length === 1 && el.dataset.keys.indexOf(event.key) === -1) {
      event.preventDefault();
      el.classList.add("rejected");
    }
  });

  form.addEventListener("input", function (event) {
    var el = event.target;
    if (!el.dataset || !el.dataset.advance) { return; }
    el.classList.remove("rejected");
    if (el.value.length === 1 && el.dataset.keys.indexOf(el.value) !== -1) {
      if (el.name === "gender") { el.value = el.value.toUpperCase(); }
      move(el, 1);
    }
  });

  form.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el.dataset && el.dataset.advance && el.select) { el.select(); }
  });
}());
