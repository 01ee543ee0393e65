/* SKM IKM widget. A unit's website embeds it with
 *   <script src="https://<skm host>/static/publication/widget.js" data-unit="<unit slug>" async></script>
 * and it puts an iframe of /p/<unit slug>/widget/ (from the same host as this script) right
 * after the script tag. No inline script and no cookies are needed on the embedding site. */
(function () {
  "use strict";

  function embed(script) {
    if (!script || script.getAttribute("data-skm-done")) return;
    var unit = script.getAttribute("data-unit");
    if (!unit) return;
    script.setAttribute("data-skm-done", "1");
    var origin = new URL(script.src, document.baseURI).origin;
    var frame = document.createElement("iframe");
    frame.src = origin + "/p/" + encodeURIComponent(unit) + "/widget/";
    frame.title = script.getAttribute("data-title") || "Indeks Kepuasan Masyarakat";
    frame.width = script.getAttribute("data-width") || "300";
    frame.height = script.getAttribute("data-height") || "220";
    frame.loading = "lazy";
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.style.border = "0";
    frame.style.maxWidth = "100%";
    script.parentNode.insertBefore(frame, script.nextSibling);
  }

  // currentScript is set for async scripts too; the loop covers several tags on one page
  // and browsers that leave currentScript empty.
  embed(document.currentScript);
  var tags = document.querySelectorAll("script[data-unit][src*='publication/widget.js']");
  for (var i = 0; i < tags.length; i++) embed(tags[i]);
})();
