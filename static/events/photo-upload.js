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
