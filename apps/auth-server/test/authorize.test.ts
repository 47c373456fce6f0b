import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  authorize,
  authorizePath,
  Browser,
  PRINTER,
  startAuthServer,
  validAuthorizeParams,
  type TestServer,
} from './helpers.js';

describe('Authorization endpoint RFC 6749 §4.1.1', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  async function get(params: Record<string, string | undefined>) {
    return new Browser(server.url).get(authorizePath(params));
  }

  /** An error redirected to the client: RFC 6749 §4.1.2.1 with RFC 9207 iss. */
  async function expectRedirectedError(params: Record<string, string | undefined>, error: string) {
    const res = await get(params);
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, PRINTER.redirectUri);
    assert.equal(location.searchParams.get('error'), error);
    assert.equal(location.searchParams.get('state'), params.state);
    assert.equal(location.searchParams.get('iss'), server.config.issuer);
    return location;
  }

  it('RFC 9700 §4.1.3: an unknown client gets a page and no redirect', async () => {
    const res = await get(validAuthorizeParams({ client_id: 'nobody' }));
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    assert.match(await res.text(), /not registered/);
  });

  it('RFC 9700 §4.1.3: a missing client_id gets a page and no redirect', async () => {
    const res = await get(validAuthorizeParams({ client_id: undefined as unknown as string }));
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  const registered = PRINTER.redirectUri; // http://localhost:3000/callback
  const variants = [
    ['a foreign host', 'http://evil.example/callback'],
    ['a trailing slash', `${registered}/`],
    ['upper-case host', 'http://LOCALHOST:3000/callback'],
    ['upper-case path', 'http://localhost:3000/Callback'],
    ['another port', 'http://localhost:3001/callback'],
    ['the default port spelt out', 'http://localhost:3000/callback:80'],
    ['https instead of http', 'https://localhost:3000/callback'],
    ['userinfo', 'http://evil.example@localhost:3000/callback'],
    ['userinfo the other way', 'http://localhost:3000@evil.example/callback'],
    ['an extra query', `${registered}?next=http://evil.example`],
    ['a fragment', `${registered}#x`],
    ['dot segments', 'http://localhost:3000/x/../callback'],
    ['encoded path', 'http://localhost:3000/%63allback'],
    ['a longer path', `${registered}/evil`],
    ['127.0.0.1 for localhost', 'http://127.0.0.1:3000/callback'],
    ['a subdomain', 'http://localhost.evil.example:3000/callback'],
    ['an empty value', ''],
    ['whitespace', ` ${registered}`],
    ['a javascript: URI', 'javascript:alert(1)'],
  ] as const;
  for (const [name, redirectUri] of variants) {
    it(`RFC 9700 §4.1.3: a redirect_uri with ${name} is refused on a page, never redirected`, async () => {
      const res = await get(validAuthorizeParams({ redirect_uri: redirectUri, response_type: 'nonsense' }));
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
    });
  }

  it('RFC 6749 §4.1.2.1: the page for a wrong redirect_uri offers a safe way on: Back, and the registered client’s home page, never the unverified redirect_uri', async () => {
    const res = await get(validAuthorizeParams({ redirect_uri: 'http://evil.example/callback' }));
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    const html = await res.text();
    assert.match(html, /browser’s Back button/);
    const links = [...html.matchAll(/<a class="button secondary" href="([^"]*)">([^<]*)<\/a>/g)];
    assert.deepEqual(
      links.map((m) => m[1]),
      [`${new URL(PRINTER.redirectUri).origin}/`],
      'the origin of the REGISTERED redirect_uri',
    );
    assert.match(links[0]![2]!, /Photo Printer/);
    assert.doesNotMatch(html, /evil\.example/, 'the unverified redirect_uri is not offered');
    // An unknown client: nobody to send you to, only Back.
    const unknown = await (await get(validAuthorizeParams({ client_id: 'nobody' }))).text();
    assert.match(unknown, /browser’s Back button/);
    assert.doesNotMatch(unknown, /class="button secondary"/);
  });

  it('RFC 6749 §3.1: a repeated redirect_uri is refused on a page', async () => {
    const path = `${authorizePath(validAuthorizeParams())}&redirect_uri=${encodeURIComponent('http://evil.example/cb')}`;
    const res = await new Browser(server.url).get(path);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  it('the client check wins over every other error', async () => {
    const res = await get({
      client_id: 'nobody',
      redirect_uri: 'http://evil.example/cb',
      response_type: 'token',
      scope: 'nope',
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  it('RFC 6749 §4.1.2.1: a missing response_type is redirected as invalid_request with state and iss', async () => {
    await expectRedirectedError(
      validAuthorizeParams({ response_type: undefined as unknown as string }),
      'invalid_request',
    );
  });

  it('RFC 6749 §4.1.2.1: an unknown response_type is unsupported_response_type', async () => {
    await expectRedirectedError(validAuthorizeParams({ response_type: 'code id_token' }), 'unsupported_response_type');
  });

  it('RFC 6749 §4.1.2.1: the error_description stays in its character set (%x20-21 / %x23-5B / %x5D-7E)', async () => {
    const location = await expectRedirectedError(
      validAuthorizeParams({ response_type: 'authorization_code "\\ é' }),
      'unsupported_response_type',
    );
    const description = location.searchParams.get('error_description') ?? '';
    assert.match(description, /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/);
    assert.match(description, /response_type 'authorization_code '\/ ' is not supported here\./);
  });

  it('RFC 6749 §4.2.2.1: implicit (response_type=token) for a client not registered for it is unauthorized_client, in the fragment', async () => {
    const res = await get(validAuthorizeParams({ response_type: 'token', state: 'imp' }));
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.search, '');
    const fragment = new URLSearchParams(location.hash.slice(1));
    assert.equal(fragment.get('error'), 'unauthorized_client');
    assert.equal(fragment.get('state'), 'imp');
    assert.equal(fragment.get('iss'), server.config.issuer);
  });

  it('RFC 6749 §3.3: an unknown scope is invalid_scope', async () => {
    await expectRedirectedError(validAuthorizeParams({ scope: 'photos.read photos.delete' }), 'invalid_scope');
  });

  it('RFC 6749 §3.3: a scope the client may not ask for is invalid_scope', async () => {
    const params = validAuthorizeParams({
      client_id: 'photo-printer-browser',
      redirect_uri: 'http://localhost:3000/quick-print/callback',
      scope: 'photos.read gallery.read',
    });
    const res = await get(params);
    assert.equal(new URL(res.headers.get('location')!).searchParams.get('error'), 'invalid_scope');
  });

  it('RFC 7636 §4.4.1: a missing code_challenge is invalid_request (PKCE is required)', async () => {
    await expectRedirectedError(
      validAuthorizeParams({ code_challenge: undefined as unknown as string }),
      'invalid_request',
    );
  });

  it('RFC 7636 §4.3: code_challenge_method plain (or none, which means plain) is refused', async () => {
    await expectRedirectedError(validAuthorizeParams({ code_challenge_method: 'plain' }), 'invalid_request');
    await expectRedirectedError(
      validAuthorizeParams({ code_challenge_method: undefined as unknown as string }),
      'invalid_request',
    );
  });

  it('RFC 7636 §4.2: a malformed code_challenge is invalid_request', async () => {
    await expectRedirectedError(validAuthorizeParams({ code_challenge: 'too-short' }), 'invalid_request');
    await expectRedirectedError(validAuthorizeParams({ code_challenge: `${'a'.repeat(43)}=` }), 'invalid_request');
  });

  it('RFC 6749 §3.1: a repeated parameter is invalid_request', async () => {
    const res = await new Browser(server.url).get(`${authorizePath(validAuthorizeParams())}&scope=photos.read`);
    assert.equal(new URL(res.headers.get('location')!).searchParams.get('error'), 'invalid_request');
  });

  it('RFC 6749 §4.1.2: success returns code, the byte-exact state and iss, with 303 and Referrer-Policy no-referrer', async () => {
    const state = 'ünïcode & spaces + /?=#%20 <script>';
    const { location } = await authorize(server, { params: { state } });
    assert.equal(location.searchParams.get('state'), state);
    assert.equal(location.searchParams.get('iss'), server.config.issuer);
    assert.match(location.searchParams.get('code')!, /^[A-Za-z0-9_-]{43}$/);
    const res = await get(validAuthorizeParams());
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  });

  it('state is optional and then absent from the response', async () => {
    const { location } = await authorize(server, { params: { state: undefined as unknown as string } });
    assert.equal(location.searchParams.has('state'), false);
    assert.ok(location.searchParams.get('code'));
  });
});
