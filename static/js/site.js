/* Behaviour shared by every page. Loaded from a file (no inline scripts: the Content Security
   Policy forbids them); every page works without it. */
(function () {
  "use strict";

  /* Disclosure menus ([data-disclosure] holding a button[aria-controls] and its list), such as
     "Moje konto": the button opens and closes the list; Esc closes it and returns focus to the
     button; it closes when focus or a click leaves it, so it never covers what has focus.
     Without JavaScript the list is simply shown. */
  function initDisclosure(root) {
    var button = root.querySelector("button[aria-controls]");
    var panel = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) { return; }
    function isOpen() { return button.getAttribute("aria-expanded") === "true"; }
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panel.hidden = !open;
    }
    setOpen(false);
    root.classList.add("is-enhanced");
    button.addEventListener("click", function () { setOpen(!isOpen()); });
    root.addEventListener("keydown", function (event) {
      if ((event.key === "Escape" || event.key === "Esc") && isOpen()) {
        event.preventDefault();
        setOpen(false);
        button.focus();
      }
    });
    root.addEventListener("focusout", function (event) {
      if (isOpen() && event.relatedTarget && !root.contains(event.relatedTarget)) { setOpen(false); }
    });
    document.addEventListener("click", function (event) {
      if (isOpen() && !root.contains(event.target)) { setOpen(false); }
    });
  }

  /* After a failed submit, focus the error summary (its autofocus attribute does the same where
     the browser honours it), so screen-reader and keyboard users start from the list of errors. */
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary && (document.activeElement === document.body || document.activeElement === null)) {
      summary.focus();
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-disclosure]"), initDisclosure);
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
