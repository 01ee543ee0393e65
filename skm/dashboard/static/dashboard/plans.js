/* Plan pages, progressive enhancement: a block marked data-shown-for-status="sudah" (the
   realisation's date done) is shown only while that status is chosen in its form. Without
   this file every field shows and the server refuses a date given with another status
   (with the file, a date typed and then hidden by choosing another status is not sent). */
(function () {
  "use strict";
  var blocks = document.querySelectorAll("[data-shown-for-status]");
  Array.prototype.forEach.call(blocks, function (block) {
    var form = block.closest("form");
    if (!form) { return; }
    var radios = form.querySelectorAll("input[type=radio][name=status]");
    if (!radios.length) { return; }
    function update() {
      var chosen = form.querySelector("input[type=radio][name=status]:checked");
      var wanted = block.getAttribute("data-shown-for-status");
      // A field the server refused stays visible so its message and value are seen.
      var refused = block.querySelector(".has-error");
      block.hidden = !refused && !(chosen && chosen.value === wanted);
      // A hidden field is not sent: what the person cannot see is not stored either.
      Array.prototype.forEach.call(block.querySelectorAll("input"), function (input) {
        input.disabled = block.hidden;
      });
    }
    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  });
})();
