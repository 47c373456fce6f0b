// @ts-check
/*
 * request_builder.js: the request builder's URL, rebuilt as the learner types (views/request_builder.ejs).
 *
 * The same rule as the server's buildRequestUrl (src/oauth/request_builder.ts): the authorization endpoint, then
 * each ticked parameter in the form's order, form-encoded (URLSearchParams). The server builds the URL again when
 * the form is sent; this script only shows it. Plain JavaScript served as written; typechecked by tsconfig.assets.json.
 */
(function () {
  'use strict';
  var form = /** @type {HTMLFormElement | null} */ (document.getElementById('request-builder'));
  var shown = document.getElementById('built-url');
  if (!form || !shown) return;
  var builder = form;
  var output = shown;
  var endpoint = builder.dataset.endpoint || '';

  function render() {
    var url;
    try {
      url = new URL(endpoint);
    } catch (_error) {
      return;
    }
    var rows = builder.querySelectorAll('tr[data-param]');
    for (var i = 0; i < rows.length; i++) {
      var row = /** @type {HTMLElement} */ (rows[i]);
      var name = row.dataset.param || '';
      var value = /** @type {HTMLInputElement | null} */ (row.querySelector('input[name="' + name + '"]'));
      var include = /** @type {HTMLInputElement | null} */ (row.querySelector('input[name="' + name + '__include"]'));
      if (value && include && include.checked) url.searchParams.append(name, value.value);
      if (value && include) value.classList.toggle('left-out', !include.checked);
    }
    output.textContent = url.href;
  }

  builder.addEventListener('input', render);
  builder.addEventListener('change', render);
  render();
})();
