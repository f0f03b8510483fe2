/* Rich-text editor for textareas marked data-richtext (portal.richtext.RichTextWidget): event
   descriptions, reports, news. Built on the vendored Tiptap bundle (window.RopsTiptap,
   static/vendor/tiptap/). Progressive enhancement: without JavaScript, or if the bundle is missing,
   the textarea stays and takes HTML; the server sanitises whatever arrives (portal/richtext.py).

   Accessibility: the toolbar follows the WAI-ARIA toolbar pattern (one Tab stop, arrow keys,
   Home/End, buttons with visible Polish names and aria-pressed for toggles); the editable area is
   a labelled multi-line textbox described by the field's help text and errors; Alt+F10 or Esc
   moves from the text to the toolbar (Tab inside a table moves between cells). */
(function () {
  "use strict";

  var T = window.RopsTiptap;
  if (!T) { return; }

  var counter = 0;

  function isActive(editor, name, attrs) { return editor.isActive(name, attrs || {}); }

  // Each button: label (visible and accessible name), command, optional toggle state, optional
  // "can" check (disabled outside a table, for instance).
  function buttons(editor) {
    function chain() { return editor.chain().focus(); }
    function inTable() { return editor.isActive("table"); }
    return [
      { label: "Akapit", run: function () { chain().setParagraph().run(); },
        pressed: function () {
          return isActive(editor, "paragraph") && !["bulletList", "orderedList", "blockquote", "table"].some(
            function (name) { return isActive(editor, name); });
        } },
      { label: "Nagłówek 2", run: function () { chain().toggleHeading({ level: 2 }).run(); },
        pressed: function () { return isActive(editor, "heading", { level: 2 }); } },
      { label: "Nagłówek 3", run: function () { chain().toggleHeading({ level: 3 }).run(); },
        pressed: function () { return isActive(editor, "heading", { level: 3 }); } },
      { label: "Nagłówek 4", run: function () { chain().toggleHeading({ level: 4 }).run(); },
        pressed: function () { return isActive(editor, "heading", { level: 4 }); } },
      "separator",
      { label: "Pogrubienie", shortcut: "Control+B", run: function () { chain().toggleBold().run(); },
        pressed: function () { return isActive(editor, "bold"); } },
      { label: "Kursywa", shortcut: "Control+I", run: function () { chain().toggleItalic().run(); },
        pressed: function () { return isActive(editor, "italic"); } },
      "separator",
      { label: "Lista punktowana", run: function () { chain().toggleBulletList().run(); },
        pressed: function () { return isActive(editor, "bulletList"); } },
      { label: "Lista numerowana", run: function () { chain().toggleOrderedList().run(); },
        pressed: function () { return isActive(editor, "orderedList"); } },
      { label: "Cytat", run: function () { chain().toggleBlockquote().run(); },
        pressed: function () { return isActive(editor, "blockquote"); } },
      { label: "Odnośnik", run: function () { editLink(editor); },
        pressed: function () { return isActive(editor, "link"); } },
      "separator",
      { label: "Wstaw tabelę", run: function () { chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(); },
        enabled: function () { return !inTable(); } },
      { label: "Dodaj wiersz", run: function () { chain().addRowAfter().run(); }, enabled: inTable },
      { label: "Usuń wiersz", run: function () { chain().deleteRow().run(); }, enabled: inTable },
      { label: "Dodaj kolumnę", run: function () { chain().addColumnAfter().run(); }, enabled: inTable },
      { label: "Usuń kolumnę", run: function () { chain().deleteColumn().run(); }, enabled: inTable },
      { label: "Usuń tabelę", run: function () { chain().deleteTable().run(); }, enabled: inTable },
      "separator",
      { label: "Cofnij", shortcut: "Control+Z", run: function () { chain().undo().run(); },
        enabled: function () { return editor.can().undo(); } },
      { label: "Ponów", shortcut: "Control+Y", run: function () { chain().redo().run(); },
        enabled: function () { return editor.can().redo(); } }
    ];
  }

  function editLink(editor) {
    var current = editor.getAttributes("link").href || "https://";
    var href = window.prompt("Adres odnośnika (https://…, mailto:…). Puste pole usuwa odnośnik.", current);
    if (href === null) { editor.commands.focus(); return; }
    href = href.trim();
    if (!href || href === "https://") {
      editor.chain().focus().extendMarkRange("link").unsetLink().run();
      return;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !/^(https?:|mailto:)/i.test(href)) {
      window.alert("Odnośnik może prowadzić tylko do adresu https://, http:// albo mailto:.");
      editor.commands.focus();
      return;
    }
    if (!/^(https?:\/\/|mailto:|\/)/i.test(href)) { href = "https://" + href; }
    if (editor.state.selection.empty && !editor.isActive("link")) {
      editor.chain().focus().insertContent({ type: "text", text: href, marks: [{ type: "link", attrs: { href: href } }] }).run();
    } else {
      editor.chain().focus().extendMarkRange("link").setLink({ href: href }).run();
    }
  }

  function enhance(textarea) {
    counter += 1;
    var id = textarea.id || "richtext-" + counter;
    var label = textarea.id ? document.querySelector('label[for="' + textarea.id + '"]') : null;
    if (label && !label.id) { label.id = id + "_label"; }

    var wrapper = document.createElement("div");
    wrapper.className = "richtext";
    var toolbar = document.createElement("div");
    toolbar.className = "richtext-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatowanie tekstu" + (label ? ": " + label.textContent.trim() : ""));
    toolbar.setAttribute("aria-controls", id + "_editor");
    var mount = document.createElement("div");
    var hint = document.createElement("span");
    hint.className = "richtext-hint";
    hint.id = id + "_richtext_hint";
    hint.textContent = "Alt+F10 lub Esc: pasek narzędzi. Ctrl+B pogrubienie, Ctrl+I kursywa.";
    wrapper.appendChild(toolbar);
    wrapper.appendChild(mount);
    wrapper.appendChild(hint);
    textarea.parentNode.insertBefore(wrapper, textarea.nextSibling);

    var describedBy = [textarea.getAttribute("aria-describedby"), hint.id].filter(Boolean).join(" ");
    var attributes = {
      id: id + "_editor",
      class: "richtext-content",
      role: "textbox",
      "aria-multiline": "true",
      "aria-describedby": describedBy
    };
    if (label) { attributes["aria-labelledby"] = label.id; } else { attributes["aria-label"] = "Treść"; }
    if (textarea.getAttribute("aria-invalid")) { attributes["aria-invalid"] = textarea.getAttribute("aria-invalid"); }

    var editor;
    try {
      editor = new T.Editor({
        element: mount,
        content: textarea.value,
        injectCSS: false,
        extensions: [
          T.StarterKit.configure({
            heading: { levels: [2, 3, 4] },
            code: false,
            codeBlock: false,
            strike: false,
            underline: false,
            horizontalRule: false,
            link: {
              openOnClick: false,
              autolink: true,
              defaultProtocol: "https",
              protocols: ["http", "https", "mailto"],
              HTMLAttributes: { target: null, rel: "noopener noreferrer", class: null }
            }
          }),
          T.TableKit.configure({ table: { resizable: false } })
        ],
        editorProps: { attributes: attributes }
      });
    } catch (error) {
      wrapper.parentNode.removeChild(wrapper);
      return;  // the textarea stays usable
    }

    // The editor now holds the value; the textarea is only what the form submits.
    textarea.hidden = true;
    textarea.removeAttribute("required");
    textarea.setAttribute("aria-hidden", "true");
    textarea.tabIndex = -1;
    if (label) {
      label.addEventListener("click", function (event) { event.preventDefault(); editor.commands.focus(); });
    }

    var items = buttons(editor);
    var controls = [];
    items.forEach(function (item) {
      if (item === "separator") {
        var separator = document.createElement("span");
        separator.setAttribute("role", "separator");
        separator.setAttribute("aria-orientation", "vertical");
        toolbar.appendChild(separator);
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = item.label;
      button.tabIndex = controls.length === 0 ? 0 : -1;
      if (item.shortcut) { button.setAttribute("aria-keyshortcuts", item.shortcut); }
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        // The last button used is where Alt+F10 / Esc / Tab come back to in the toolbar.
        controls.forEach(function (control) { control.button.tabIndex = control.button === button ? 0 : -1; });
        if (button.getAttribute("aria-disabled") === "true") { return; }
        item.run();
      });
      toolbar.appendChild(button);
      controls.push({ item: item, button: button });
    });

    function refresh() {
      controls.forEach(function (control) {
        if (control.item.pressed) {
          control.button.setAttribute("aria-pressed", control.item.pressed() ? "true" : "false");
        }
        if (control.item.enabled) {
          control.button.setAttribute("aria-disabled", control.item.enabled() ? "false" : "true");
        }
      });
    }

    function sync() { textarea.value = editor.isEmpty ? "" : editor.getHTML(); }

    function focusButton(index) {
      var count = controls.length;
      index = (index + count) % count;
      controls.forEach(function (control, i) { control.button.tabIndex = i === index ? 0 : -1; });
      controls[index].button.focus();
    }

    toolbar.addEventListener("keydown", function (event) {
      var index = controls.map(function (c) { return c.button; }).indexOf(document.activeElement);
      if (index < 0) { return; }
      if (event.key === "ArrowRight" || event.key === "ArrowDown") { focusButton(index + 1); }
      else if (event.key === "ArrowLeft" || event.key === "ArrowUp") { focusButton(index - 1); }
      else if (event.key === "Home") { focusButton(0); }
      else if (event.key === "End") { focusButton(controls.length - 1); }
      else if (event.key === "Escape" || event.key === "Esc") { editor.commands.focus(); }
      else { return; }
      event.preventDefault();
    });

    editor.view.dom.addEventListener("keydown", function (event) {
      if ((event.altKey && event.key === "F10") || event.key === "Escape" || event.key === "Esc") {
        event.preventDefault();
        var current = controls.filter(function (c) { return c.button.tabIndex === 0; })[0] || controls[0];
        current.button.focus();
      }
    });

    var dirty = false;
    editor.on("update", function () { dirty = true; sync(); refresh(); });
    editor.on("selectionUpdate", refresh);
    editor.on("transaction", refresh);
    editor.on("focus", refresh);
    refresh();
    // An untouched editor submits the textarea exactly as loaded (the form sees no change).
    if (textarea.form) {
      textarea.form.addEventListener("submit", function () { if (dirty) { sync(); } });
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-richtext]"), function (textarea) {
      if (!textarea.closest(".empty-form")) { enhance(textarea); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
