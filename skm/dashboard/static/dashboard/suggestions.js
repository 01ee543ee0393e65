/* Suggestions inbox, progressive enhancement: "select all shown" ticks every card's box
   and follows them (unticking one card unticks it). Without this file the box is sent as
   it is and the server applies the action to every suggestion shown. */
(function () {
  "use strict";
  var all = document.getElementById("pilih-semua");
  if (!all) { return; }
  var boxes = document.querySelectorAll("input[type=checkbox][name=pilih][form=bulk-form]");
  function each(fn) { Array.prototype.forEach.call(boxes, fn); }
  all.addEventListener("change", function () {
    each(function (box) { box.checked = all.checked; });
  });
  each(function (box) {
    box.addEventListener("change", function () {
      var ticked = 0;
      each(function (b) { if (b.checked) { ticked += 1; } });
      all.checked = ticked === boxes.length;
    });
  });
})();
