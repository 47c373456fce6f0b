// Presenter view (packages/web/src/presenter.ts): one-line step banners, and the keyboard for the projector.
//   → or space  Continue (a step-through page)       ←  back to the timeline (a step-through page)
//   t           the timeline                         i  the token inspector
//   n           (the auth server's and Drive's pages) on to the lesson's next segment, or its plan on the printer
// Local, no library: served by each service at /assets/ui/presenter.js. Keys are ignored while typing in a field.
(function () {
  'use strict';
  var body = document.body;
  if (!body || !body.classList.contains('presenter')) return;

  // Each step banner becomes one line (its badge and title); the detail opens on demand.
  var lines = document.querySelectorAll('.step-now .step-line');
  for (var i = 0; i < lines.length; i++) {
    var line = lines[i];
    var detail = line.querySelector('.muted');
    if (!detail) continue;
    var details = document.createElement('details');
    var summary = document.createElement('summary');
    while (line.firstChild && line.firstChild !== detail) summary.appendChild(line.firstChild);
    details.appendChild(summary);
    details.appendChild(detail);
    while (line.firstChild) details.appendChild(line.firstChild);
    line.appendChild(details);
  }

  // Many steps lit at once (the timeline lights all eight): the banners fold into one line together.
  var now = document.querySelector('.step-now');
  if (now && lines.length > 2) {
    var all = document.createElement('details');
    all.className = 'step-lines';
    var head = document.createElement('summary');
    var numbers = [];
    for (var j = 0; j < lines.length; j++) numbers.push(lines[j].getAttribute('data-step'));
    var unique = numbers.filter(function (n, at) {
      return numbers.indexOf(n) === at;
    });
    // Two flows side by side (quick print) light the same numbers twice: then say how many banners there are.
    head.textContent =
      unique.length === numbers.length
        ? 'Steps ' + numbers.join(', ') + ' on this page: open for each step'
        : numbers.length + ' step banners on this page: open for each step';
    all.appendChild(head);
    while (now.firstChild) all.appendChild(now.firstChild);
    now.appendChild(all);
  }

  // What a page marks as explanation to fold on a projector (data-presenter-fold="its summary") is a click away,
  // so the page's action comes up on the first screen.
  var folds = document.querySelectorAll('[data-presenter-fold]');
  for (var k = 0; k < folds.length; k++) {
    var block = folds[k];
    var fold = document.createElement('details');
    fold.className = 'presenter-fold';
    var label = document.createElement('summary');
    label.textContent = block.getAttribute('data-presenter-fold');
    fold.appendChild(label);
    block.parentNode.insertBefore(fold, block);
    fold.appendChild(block);
  }

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || target.isContentEditable;
  }
  function go(href) {
    if (href) window.location.assign(href);
  }

  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    var key = event.key;
    if (key === 'ArrowRight' || key === ' ') {
      var next = document.querySelector('[data-key="continue"]');
      if (!next) return;
      event.preventDefault();
      // A form is sent as its own submit button would send it; anything else is clicked.
      if (next.tagName.toLowerCase() === 'form') next.requestSubmit();
      else next.click();
    } else if (key === 'ArrowLeft') {
      var back = document.querySelector('[data-key="back"]');
      if (!back) return;
      event.preventDefault();
      go(back.getAttribute('href'));
    } else if (key === 'n' && body.hasAttribute('data-lesson-href')) {
      event.preventDefault();
      go(body.getAttribute('data-lesson-href'));
    } else if (key === 't' || key === 'i') {
      var href = body.getAttribute(key === 't' ? 'data-timeline-href' : 'data-inspector-href');
      if (!href) return;
      event.preventDefault();
      go(href);
    }
  });
})();
