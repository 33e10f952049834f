// The journal grid: keyboard-first cell editing over htmx.
// Arrows move; typing opens the cell; Enter saves and moves down; Tab saves and moves right;
// Esc cancels; Delete clears. What was typed is never lost: on a network error the input
// stays in the cell, on a refusal or a conflict the server answers the cell with the
// current value and the typed text is offered again.
(function () {
  "use strict";
  const grid = document.querySelector("table.jgrid");
  if (!grid || grid.dataset.editable !== "1") return;
  const cellUrl = grid.dataset.cellUrl;
  const periodUrl = grid.dataset.periodUrl;
  const workType = document.getElementById("jwt");
  const OPENERS = /^[0-9нбуопзачеи/а\-]$/i;

  const isCell = (el) => el && el.tagName === "TD" && (el.dataset.lesson || el.dataset.periodStudent);

  function focusCell(td) {
    if (!td) return;
    td.focus();
    td.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  // The nearest editable cell from `td` going (dr, dc); skips cells outside enrolment.
  function neighbour(td, dr, dc) {
    let row = td.parentElement;
    let col = td.cellIndex;
    for (let i = 0; i < 400; i++) {
      if (dr) {
        row = dr > 0 ? row.nextElementSibling : row.previousElementSibling;
        if (!row) return null;
      } else {
        col += dc;
      }
      const next = row.cells[col];
      if (!next) return null;
      if (isCell(next)) return next;
    }
    return null;
  }

  function openEditor(td, initial) {
    let input = td.querySelector("input");
    if (!input) {
      input = document.createElement("input");
      input.type = "text";
      input.autocomplete = "off";
      input.setAttribute("aria-label", grid.dataset.inputLabel || "");
      td.appendChild(input);
    }
    input.value = initial;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  function closeEditor(td) {
    const input = td.querySelector("input");
    if (input) input.remove();
  }

  function saveCell(td, value) {
    td.classList.add("jc-saving");
    td.classList.remove("jc-error");
    const values = {
      lesson: td.dataset.lesson,
      student: td.dataset.student,
      token: td.dataset.token,
      value: value,
      work_type: workType ? workType.value : "",
    };
    const lesson = td.dataset.lesson;
    const student = td.dataset.student;
    return htmx
      .ajax("POST", cellUrl, { source: td, target: td, swap: "outerHTML", values: values })
      .then(() => reopenTyped(grid.querySelector(`td[data-lesson="${lesson}"][data-student="${student}"]`)));
  }

  function savePeriod(td, value) {
    td.classList.add("jc-saving");
    const body = new URLSearchParams({
      student: td.dataset.periodStudent,
      period: grid.dataset.period,
      version: td.dataset.version,
      value: value,
    });
    const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    return fetch(periodUrl, { method: "POST", body: body, headers: headers, credentials: "same-origin" })
      .then((response) => response.text())
      .then((html) => {
        const tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        const row = td.parentElement;
        const cells = Array.from(tpl.content.children);
        // The answer is the three period cells: average, suggestion, the mark itself.
        row.cells[td.cellIndex - 2].replaceWith(cells[0]);
        row.cells[td.cellIndex - 1].replaceWith(cells[1]);
        td.replaceWith(cells[2]);
        reopenTyped(cells[2]);
      })
      .catch(() => networkError(td));
  }

  function save(td, value, then) {
    const promise = td.dataset.periodStudent ? savePeriod(td, value) : saveCell(td, value);
    if (then) then();
    return promise;
  }

  function networkError(td) {
    td.classList.remove("jc-saving");
    td.classList.add("jc-error");
    td.title = grid.dataset.networkError || "";
    const input = td.querySelector("input");
    if (input) input.classList.add("is-invalid");
  }

  // A refused or conflicting save comes back with what was typed: offer it again.
  function reopenTyped(td) {
    if (td && td.dataset.typed) {
      const input = document.createElement("input");
      input.type = "text";
      input.value = td.dataset.typed;
      td.appendChild(input);
    }
  }

  grid.addEventListener("keydown", (event) => {
    const target = event.target;
    const td = target.tagName === "INPUT" ? target.closest("td") : target;
    if (!isCell(td)) return;
    if (target.tagName === "INPUT") {
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        const value = target.value.trim();
        const next = event.key === "Enter" ? neighbour(td, event.shiftKey ? -1 : 1, 0) : neighbour(td, 0, event.shiftKey ? -1 : 1);
        save(td, value, () => focusCell(next || td));
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeEditor(td);
        focusCell(td);
      }
      return;
    }
    const moves = { ArrowDown: [1, 0], ArrowUp: [-1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[event.key]) {
      event.preventDefault();
      focusCell(neighbour(td, ...moves[event.key]) || td);
    } else if (event.key === "Enter" || event.key === "F2") {
      event.preventDefault();
      openEditor(td, "");
    } else if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      save(td, "");
    } else if (event.key.length === 1 && OPENERS.test(event.key) && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      openEditor(td, event.key);
    }
  });

  grid.addEventListener("click", (event) => {
    const td = event.target.closest("td");
    if (isCell(td) && event.target.tagName !== "INPUT") focusCell(td);
  });
  grid.addEventListener("dblclick", (event) => {
    const td = event.target.closest("td");
    if (isCell(td)) openEditor(td, "");
  });

  // 403/409/422 carry the cell with the current value and the reason: swap them in.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 403 || status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.body.addEventListener("htmx:sendError", (event) => networkError(event.detail.elt));
})();
