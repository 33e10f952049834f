// The journal grid: keyboard-first cell editing over htmx.
// Arrows move; typing opens the cell; Enter saves and moves down; Tab saves and moves right;
// Esc cancels; Delete clears; «К» edits the comment of a mark. What was typed is never
// lost: on a network error the input stays in the cell, on a refusal or a conflict the
// server answers the cell with the current value and the typed text is offered again.
// Correcting an old mark needs a reason: the panel asks for it and the save is repeated.
// Read-only grids (the deputy, the class teacher) keep the navigation and the panel.
(function () {
  "use strict";
  const grid = document.querySelector("table.jgrid");
  if (!grid) return;
  const editable = grid.dataset.editable === "1";
  const cellUrl = grid.dataset.cellUrl;
  const commentUrl = grid.dataset.commentUrl;
  const periodUrl = grid.dataset.periodUrl;
  const workType = document.getElementById("jwt");
  const namesNode = document.getElementById("jwt-names");
  const workTypeNames = namesNode ? JSON.parse(namesNode.textContent) : {};
  const panel = document.getElementById("jpanel");
  const OPENERS = /^[0-9нбуопзачеи/а\-]$/i;
  const COMMENT_KEYS = ["к", "К", "k", "K"];
  let pending = null; // a save waiting for its reason: {find, value, kind}

  // The attestation columns stick to the right edge; the newest lessons are in view.
  function stickFinals(scroll) {
    const head = grid.tHead && grid.tHead.rows[0];
    if (!head) return;
    const finals = Array.from(head.cells).filter((th) => th.classList.contains("jp-h"));
    let right = 0;
    const offsets = new Map();
    for (const th of finals.reverse()) {
      offsets.set(th.cellIndex, right);
      right += th.getBoundingClientRect().width;
    }
    // The names stick right after the № column as wide as it really is (no sliver between).
    const number = head.querySelector("th.jn");
    const numberWidth = number ? number.getBoundingClientRect().width : 0;
    for (const row of grid.rows) {
      for (const cell of row.cells) {
        if (offsets.has(cell.cellIndex) && (cell.classList.contains("jf") || cell.classList.contains("jp-h"))) {
          cell.style.right = `${offsets.get(cell.cellIndex)}px`;
        } else if (cell.classList.contains("js") && numberWidth) {
          cell.style.left = `${numberWidth}px`;
        }
      }
    }
    const wrap = grid.closest(".jgrid-wrap");
    const past = head.querySelectorAll("th[data-past]");
    if (scroll && wrap && past.length) {
      // The last lesson held so far sits just left of the attestation columns.
      const last = past[past.length - 1];
      const target = Math.max(0, last.offsetLeft + last.offsetWidth - (wrap.clientWidth - right));
      // Start at a whole column beside the names: a half-hidden one reads as the name's mark.
      const names = head.querySelector("th.js");
      const left = names ? numberWidth + names.getBoundingClientRect().width : 0;
      const first = target > 0 ? [...head.querySelectorAll("th.jl")].find((th) => th.offsetLeft - left >= target) : null;
      wrap.scrollLeft = first ? first.offsetLeft - left : target;
    }
  }
  stickFinals(true);

  const isCell = (el) => el && el.tagName === "TD" && (el.dataset.lesson || el.dataset.periodStudent);
  const canEdit = (td) => Boolean(td.dataset.periodStudent) || (editable && Boolean(td.dataset.lesson));
  const headers = () => JSON.parse(document.body.getAttribute("hx-headers") || "{}");

  // A cell is found again after a swap by what it stands for, not by the replaced node.
  function finder(td) {
    if (td.dataset.lesson) {
      const { lesson, student } = td.dataset;
      return () => grid.querySelector(`td[data-lesson="${lesson}"][data-student="${student}"]`);
    }
    const student = td.dataset.periodStudent;
    const kind = td.dataset.kind;
    return () => grid.querySelector(`td[data-period-student="${student}"][data-kind="${kind}"]`);
  }

  // Roving tabindex: Tab reaches the grid at the cell last used, arrows move inside it.
  let roving = grid.querySelector("td[data-lesson], td[data-period-student]");
  if (roving) roving.tabIndex = 0;

  function focusCell(td) {
    if (!td) return;
    if (roving && roving !== td) roving.tabIndex = -1;
    td.tabIndex = 0;
    roving = td;
    td.focus();
    td.scrollIntoView({ block: "nearest", inline: "nearest" });
    showPanel(td);
  }

  // The nearest cell from `td` going (dr, dc); skips cells outside enrolment.
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

  function afterSave(find, value, kind) {
    const td = find();
    if (!td) return;
    if (td.dataset.needReason) {
      askReason({ find, value, kind });
      return;
    }
    reopenTyped(td);
    const active = document.activeElement;
    if (!active || active === document.body) focusCell(td);
    else if (isCell(active)) showPanel(active);
  }

  function saveCell(td, value, reason) {
    td.classList.add("jc-saving");
    td.classList.remove("jc-error");
    const find = finder(td);
    const values = {
      lesson: td.dataset.lesson,
      student: td.dataset.student,
      token: td.dataset.token,
      value: value,
      work_type: workType ? workType.value : "",
      reason: reason || "",
    };
    return htmx
      .ajax("POST", cellUrl, { source: td, target: td, swap: "outerHTML", values: values })
      .then(() => afterSave(find, value, "cell"));
  }

  function savePeriod(td, value, reason) {
    td.classList.add("jc-saving");
    const find = finder(td);
    const row = td.parentElement;
    const body = new URLSearchParams({
      student: td.dataset.periodStudent,
      period: grid.dataset.period,
      kind: td.dataset.kind,
      version: td.dataset.version,
      value: value,
      reason: reason || "",
    });
    return fetch(periodUrl, { method: "POST", body: body, headers: headers(), credentials: "same-origin" })
      .then((response) => response.text())
      .then((html) => {
        const tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        const fresh = Array.from(tpl.content.children);
        // The answer is every attestation cell of the row: average, suggestion, the marks.
        Array.from(row.querySelectorAll("td.jf")).forEach((old, i) => fresh[i] && old.replaceWith(fresh[i]));
        stickFinals(false);
        afterSave(find, value, "period");
      })
      .catch(() => networkError(td));
  }

  function save(td, value, then, reason) {
    const promise = td.dataset.periodStudent ? savePeriod(td, value, reason) : saveCell(td, value, reason);
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
    if (td && td.dataset.typed && !td.querySelector("input")) {
      const input = document.createElement("input");
      input.type = "text";
      input.value = td.dataset.typed === "-" ? "" : td.dataset.typed;
      td.appendChild(input);
    }
  }

  // --- the panel: what is in the focused cell, its comment, its history, a reason ----------

  function part(name) {
    return panel ? panel.querySelector(name) : null;
  }

  function showPanel(td) {
    if (!panel || !td || !td.dataset.lesson) return;
    const row = td.parentElement;
    const nameCell = row.querySelector(".js");
    const head = grid.tHead.rows[0].cells[td.cellIndex];
    part(".jpanel-hint").hidden = true;
    part(".jpanel-info").hidden = false;
    part(".jpanel-who").textContent = nameCell ? nameCell.textContent.trim() : "";
    const topic = head && head.dataset.topic ? ` · ${head.dataset.topic}` : "";
    part(".jpanel-when").textContent = head ? `${head.dataset.date || ""}${topic}` : "";
    const bits = [];
    const att = td.querySelector(".jc-att");
    if (att) bits.push(att.textContent);
    td.querySelectorAll(".jc-mark").forEach((m) => {
      const name = workTypeNames[m.dataset.wt] || m.title;
      bits.push(`${m.textContent} — ${name}${m.dataset.comment ? ` «${m.dataset.comment}»` : ""}`);
    });
    part(".jpanel-marks").textContent = bits.length ? `· ${bits.join("; ")}` : "";
    const history = part(".jpanel-history");
    if (history) {
      history.hidden = false;
      history.href = `${grid.dataset.lessonPrefix}${td.dataset.lesson}/history/?student=${td.dataset.student}`;
    }
  }

  function markForComment(td) {
    const marks = Array.from(td.querySelectorAll(".jc-mark"));
    if (!marks.length) return null;
    return marks.find((m) => workType && m.dataset.wt === workType.value) || marks[0];
  }

  function openComment(td) {
    const mark = markForComment(td);
    if (!panel || !mark) return;
    const box = part(".jpanel-comment");
    const input = part("#jcomment");
    box.hidden = false;
    part(".jpanel-comment-mark").textContent = `«${mark.textContent}» (${workTypeNames[mark.dataset.wt] || mark.title})`;
    input.value = mark.dataset.comment || "";
    input.dataset.wt = mark.dataset.wt;
    input.focus();
    const find = finder(td);
    input.onkeydown = (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        const cell = find();
        box.hidden = true;
        htmx
          .ajax("POST", commentUrl, {
            source: cell, target: cell, swap: "outerHTML",
            values: { lesson: cell.dataset.lesson, student: cell.dataset.student, token: cell.dataset.token,
                      work_type: input.dataset.wt, comment: input.value },
          })
          .then(() => focusCell(find()));
      } else if (event.key === "Escape") {
        event.preventDefault();
        box.hidden = true;
        focusCell(find());
      }
    };
  }

  function askReason(waiting) {
    if (!panel) return;
    pending = waiting;
    const box = part(".jpanel-reason");
    const input = part("#jreason");
    box.hidden = false;
    input.value = "";
    input.focus();
    input.onkeydown = (event) => {
      if (event.key === "Enter" && input.value.trim()) {
        event.preventDefault();
        box.hidden = true;
        const { find, value } = pending;
        pending = null;
        const td = find();
        closeEditor(td);
        save(td, value, () => focusCell(find()), input.value.trim());
      } else if (event.key === "Escape") {
        event.preventDefault();
        box.hidden = true;
        const td = pending.find();
        pending = null;
        reopenTyped(td);
        focusCell(td);
      }
    };
  }

  // --- keys -------------------------------------------------------------------------------

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
      return;
    }
    if (!canEdit(td) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Enter" || event.key === "F2") {
      event.preventDefault();
      openEditor(td, "");
    } else if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      save(td, "");
    } else if (td.dataset.lesson && COMMENT_KEYS.includes(event.key)) {
      event.preventDefault();
      openComment(td);
    } else if (event.key.length === 1 && OPENERS.test(event.key)) {
      event.preventDefault();
      openEditor(td, event.key);
    }
  });

  grid.addEventListener("click", (event) => {
    const td = event.target.closest("td");
    if (isCell(td) && event.target.tagName !== "INPUT") focusCell(td);
  });
  grid.addEventListener("focusin", (event) => {
    if (isCell(event.target)) showPanel(event.target);
  });
  grid.addEventListener("dblclick", (event) => {
    const td = event.target.closest("td");
    if (isCell(td) && canEdit(td)) openEditor(td, "");
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
