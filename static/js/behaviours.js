// Small page behaviours declared with data attributes instead of inline handlers, so the
// Content-Security-Policy can forbid inline script (script-src 'self').
//   data-autosubmit        on a select/input: submit its form when it changes
//   data-navigate          on a select: go to the chosen option's value (a URL)
//   data-confirm="text"    on a form: ask before submitting
//   data-select-on-click   on an input: select its text when clicked (copying an address)
//   data-filter-options="#id"  on an input: show only the options of that select containing the text
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
  document.addEventListener("click", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-select-on-click]")) el.select();
  });
})();
