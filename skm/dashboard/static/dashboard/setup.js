/* Setup pages: the minimum sample (Krejcie-Morgan) shown while a population is typed into
   an input marked data-sample="<id of the output>". The number comes from the server
   (skm.method.required_sample), never computed here. Progressive enhancement: without
   this file the "Show the minimum sample" button and the saved period show it. */
(function () {
  "use strict";
  if (!window.fetch) { return; }

  function watch(input) {
    var out = document.getElementById(input.getAttribute("data-sample"));
    if (!out) { return; }
    var timer = null;
    var asked = 0;

    function update() {
      var value = input.value.trim();
      if (value === "") { out.textContent = ""; return; }
      var mine = ++asked;
      var url = out.getAttribute("data-url") + "?populasi=" + encodeURIComponent(value);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && mine === asked) { out.textContent = data.text; }
        })
        .catch(function () { /* offline: the button or the saved period still shows it */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 250);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-sample]"), watch);
})();
