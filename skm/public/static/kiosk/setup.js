// Setup page: keep the device token handed over once by the server, then open the kiosk.
(function () {
  const box = document.getElementById("kiosk-setup");
  if (!box || !box.dataset.token) return;
  localStorage.setItem("skm-kiosk-token", box.dataset.token);
  localStorage.removeItem("skm-kiosk-revoked");
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith("skm-kiosk-config-")) localStorage.removeItem(key);
  }
  box.removeAttribute("data-token");
  window.location.replace(box.dataset.next);
})();
