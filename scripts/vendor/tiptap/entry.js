// Entry point of the vendored editor bundle: Tiptap (ProseMirror) with the extensions the portal
// uses, exposed as window.RopsTiptap for static/js/richtext.js. No CSS is injected (CSP).
import { Editor } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { TableKit } from "@tiptap/extension-table";

window.RopsTiptap = { Editor, StarterKit, TableKit };
