// @ts-check
// The lesson bar (views/partials/lesson_bar.ejs): its timer ticks every second, red when past the plan, and the keys
//   n  next segment        p  previous segment
// (beside presenter view's → space ← t i). Local, no library. Keys are ignored while typing in a field.
(function () {
  'use strict';
  var bar = document.querySelector('[data-lesson-bar]');
  if (!(bar instanceof HTMLElement)) return;
  var data = bar.dataset;
  // The server's clock counts: a browser on the LAN whose clock is off still shows the right times.
  var skew = Number(data.now) - Date.now();
  var startedAt = Number(data.startedAt);
  var segmentStartedAt = Number(data.segmentStartedAt);
  var segmentPlan = Number(data.segmentPlanMs);
  var lessonPlan = Number(data.lessonPlanMs);

  /** @param {number} ms */
  function clock(ms) {
    var seconds = Math.floor(Math.max(0, ms) / 1000);
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ':' + (rest < 10 ? '0' : '') + rest;
  }
  /** @param {string} which @param {number} elapsed @param {number} plan */
  function show(which, elapsed, plan) {
    var el = bar && bar.querySelector('[data-lesson-clock="' + which + '"]');
    if (!el) return;
    var value = el.querySelector('[data-elapsed]');
    if (value) value.textContent = clock(elapsed);
    el.classList.toggle('over', elapsed > plan);
  }
  function tick() {
    var now = Date.now() + skew;
    show('segment', now - segmentStartedAt, segmentPlan);
    show('lesson', now - startedAt, lessonPlan);
  }
  tick();
  setInterval(tick, 1000);

  /** @param {EventTarget | null} target */
  function typing(target) {
    if (!(target instanceof HTMLElement)) return false;
    var tag = target.tagName.toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || target.isContentEditable;
  }
  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key !== 'n' && event.key !== 'p') return;
    var form = document.querySelector(event.key === 'n' ? '[data-key="lesson-next"]' : '[data-key="lesson-previous"]');
    if (!(form instanceof HTMLFormElement)) return;
    var button = form.querySelector('button');
    if (button && button.disabled) return;
    event.preventDefault();
    form.requestSubmit();
  });
})();
