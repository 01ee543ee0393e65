/* The public survey form (progressive enhancement; the form works without this file).

   "If other: which occupation?" is shown only while the occupation "Lainnya" is chosen.
   Without JavaScript the field is always shown, and the server ignores its text for any
   other occupation (skm/public/forms.py). A field with an error stays visible. */
(function () {
  "use strict";
  var other = document.querySelector(".other-occupation");
  var radios = document.querySelectorAll('input[name="occupation"]');
  if (!other || !radios.length) {
    return;
  }
  function update() {
    var chosen = document.querySelector('input[name="occupation"]:checked');
    var show = (chosen && chosen.value === "LAINNYA") || other.classList.contains("has-error");
    other.hidden = !show;
  }
  for (var i = 0; i < radios.length; i++) {
    radios[i].addEventListener("change", update);
  }
  update();
})();
