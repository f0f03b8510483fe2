/* Staff photo upload: the file input also accepts photos dragged onto its zone, and says how many
   files are chosen. Without JavaScript the plain <input type=file multiple> does the same job. */
(function () {
  "use strict";

  function describe(files) {
    if (!files || !files.length) { return ""; }
    var names = Array.prototype.map.call(files, function (file) { return file.name; });
    return "Wybrane pliki (" + files.length + "): " + names.join(", ");
  }

  function init(zone) {
    var input = zone.querySelector("input[type=file]");
    var status = zone.querySelector("[data-dropzone-status]");
    if (!input) { return; }
    function show() { if (status) { status.textContent = describe(input.files); } }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragover");
      });
    });
    ["dragleave", "dragend"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("is-dragover"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("is-dragover");
      if (event.dataTransfer && event.dataTransfer.files && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-dropzone]"), init);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();

/* While the worker prepares uploaded photos, the progress ("Przetwarzanie zdjęć: 3 z 50") is
   read again from this same page every few seconds. Once all are ready the page reloads to show
   them, unless something was typed into a form meanwhile (then a link says they are ready).
   Without JavaScript the "Odśwież stronę" link does the same. */
(function () {
  "use strict";

  var INTERVAL_MS = 3000;
  var typed = false;

  function poll(section) {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-photo-progress]");
        if (fresh) {
          var text = section.querySelector("[data-photo-progress-text]");
          var freshText = fresh.querySelector("[data-photo-progress-text]");
          var bar = section.querySelector("progress");
          var freshBar = fresh.querySelector("progress");
          if (text && freshText) { text.textContent = freshText.textContent; }
          if (bar && freshBar) { bar.max = freshBar.max; bar.value = freshBar.value; }
          window.setTimeout(function () { poll(section); }, INTERVAL_MS);
        } else if (!typed) {
          window.location.reload();
        } else {
          var status = section.querySelector("[data-photo-progress-text]");
          if (status) { status.textContent = "Wszystkie zdjęcia są gotowe. Prosimy zapisać opisy i odświeżyć stronę."; }
        }
      })
      .catch(function () { /* a failed check leaves the reload link; the next one may work */
        window.setTimeout(function () { poll(section); }, INTERVAL_MS * 3);
      });
  }

  function start() {
    var section = document.querySelector("[data-photo-progress]");
    if (!section || section.getAttribute("data-waiting") === "0") { return; }
    document.addEventListener("input", function () { typed = true; });
    window.setTimeout(function () { poll(section); }, INTERVAL_MS);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
