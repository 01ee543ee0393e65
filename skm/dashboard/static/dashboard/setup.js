/* Opening a period: the minimum sample (Krejcie-Morgan) shown while the population is
   typed. The number comes from the server (skm.method.required_sample), never computed
   here. Progressive enhancement: without this file the "Show the minimum sample" button
   and the saved period show it. */
(function () {
  "use strict";
  var input = document.getElementById("id_population");
  var out = document.getElementById("sample");
  if (!input || !out || !window.fetch) { return; }
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
      .catch(function () { /* offline: the button still shows it */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 250);
  });
})();
