// @ts-check
/*
 * quick_print.js: the browser-side client of the Quick print page (public client, no secret).
 *
 * On /quick-print: two buttons build an authorization request in the browser.
 *   - Implicit (RFC 6749 §4.2): response_type=token.
 *   - Authorization Code + PKCE (RFC 7636): response_type=code with code_challenge = BASE64URL(SHA-256(verifier)),
 *     computed with WebCrypto. The verifier stays in sessionStorage (this tab only).
 *   Both keep a random `state` in sessionStorage to check the answer against (RFC 6749 §10.12).
 *
 * On /quick-print/callback (the registered redirect_uri of both):
 *   - Implicit: the token is in location.hash. Check state and iss, show the token (the lesson), call Drive.
 *   - Code: the code is in location.search. Check state and iss, POST it with the verifier to the token endpoint
 *     (fetch, CORS), show the result, call Drive.
 * Every value from the URL or from a server is put on the page with textContent, never as HTML.
 * Plain JavaScript served as written (no build step); the JSDoc types are checked by `tsc -p tsconfig.assets.json`.
 */
(function () {
  'use strict';
  var configEl = document.getElementById('quick-print-config');
  if (!configEl) return;
  /**
   * What the server hands over as data attributes (views/partials/quick_print_config.ejs), all of them always set.
   * @typedef {{ issuer: string, issRequired: string, authorizationEndpoint: string, tokenEndpoint: string,
   *   clientId: string, redirectUri: string, scope: string, driveApi: string }} QuickPrintConfig
   */
  var config = /** @type {QuickPrintConfig} */ (/** @type {unknown} */ (configEl.dataset));
  var PENDING_KEY = 'quickPrint.pending';
  var REQUEST_KEY = 'quickPrint.request';
  var PENDING_TTL_MS = 10 * 60 * 1000;

  /** @param {string} id */
  function $(id) {
    return document.getElementById(id);
  }
  /** @param {string} id @param {string} text */
  function setText(id, text) {
    var el = $(id);
    if (el) el.textContent = text;
    return el;
  }
  /** @param {string} id */
  function show(id) {
    var el = $(id);
    if (el) el.hidden = false;
    return el;
  }
  /** @param {Uint8Array} bytes */
  function base64url(bytes) {
    var s = '';
    bytes.forEach(function (byte) {
      s += String.fromCharCode(byte);
    });
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function randomString() {
    var bytes = new Uint8Array(32); // 256 bits: 43 base64url characters (RFC 7636 §4.1 for the verifier)
    crypto.getRandomValues(bytes);
    return base64url(bytes);
  }
  /** @param {string} message */
  function fail(message) {
    var el = setText('qp-error', message);
    if (el) el.hidden = false;
    setText('qp-status', 'Stopped.');
  }

  /* ---------- /quick-print: start a flow ---------- */

  /**
   * SHA-256 for the PKCE challenge. WebCrypto's crypto.subtle exists only in a secure context (https, or
   * localhost): a learner who opens the demo at http://<the instructor's machine>:3000 has none. Then a small,
   * audited SHA-256 (@noble/hashes, its exact version pinned in package.json) is loaded from this printer itself,
   * never from a CDN. crypto.getRandomValues, for the verifier and the state, is offered in every context.
   *
   * @param {Uint8Array<ArrayBuffer>} bytes
   * @returns {Promise<Uint8Array>}
   */
  function sha256(bytes) {
    if (window.crypto && crypto.subtle) {
      return crypto.subtle.digest('SHA-256', bytes).then(function (digest) {
        return new Uint8Array(digest);
      });
    }
    // A URL of this printer, not a module the type checker resolves: @noble/hashes' sha2.js, served by the printer.
    var sha2 = '/assets/vendor/noble-hashes/sha2.js';
    return import(sha2).then(function (/** @type {{ sha256(message: Uint8Array): Uint8Array }} */ noble) {
      return noble.sha256(bytes);
    });
  }

  if ($('qp-insecure') && !window.isSecureContext) show('qp-insecure');

  /** @param {{ responseType: 'token' | 'code', state: string, challenge?: string }} params */
  function authorizationRequest(params) {
    var url = new URL(config.authorizationEndpoint);
    url.searchParams.set('response_type', params.responseType);
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('redirect_uri', config.redirectUri);
    url.searchParams.set('scope', config.scope);
    url.searchParams.set('state', params.state);
    if (params.challenge) {
      url.searchParams.set('code_challenge', params.challenge);
      url.searchParams.set('code_challenge_method', 'S256');
    }
    return url.href;
  }

  /**
   * What this tab remembers between the request and the answer (sessionStorage).
   * @typedef {{ flow: 'implicit' | 'code', state: string, verifier?: string, createdAt: number }} Pending
   */

  /** @param {Pending} pending @param {string} url */
  function go(pending, url) {
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    sessionStorage.setItem(REQUEST_KEY, url);
    location.assign(url);
  }

  var startImplicit = $('start-implicit');
  if (startImplicit) {
    startImplicit.addEventListener('click', function () {
      var state = randomString();
      go(
        { flow: 'implicit', state: state, createdAt: Date.now() },
        authorizationRequest({ responseType: 'token', state: state }),
      );
    });
  }

  var startCode = $('start-code');
  if (startCode) {
    startCode.addEventListener('click', function () {
      var verifier = randomString();
      var state = randomString();
      sha256(new TextEncoder().encode(verifier)).then(function (digest) {
        var challenge = base64url(digest); // RFC 7636 §4.2: S256, BASE64URL(SHA256(code_verifier))
        go(
          { flow: 'code', state: state, verifier: verifier, createdAt: Date.now() },
          authorizationRequest({ responseType: 'code', state: state, challenge: challenge }),
        );
      });
    });
  }

  /* ---------- /quick-print/callback: read the answer ---------- */

  if (!$('qp-callback')) return;

  var hrefAtArrival = location.href;
  var fragment = new URLSearchParams(location.hash.slice(1));
  var query = new URLSearchParams(location.search);
  var requestUrl = sessionStorage.getItem(REQUEST_KEY);
  /** @type {Pending | null} */
  var pending = null;
  try {
    pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null');
  } catch (_malformed) {
    pending = null;
  }
  // A state is used once: whatever happens next, this answer consumed it.
  sessionStorage.removeItem(PENDING_KEY);

  var isImplicit = fragment.has('access_token') || fragment.has('error');
  var isCode = !isImplicit && (query.has('code') || query.has('error'));
  // Clean the address bar (and the back button's entry) at once. For the Implicit flow this is too late: see (a).
  if (isImplicit || isCode) history.replaceState(null, '', location.pathname);

  /**
   * state first (is this the answer to OUR request?), then iss (from the server we asked?), RFC 9207 §2.4.
   * @param {URLSearchParams} params @param {'implicit' | 'code'} flow @returns {string | null} the refusal, if any
   */
  function checkAnswer(params, flow) {
    var state = params.get('state');
    if (!pending || pending.flow !== flow || typeof pending.state !== 'string') {
      return (
        'This tab did not start a ' +
        (flow === 'implicit' ? 'Implicit' : 'code') +
        ' request (or its answer was already used): refused, nothing was used (CSRF protection, RFC 6749 §10.12).'
      );
    }
    if (state !== pending.state)
      return 'The state in the answer does not match the one this tab sent: refused, nothing was used (RFC 6749 §10.12).';
    if (Date.now() - pending.createdAt > PENDING_TTL_MS) return 'The answer came back too late: the request expired.';
    var iss = params.get('iss');
    if (iss === null && config.issRequired === 'true')
      return 'The answer has no iss, although the Auth server says it always sends one: refused (RFC 9207 §2.4).';
    if (iss !== null && iss !== config.issuer)
      return 'The answer says it comes from "' + iss + '", not from ' + config.issuer + ': refused (mix-up, RFC 9207).';
    return null;
  }

  /** @param {URLSearchParams} params */
  function describeError(params) {
    var code = params.get('error');
    if (code === 'access_denied')
      return 'You said no (access_denied): the Auth server sent your browser back without a token. Nothing was shared.';
    var description = params.get('error_description');
    return 'The Auth server answered with an error: ' + code + (description ? ' (' + description + ')' : '') + '.';
  }

  /** @param {string} token @param {'implicit' | 'code'} flow */
  function holdToken(token, flow) {
    // Where single-page apps keep their token: a JavaScript variable. Every script of the page can read it.
    window.quickPrint = { accessToken: token, flow: flow };
    document.dispatchEvent(new CustomEvent('quickprint:token'));
  }

  /** @param {string} token */
  function callDrive(token) {
    show('qp-photos');
    setText('qp-photos-status', 'asking Drive…');
    return fetch(config.driveApi, {
      headers: { Authorization: 'Bearer ' + token },
      credentials: 'omit',
      cache: 'no-store',
    })
      .then(function (response) {
        var status = setText('qp-photos-status', 'HTTP ' + response.status);
        if (status) status.classList.add(response.ok ? 'ok' : 'refused');
        var challenge = response.headers.get('WWW-Authenticate');
        if (challenge) setText('qp-photos-challenge', 'WWW-Authenticate: ' + challenge);
        return response.json().then(
          function (body) {
            return { ok: response.ok, body: body };
          },
          function () {
            return { ok: response.ok, body: null };
          },
        );
      })
      .then(function (answer) {
        if (!answer.ok || !answer.body || !Array.isArray(answer.body.photos)) {
          setText('qp-photos-owner', 'Drive did not list any photos for this token.');
          return;
        }
        var photos = answer.body.photos;
        setText(
          'qp-photos-owner',
          (answer.body.owner || 'Someone') +
            '\u2019s photos, listed by Drive for this browser (' +
            photos.length +
            '):',
        );
        var images = $('qp-photo-images');
        // One list, in Drive's order: each photo's figure (its title) first, its image added when it arrives.
        photos.forEach(
          /** @param {{ title: unknown, content_url: unknown }} photo */ function (photo) {
            var figure = document.createElement('figure');
            figure.className = 'photo';
            var caption = document.createElement('figcaption');
            caption.className = 'caption';
            caption.textContent = String(photo.title);
            figure.appendChild(caption);
            if (images) images.appendChild(figure);
            if (typeof photo.content_url !== 'string') return;
            // Images need the token too, so they are fetched and shown as blob: URLs.
            fetch(photo.content_url, {
              headers: { Authorization: 'Bearer ' + token },
              credentials: 'omit',
              cache: 'no-store',
            })
              .then(function (r) {
                return r.ok ? r.blob() : null;
              })
              .then(function (blob) {
                if (!blob) return;
                var img = document.createElement('img');
                img.alt = '';
                img.src = URL.createObjectURL(blob);
                figure.insertBefore(img, caption);
              })
              .catch(function () {});
          },
        );
      })
      .catch(function (error) {
        setText('qp-photos-status', 'no answer');
        setText('qp-photos-owner', 'The browser could not call Drive (network or CORS): ' + error.message);
      });
  }

  function handleImplicit() {
    var problem = checkAnswer(fragment, 'implicit');
    if (problem) return fail(problem);
    if (fragment.has('error')) return fail(describeError(fragment));
    var token = fragment.get('access_token');
    if (!token) return fail('The answer has neither an access_token nor an error (RFC 6749 §4.2.2): nothing to use.');
    setText('qp-status', 'The Implicit flow: the token came back in the URL fragment.');
    show('qp-implicit');
    setText('qp-implicit-token', token);
    setText('qp-implicit-type', fragment.get('token_type') || '(missing)');
    var expiresIn = fragment.get('expires_in');
    setText('qp-implicit-expires', expiresIn ? expiresIn + ' seconds' : '(not stated)');
    setText('qp-implicit-scope', fragment.get('scope') || '(not stated: the scope requested)');
    setText('qp-implicit-state', 'matches the one this tab sent');
    setText(
      'qp-implicit-iss',
      fragment.get('iss') ? fragment.get('iss') + ' (the issuer this page trusts)' : '(not sent)',
    );

    show('qp-dangers');
    setText('qp-href-before', hrefAtArrival);
    setText('qp-href-now', location.href);
    setText('qp-fields', Array.from(fragment.keys()).join(', '));
    setText('qp-refresh', fragment.has('refresh_token') ? 'present (the Auth server should never do that)' : 'none');
    setText('qp-expiry', expiresIn ? 'in ' + expiresIn + ' seconds' : 'whenever the Auth server decided');
    setText('qp-request-url', requestUrl || '(this tab no longer has it)');

    holdToken(token, 'implicit');
    return callDrive(token);
  }

  function handleCode() {
    var problem = checkAnswer(query, 'code');
    if (problem) return fail(problem);
    if (query.has('error')) return fail(describeError(query));
    var code = query.get('code');
    var verifier = pending && pending.verifier;
    if (!code) return fail('The answer has neither a code nor an error (RFC 6749 §4.1.2): nothing to exchange.');
    if (!verifier)
      return fail('This tab no longer has the code_verifier of its request (RFC 7636 §4.5): nothing to exchange.');
    setText('qp-status', 'Authorization Code + PKCE: a code came back in the query; exchanging it…');
    show('qp-code');
    show('qp-analytics-code');
    setText('qp-code-state', 'matches');
    setText('qp-code-iss', query.get('iss') || '(not sent)');
    setText('qp-code-href', hrefAtArrival);

    var form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: code,
      redirect_uri: config.redirectUri,
      client_id: config.clientId,
      code_verifier: verifier,
    });
    setText(
      'qp-code-request',
      'POST ' +
        config.tokenEndpoint +
        '\nContent-Type: application/x-www-form-urlencoded\n\n' +
        form.toString().replace(/&/g, '\n&'),
    );

    function redeem() {
      return fetch(config.tokenEndpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        credentials: 'omit',
        cache: 'no-store',
      }).then(function (response) {
        return response.json().then(
          function (body) {
            return { status: response.status, body: body || {} };
          },
          function () {
            return { status: response.status, body: {} };
          },
        );
      });
    }

    var replay = /** @type {HTMLButtonElement | null} */ ($('qp-replay'));
    if (replay) {
      replay.addEventListener('click', function () {
        if (replay) replay.disabled = true;
        redeem().then(
          function (answer) {
            var el = setText(
              'qp-replay-result',
              'HTTP ' +
                answer.status +
                ': ' +
                (answer.body.error || 'no error?') +
                (answer.body.error_description ? ' (' + answer.body.error_description + ')' : ''),
            );
            if (el) el.hidden = false;
          },
          function (error) {
            var el = setText('qp-replay-result', 'No answer: ' + error.message);
            if (el) el.hidden = false;
          },
        );
      });
    }

    return redeem().then(
      function (answer) {
        var status = setText('qp-code-response-status', 'HTTP ' + answer.status);
        if (status) status.classList.add(answer.status === 200 ? 'ok' : 'refused');
        setText('qp-code-fields', Object.keys(answer.body).join(', ') || '(none)');
        if (answer.status !== 200 || typeof answer.body.access_token !== 'string') {
          return fail(
            'The token endpoint refused the code: ' +
              (answer.body.error || 'HTTP ' + answer.status) +
              (answer.body.error_description ? ' (' + answer.body.error_description + ')' : '') +
              '.',
          );
        }
        var token = answer.body.access_token;
        setText(
          'qp-status',
          'Authorization Code + PKCE: the token came back in the body of the token response, not in a URL.',
        );
        setText('qp-code-token', token);
        setText('qp-code-href-now', location.href);
        setText(
          'qp-code-token-in-url',
          location.href.indexOf(token) === -1 && hrefAtArrival.indexOf(token) === -1
            ? 'no, never'
            : 'YES (this should not happen)',
        );
        holdToken(token, 'code');
        return callDrive(token);
      },
      function (error) {
        fail('The browser could not reach the token endpoint (network or CORS): ' + error.message);
      },
    );
  }

  if (isImplicit) handleImplicit();
  else if (isCode) handleCode();
  else fail('This page is where the Auth server sends your browser back. Start from Quick print.');
})();
