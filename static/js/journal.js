// The journal grid: keyboard-first cell editing over htmx.
// Arrows move; typing opens the cell; Enter saves and moves down; Tab saves and moves right;
// Esc cancels; Delete clears; «К» edits the comment of a mark. Leaving a cell any other way
// (a click elsewhere, a tap, a focus change) saves it too. What was typed is never lost:
// a save that fails (no network, a server error, an answer that is not our cell) marks the
// cell failed with a message and keeps the typed text for a retry; on a refusal or a
// conflict the server answers the cell with the current value and the typed text is offered
// again; the page warns before it is left while anything is unsaved or still saving.
// On a touch screen a tap on a cell opens a pick-list (н/б/уп/оп, 2–5) that moves down the
// class after each choice: one tap per student.
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
  const pick = document.getElementById("jpick"); // the touch pick-list (see below)
  const OPENERS = /^[0-9нбуопзачеи/а\-]$/i;
  const COMMENT_KEYS = ["к", "К", "k", "K"];
  let pending = null; // a save waiting for its reason: {find, value, kind}
  let inflight = 0; // saves sent and not answered yet
  const CELL_ANSWERS = [200, 403, 409, 422]; // the statuses that carry our cell partial

  // The attestation columns stick to the right edge; the newest lessons are in view.
  function stickFinals(scroll) {
    const head = grid.tHead && grid.tHead.rows[0];
    if (!head) return;
    let finals = Array.from(head.cells).filter((th) => th.classList.contains("jp-h"));
    // On a phone the attestation columns scroll with the lessons (gradebook.css): no offsets.
    if (finals.length && getComputedStyle(finals[0]).position !== "sticky") finals = [];
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
    showError(td);
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
    input.dataset.autosave = "1"; // typed here: leaving the cell saves it
    delete input.dataset.committed;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  function closeEditor(td) {
    const input = td && td.querySelector("input");
    if (input) {
      input.dataset.committed = "1"; // removing a focused input must not save it on blur
      input.remove();
    }
  }

  function afterSave(find, value, kind, quiet) {
    const td = find();
    if (!td) return;
    if (td.dataset.needReason) {
      askReason({ find, value, kind });
      return;
    }
    reopenTyped(td);
    if (td.querySelector(".jc-msg")) showError(td); // a refusal is said even after the cursor moved on
    if (quiet) return; // saved on leaving the cell or from the pick-list: focus stays where it went
    const active = document.activeElement;
    if (!active || active === document.body) focusCell(td);
    else if (isCell(active)) showPanel(active);
  }

  // POST a save; resolve with the answer's cells, or reject with the message to show.
  // Only a 200/403/409/422 answer of our own cell markup is put into the table: an error
  // page, a login page after a lost session, or a proxy's answer never is.
  const SAVE_TIMEOUT_MS = 20000; // a save never stays «saving» forever: past this it has failed

  function post(url, values, accept) {
    inflight += 1;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), SAVE_TIMEOUT_MS);
    return fetch(url, {
      method: "POST",
      body: new URLSearchParams(values),
      headers: headers(),
      credentials: "same-origin",
      redirect: "manual",
      signal: controller.signal,
    })
      .catch(() => {
        throw new Error(grid.dataset.networkError || "");
      })
      .then((response) => {
        if (!CELL_ANSWERS.includes(response.status)) {
          const key = response.status >= 500 ? "serverError" : "sessionError";
          throw new Error(grid.dataset[key] || grid.dataset.networkError || "");
        }
        return response.text().then((html) => {
          const tpl = document.createElement("template");
          tpl.innerHTML = html.trim();
          const cells = Array.from(tpl.content.children);
          if (!cells.length || !cells.every((el) => el.tagName === "TD") || !accept(cells)) {
            throw new Error(grid.dataset.serverError || "");
          }
          return cells;
        });
      })
      .finally(() => {
        clearTimeout(timer);
        inflight -= 1;
      });
  }

  function saveCell(td, value, reason, quiet) {
    td.classList.add("jc-saving");
    const find = finder(td);
    const values = {
      lesson: td.dataset.lesson,
      student: td.dataset.student,
      token: td.dataset.token,
      value: value,
      work_type: workType ? workType.value : "",
      reason: reason || "",
    };
    const ours = (cells) =>
      cells.length === 1 && cells[0].dataset.lesson === values.lesson && cells[0].dataset.student === values.student;
    return post(cellUrl, values, ours).then(
      (cells) => {
        const old = find();
        if (!old) return;
        old.replaceWith(cells[0]);
        if (roving === old) roving = cells[0];
        afterSave(find, value, "cell", quiet);
      },
      (error) => saveFailed(find(), value, error.message)
    );
  }

  function savePeriod(td, value, reason, quiet) {
    td.classList.add("jc-saving");
    const find = finder(td);
    const values = {
      student: td.dataset.periodStudent,
      period: grid.dataset.period,
      kind: td.dataset.kind,
      version: td.dataset.version,
      value: value,
      reason: reason || "",
    };
    const row = td.parentElement;
    const olds = () => Array.from(row.querySelectorAll("td.jf"));
    // The answer is every attestation cell of the row: average, suggestion, the marks.
    const ours = (cells) => cells.length === olds().length && cells.every((el) => el.classList.contains("jf"));
    return post(periodUrl, values, ours).then(
      (cells) => {
        olds().forEach((old, i) => old.replaceWith(cells[i]));
        stickFinals(false);
        afterSave(find, value, "period", quiet);
      },
      (error) => saveFailed(find(), value, error.message)
    );
  }

  function save(td, value, then, reason, quiet) {
    const promise = td.dataset.periodStudent
      ? savePeriod(td, value, reason, quiet)
      : saveCell(td, value, reason, quiet);
    if (then) then();
    return promise;
  }

  // A save that did not reach the journal: the cell says so and keeps what was typed.
  function saveFailed(td, value, message) {
    if (!td) return;
    td.classList.remove("jc-saving");
    td.classList.add("jc-error");
    td.title = message;
    let input = td.querySelector("input");
    if (!input) {
      input = document.createElement("input");
      input.type = "text";
      input.autocomplete = "off";
      input.setAttribute("aria-label", grid.dataset.inputLabel || "");
      td.appendChild(input);
    }
    input.value = value === "-" ? "" : value;
    input.dataset.autosave = "1";
    delete input.dataset.committed;
    input.classList.add("is-invalid");
    let note = td.querySelector(".jc-msg");
    if (!note) {
      note = document.createElement("div");
      note.className = "jc-msg";
      note.setAttribute("role", "alert");
      td.appendChild(note);
    }
    note.textContent = message;
    showError(td);
  }

  // A refused or conflicting save comes back with what was typed: offer it again.
  function reopenTyped(td) {
    if (td && td.dataset.typed && !td.querySelector("input")) {
      const input = document.createElement("input");
      input.type = "text";
      input.autocomplete = "off";
      input.setAttribute("aria-label", grid.dataset.inputLabel || "");
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

  // A cell's message (a refusal, a failed save) is shown in the panel above the grid: it
  // covers no row, takes no click and is never cut at the column's edge. Esc dismisses it.
  function showError(td, text) {
    const box = part(".jpanel-error");
    if (!box) return;
    const note = td && td.querySelector(".jc-msg");
    const message = text || (note ? note.textContent : "");
    // The cursor may have moved on (Enter goes down, the pick-list to the next student):
    // a message about another cell names whose cell it is.
    const name = td && td !== roving && td.parentElement.querySelector(".js");
    const said = message && name ? `${name.textContent.trim()}: ${message}` : message;
    box.textContent = said;
    box.hidden = !said;
    const sheet = pick && pick.querySelector(".jpick-error");
    if (sheet) sheet.textContent = said; // the panel may be scrolled away on a phone
  }

  function clearError(td) {
    const box = part(".jpanel-error");
    if (box) box.hidden = true;
    const sheet = pick && pick.querySelector(".jpick-error");
    if (sheet) sheet.textContent = "";
    if (td && !td.querySelector("input")) {
      const note = td.querySelector(".jc-msg");
      if (note) note.remove();
      td.classList.remove("jc-error", "jc-conflict");
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
        const values = {
          lesson: cell.dataset.lesson, student: cell.dataset.student, token: cell.dataset.token,
          work_type: input.dataset.wt, comment: input.value,
        };
        const ours = (cells) => cells.length === 1 && cells[0].dataset.lesson === values.lesson;
        post(commentUrl, values, ours).then(
          (cells) => {
            const old = find();
            if (old) old.replaceWith(cells[0]);
            focusCell(find());
          },
          (error) => {
            // The comment was not saved: it waits in its box for another Enter.
            box.hidden = false;
            input.classList.add("is-invalid");
            input.title = error.message;
            showError(find(), error.message);
          }
        );
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
      if (event.key === "Enter" || event.key === "Tab" || event.key === "ArrowDown" || event.key === "ArrowUp") {
        // Up and down leave the cell like Enter: save, then move (a one-line input has no lines to go to).
        event.preventDefault();
        const value = target.value.trim();
        const up = event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey);
        const next = event.key === "Tab" ? neighbour(td, 0, event.shiftKey ? -1 : 1) : neighbour(td, up ? -1 : 1, 0);
        if (!value && event.key.startsWith("Arrow")) {
          closeEditor(td); // an arrow out of an empty editor moves on; only Enter or Delete clears
          focusCell(next || td);
          return;
        }
        target.dataset.committed = "1"; // moving the focus below must not save it a second time
        save(td, value, () => focusCell(next || td));
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeEditor(td);
        clearError(td);
        focusCell(td);
      }
      return;
    }
    if (event.key === "Escape") {
      clearError(td);
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

  // Leaving a cell being typed in by any other way than Enter/Tab/Esc saves it: a click or
  // a tap elsewhere, a focus change. A value the server refused is not sent again by itself.
  grid.addEventListener("focusout", (event) => {
    const input = event.target;
    if (input.tagName !== "INPUT" || input.dataset.committed || !input.dataset.autosave) return;
    const td = input.closest("td");
    if (!isCell(td) || td.classList.contains("jc-saving")) return;
    const value = input.value.trim();
    if (!value) {
      if (!td.classList.contains("jc-error")) closeEditor(td); // opened and left empty: nothing to keep
      return;
    }
    input.dataset.committed = "1";
    save(td, value, null, "", true);
  });

  // Anything typed and not saved, or a save not answered yet: leaving the page would lose it.
  const unsaved = () =>
    inflight > 0 ||
    Array.from(grid.querySelectorAll("td input")).some((i) => i.value.trim() || i.closest(".jc-error"));
  window.addEventListener("beforeunload", (event) => {
    if (!unsaved()) return;
    event.preventDefault();
    event.returnValue = ""; // the browser shows its own «leave the page?» question
  });

  // --- the pick-list: a tap per student on a touch screen ----------------------------------

  let picking = null; // the finder of the cell the pick-list is open for
  let lastPointer = "mouse";
  const coarse = window.matchMedia ? window.matchMedia("(pointer: coarse)") : { matches: false };

  function openPick(td) {
    if (!pick || !td || !canEdit(td)) return;
    picking = finder(td);
    pick.hidden = false;
    document.body.classList.add("jpick-open");
    const row = td.parentElement;
    const nameCell = row.querySelector(".js");
    pick.querySelector(".jpick-who").textContent = nameCell ? nameCell.textContent.trim() : "";
    const now = Array.from(td.querySelectorAll(".jc-att, .jc-mark"))
      .map((el) => el.textContent)
      .join(" ");
    pick.querySelector(".jpick-now").textContent = now;
    // A period cell takes marks only; a grade without marks takes attendance only.
    pick.querySelectorAll("[data-pick-att]").forEach((b) => (b.hidden = !td.dataset.lesson));
    pick.querySelectorAll("[data-pick-mark]").forEach((b) => (b.hidden = Boolean(td.dataset.lesson) && !workType));
    const wt = pick.querySelector(".jpick-wt");
    if (wt) wt.textContent = td.dataset.lesson && workType ? workType.options[workType.selectedIndex].text : "";
    focusCell(td);
    td.scrollIntoView({ block: "center", inline: "nearest" });
  }

  function closePick() {
    if (!pick) return;
    pick.hidden = true;
    picking = null;
    document.body.classList.remove("jpick-open");
  }

  if (pick) {
    pick.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button || !picking) return;
      const td = picking();
      if (button.hasAttribute("data-pick-close") || !td) {
        closePick();
        return;
      }
      const next = neighbour(td, 1, 0);
      if (!button.hasAttribute("data-pick-skip")) save(td, button.dataset.value, null, "", true);
      if (next && canEdit(next)) openPick(next);
      else closePick();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !pick.hidden) closePick();
    });
  }

  let downCell = null; // where the press began: the panel may reflow the rows before the click
  grid.addEventListener("pointerdown", (event) => {
    lastPointer = event.pointerType || "mouse";
    downCell = event.target.closest("td");
  });
  grid.addEventListener("click", (event) => {
    let td = event.target.closest("td");
    if (!td && downCell && event.target.contains(downCell)) td = downCell;
    if (!isCell(td) || event.target.tagName === "INPUT") return;
    if (editable && pick && (lastPointer === "touch" || lastPointer === "pen" || coarse.matches)) openPick(td);
    else focusCell(td);
  });

  // «все» in a lesson's header: a server error or a lost connection is said in the panel.
  const headFailed = (event) => {
    const target = event.detail.target;
    if (target && target.matches && target.matches("th.jl")) showError(null, grid.dataset.headError || "");
  };
  document.body.addEventListener("htmx:responseError", (event) => {
    if (event.detail.xhr.status !== 422) headFailed(event);
  });
  document.body.addEventListener("htmx:sendError", headFailed);

  // «все» in a lesson's header: a refusal (422) carries the header with its reason.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422 && event.detail.target && event.detail.target.matches("th.jl")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  grid.addEventListener("focusin", (event) => {
    if (isCell(event.target)) showPanel(event.target);
    else if (event.target.tagName === "INPUT") showError(event.target.closest("td"));
  });
  grid.addEventListener("dblclick", (event) => {
    const td = event.target.closest("td");
    if (isCell(td) && canEdit(td)) openEditor(td, "");
  });

})();
