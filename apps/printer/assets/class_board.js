// @ts-check
/*
 * class_board.js: keeps the class board (/class, instructor mode) live. Every few seconds it asks
 * /class/progress (same origin, the instructor's session cookie) and redraws the table body. Learner names come
 * from the server and are put on the page with textContent, never as HTML. Plain JavaScript, no build step.
 */
(function () {
  'use strict';
  var table = document.getElementById('class-board');
  var status = document.getElementById('board-status');
  var summary = document.getElementById('board-summary');
  if (!table || !status) return;
  var tbody = table.querySelector('tbody');
  var pollMs = Number(status.dataset.pollMs) || 3000;

  /**
   * @typedef {{ sub: string, completed: Record<string, number>, count: number }} Learner
   * @typedef {{ exercises: { id: string, title: string }[], learners: Learner[] }} Board
   */

  /** @param {number} ms */
  function hhmm(ms) {
    return new Date(ms).toISOString().slice(11, 16);
  }

  /** @param {Board} board */
  function draw(board) {
    if (!tbody) return;
    var rows = document.createDocumentFragment();
    board.learners.forEach(function (learner) {
      var tr = document.createElement('tr');
      tr.dataset.learner = learner.sub;
      var th = document.createElement('th');
      th.scope = 'row';
      th.textContent = learner.sub;
      tr.appendChild(th);
      board.exercises.forEach(function (exercise) {
        var td = document.createElement('td');
        td.dataset.exercise = exercise.id;
        var at = learner.completed[exercise.id];
        td.textContent = at ? '✓ ' + hhmm(at) : '';
        tr.appendChild(td);
      });
      var count = document.createElement('td');
      count.className = 'count';
      count.textContent = learner.count + ' / ' + board.exercises.length;
      tr.appendChild(count);
      rows.appendChild(tr);
    });
    if (board.learners.length === 0) {
      var empty = document.createElement('tr');
      empty.className = 'empty';
      var cell = document.createElement('td');
      cell.colSpan = board.exercises.length + 2;
      cell.textContent = 'Nobody has joined yet.';
      empty.appendChild(cell);
      rows.appendChild(empty);
    }
    tbody.replaceChildren(rows);
    if (summary) {
      var all = board.learners.filter(function (l) {
        return l.count === board.exercises.length;
      }).length;
      summary.textContent =
        board.learners.length +
        (board.learners.length === 1 ? ' learner, ' : ' learners, ') +
        all +
        ' with all ' +
        board.exercises.length +
        ' exercises done.';
    }
  }

  function poll() {
    fetch('/class/progress', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (board) {
        draw(/** @type {Board} */ (board));
        if (status)
          status.textContent = 'Updated ' + new Date().toLocaleTimeString() + ', every ' + pollMs / 1000 + ' seconds.';
      })
      .catch(function (error) {
        if (status)
          status.textContent = 'Could not update the board (' + String(error && error.message) + '); trying again.';
      })
      .finally(function () {
        setTimeout(poll, pollMs);
      });
  }
  setTimeout(poll, pollMs);
})();
