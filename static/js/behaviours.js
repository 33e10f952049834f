// Small page behaviours declared with data attributes instead of inline handlers, so the
// Content-Security-Policy can forbid inline script (script-src 'self').
//   data-autosubmit        on a select/input: submit its form when it changes
//   data-navigate          on a select: go to the chosen option's value (a URL)
//   data-confirm="text"    on a form: ask before submitting
//   data-select-on-click   on an input: select its text when clicked (copying an address)
//   data-filter-options="#id"  on an input: show only the options of that select containing the text
//   data-unsaved-warning   on a form: once something is typed in it, say so next to its
//                          button ([data-unsaved-note]) and ask before the page is left unsaved
//   data-load-on-open      on a <details>: when first opened, its first link is replaced by
//                          the page it points to, fetched with htmx (forms loaded on demand)
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("[data-navigate]")) {
      window.location.href = el.value;
    } else if (el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("input", function (event) {
    var el = event.target;
    var target = el.matches && el.matches("[data-filter-options]") && document.querySelector(el.getAttribute("data-filter-options"));
    if (!target) return;
    var text = el.value.trim().toLowerCase();
    Array.prototype.forEach.call(target.options, function (option) {
      option.hidden = text !== "" && !option.selected && option.text.toLowerCase().indexOf(text) === -1;
    });
  });
  // "toggle" does not bubble: listen in the capture phase.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details[data-load-on-open]")) return;
    if (!details.open || details.getAttribute("data-loaded") || !window.htmx) return;
    var link = details.querySelector("a[href]");
    if (!link) return;
    details.setAttribute("data-loaded", "1");
    window.htmx.ajax("GET", link.getAttribute("href"), { target: link, swap: "outerHTML" });
  }, true);
  document.addEventListener("click", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-select-on-click]")) el.select();
  });

  var dirtyForms = new Set();
  function markDirty(event) {
    var form = event.target.form || (event.target.closest && event.target.closest("form"));
    if (!form || !form.hasAttribute("data-unsaved-warning")) return;
    dirtyForms.add(form);
    var note = form.querySelector("[data-unsaved-note]");
    if (note) note.hidden = false;
  }
  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) dirtyForms.delete(event.target);
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirtyForms.size) return;
    event.preventDefault();
    event.returnValue = ""; // the browser asks «leave the page?» in its own words
  });
})();
