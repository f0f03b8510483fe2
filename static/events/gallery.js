/* Photo gallery of a report: a thumbnail link opens the full photo in a modal <dialog> with its
   alt text, caption and author; ← and → (or the buttons) move between photos, Esc or "Zamknij"
   closes it and focus returns to the thumbnail. Without JavaScript the link opens the photo. */
(function () {
  "use strict";

  function init(gallery) {
    var links = Array.prototype.slice.call(gallery.querySelectorAll("a[data-gallery-item]"));
    if (!links.length || typeof HTMLDialogElement === "undefined") { return; }
    var dialog = document.createElement("dialog");
    dialog.className = "gallery-dialog";
    dialog.setAttribute("aria-labelledby", "gallery-dialog-position");
    dialog.innerHTML =
      '<figure><img alt=""><figcaption><span data-caption></span><span class="photo-credit" data-credit></span></figcaption></figure>' +
      '<div class="gallery-dialog-controls">' +
      '<button type="button" data-previous>← Poprzednie</button>' +
      '<span id="gallery-dialog-position" aria-live="polite"></span>' +
      '<button type="button" data-next>Następne →</button>' +
      '<button type="button" data-close>Zamknij</button></div>';
    document.body.appendChild(dialog);
    var image = dialog.querySelector("img");
    var caption = dialog.querySelector("[data-caption]");
    var credit = dialog.querySelector("[data-credit]");
    var position = dialog.querySelector("#gallery-dialog-position");
    var current = 0;
    var opener = null;

    function show(index) {
      current = (index + links.length) % links.length;
      var link = links[current];
      var thumbnail = link.querySelector("img");
      image.src = link.href;
      image.alt = thumbnail ? thumbnail.alt : "";
      caption.textContent = link.getAttribute("data-caption") || "";
      credit.textContent = link.getAttribute("data-credit") || "";
      position.textContent = "Zdjęcie " + (current + 1) + " z " + links.length;
    }

    links.forEach(function (link, index) {
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
        event.preventDefault();
        opener = link;
        show(index);
        dialog.showModal();
        dialog.querySelector("[data-close]").focus();
      });
    });
    dialog.querySelector("[data-previous]").addEventListener("click", function () { show(current - 1); });
    dialog.querySelector("[data-next]").addEventListener("click", function () { show(current + 1); });
    dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { event.preventDefault(); show(current - 1); }
      else if (event.key === "ArrowRight") { event.preventDefault(); show(current + 1); }
    });
    dialog.addEventListener("close", function () {
      var link = links[current] || opener;
      if (link) { link.focus(); }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-gallery]"), init);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
