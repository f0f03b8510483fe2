// The Content-Security-Policy forbids inline event handlers (on*="…" attributes); third-party
// admin templates that still use them get the same behaviour attached from here.
document.addEventListener("DOMContentLoaded", () => {
  // django-import-export's export page: "Select all" fields toggle (onchange="onSelectToggleChange(event)").
  document.querySelectorAll('input.select-toggle[name="select-all-toggle"]').forEach((toggle) => {
    toggle.addEventListener("change", (event) => {
      if (typeof window.onSelectToggleChange === "function") {
        window.onSelectToggleChange(event);
      }
    });
  });
});
