import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import { decodeJwt } from 'jose';
import {
  authorize,
  authorizePath,
  BROWSER_CLIENT,
  Browser,
  csrfFrom,
  DRIVE_SECRET,
  DRIVE_WEB_SECRET,
  PRINT_LAB_SECRET,
  startAuthServer,
  tokenRequest,
  type TestServer,
} from './helpers.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('The other grants of the notes', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  const introspect = async (token: string) =>
    (await (
      await fetch(`${server.url}/introspect`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: buildBasicAuthorization('drive', DRIVE_SECRET),
        },
        body: new URLSearchParams({ token }),
      })
    ).json()) as Record<string, unknown>;

  describe('Implicit RFC 6749 §4.2', () => {
    const implicit = {
      response_type: 'token',
      client_id: BROWSER_CLIENT.clientId,
      redirect_uri: BROWSER_CLIENT.redirectUri,
      scope: 'photos.read',
      code_challenge: undefined as unknown as string,
      code_challenge_method: undefined as unknown as string,
    };

    it('§4.2.2: the access token comes back in the fragment with state and iss, and never a refresh token', async () => {
      const { location } = await authorize(server, { params: { ...implicit, state: 'imp-1' }, scopes: [] });
      assert.equal(location.search, '', 'nothing in the query: the token must not reach the client server or logs');
      const fragment = new URLSearchParams(location.hash.slice(1));
      assert.equal(fragment.get('token_type'), 'Bearer');
      assert.equal(fragment.get('state'), 'imp-1');
      assert.equal(fragment.get('iss'), server.config.issuer);
      assert.equal(fragment.get('scope'), 'photos.read');
      assert.ok(Number(fragment.get('expires_in')) > 0);
      assert.equal(fragment.has('refresh_token'), false);
      assert.equal(fragment.has('code'), false);
      const claims = decodeJwt(fragment.get('access_token')!);
      assert.equal(claims.client_id, BROWSER_CLIENT.clientId);
      assert.equal(claims.sub, 'alice');
    });

    it('the consent screen says the token itself comes back in the URL fragment, with no code', async () => {
      const browser = new Browser(server.url);
      const start = await browser.get(authorizePath({ ...implicit, state: 'imp-3' }));
      const interaction = start.headers.get('location')!;
      const login = await (await browser.get(interaction)).text();
      await browser.post(`${interaction}/login`, { csrf: csrfFrom(login), username: 'bob', password: 'builder' });
      const consent = await (await browser.get(interaction)).text();
      assert.match(consent, /value="allow">Allow</, 'bob has not allowed the browser client yet: the consent screen');
      assert.match(consent, /#access_token=/);
      assert.doesNotMatch(consent, /one-time authorization code/);
    });

    it('§4.2.2.1: Deny comes back as access_denied in the fragment', async () => {
      const { location } = await authorize(server, { params: { ...implicit, state: 'imp-2' }, decision: 'deny' });
      const fragment = new URLSearchParams(location.hash.slice(1));
      assert.equal(fragment.get('error'), 'access_denied');
      assert.equal(fragment.get('state'), 'imp-2');
    });
  });

  describe('Client Credentials RFC 6749 §4.4', () => {
    const form = (extra: Record<string, string> = {}) => ({
      grant_type: 'client_credentials',
      client_id: 'print-lab',
      client_secret: PRINT_LAB_SECRET,
      ...extra,
    });

    it('§4.4.3: a token for the client itself (sub = client_id), with client_secret_post, and no refresh token', async () => {
      const res = await tokenRequest(server, form({ scope: 'gallery.read' }), { auth: null });
      assert.equal(res.status, 200);
      const body = (await res.json()) as Record<string, string>;
      assert.equal(body.refresh_token, undefined);
      assert.equal(body.scope, 'gallery.read');
      const claims = decodeJwt(body.access_token!);
      assert.equal(claims.sub, 'print-lab');
      assert.equal(claims.client_id, 'print-lab');
      assert.equal((await introspect(body.access_token!)).active, true);
    });

    it('§3.3: no scope means the registered scopes; a user scope is invalid_scope', async () => {
      const res = await tokenRequest(server, form(), { auth: null });
      assert.equal(((await res.json()) as { scope: string }).scope, 'gallery.read');
      const bad = await tokenRequest(server, form({ scope: 'photos.read' }), { auth: null });
      assert.equal(((await bad.json()) as { error: string }).error, 'invalid_scope');
    });

    it('client_secret_post with a wrong secret is 401 invalid_client (no Basic challenge: Basic was not used)', async () => {
      const res = await tokenRequest(server, form({ client_secret: 'wrong' }), { auth: null });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), null);
    });

    it('a client registered for client_secret_post may not use Basic', async () => {
      const res = await tokenRequest(
        server,
        { grant_type: 'client_credentials' },
        { auth: buildBasicAuthorization('print-lab', PRINT_LAB_SECRET) },
      );
      assert.equal(res.status, 401);
    });

    it('§5.2: a client not registered for client_credentials is unauthorized_client', async () => {
      const res = await tokenRequest(server, { grant_type: 'client_credentials' });
      assert.equal(((await res.json()) as { error: string }).error, 'unauthorized_client');
    });
  });

  describe('Password RFC 6749 §4.3 (first party only)', () => {
    const driveWeb = buildBasicAuthorization('drive-web', DRIVE_WEB_SECRET);

    it('§4.3.3: the first-party client gets a token for the user', async () => {
      const res = await tokenRequest(
        server,
        { grant_type: 'password', username: 'bob', password: 'builder' },
        { auth: driveWeb },
      );
      assert.equal(res.status, 200);
      const body = (await res.json()) as Record<string, string>;
      assert.equal(decodeJwt(body.access_token!).sub, 'bob');
      assert.equal(body.refresh_token, undefined);
    });

    it('§5.2: wrong credentials are invalid_grant, the same for an unknown user', async () => {
      for (const [username, password] of [
        ['bob', 'wrong'],
        ['nobody', 'builder'],
      ] as const) {
        const res = await tokenRequest(server, { grant_type: 'password', username, password }, { auth: driveWeb });
        assert.equal(res.status, 400);
        assert.deepEqual(await res.json(), {
          error: 'invalid_grant',
          error_description: 'Wrong username or password.',
        });
      }
    });

    it('§4.3.2: repeated failures are throttled, even with the right password afterwards', async () => {
      const statuses: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await tokenRequest(
          server,
          { grant_type: 'password', username: 'alice', password: `guess-${i}` },
          { auth: driveWeb },
        );
        statuses.push(((await res.json()) as { error_description: string }).error_description);
      }
      assert.match(statuses[5]!, /Too many failed attempts/);
      const right = await tokenRequest(
        server,
        { grant_type: 'password', username: 'alice', password: 'wonderland' },
        { auth: driveWeb },
      );
      assert.equal(right.status, 400);
    });

    it('§4.3.2: guesses sent at the same time count against each other', async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const res = await tokenRequest(
            server,
            { grant_type: 'password', username: 'eve-not-a-user', password: `guess-${i}` },
            { auth: driveWeb },
          );
          return ((await res.json()) as { error_description: string }).error_description;
        }),
      );
      const checked = answers.filter((a) => a === 'Wrong username or password.').length;
      assert.ok(checked >= 5 && checked <= 6, `checked ${checked} of 12 simultaneous guesses`);
      assert.equal(answers.filter((a) => /Too many failed attempts/.test(a)).length, 12 - checked);
    });

    it('RFC 9700 §2.4: a third party (the printer) is not allowed the password grant', async () => {
      const res = await tokenRequest(server, { grant_type: 'password', username: 'bob', password: 'builder' });
      assert.equal(((await res.json()) as { error: string }).error, 'unauthorized_client');
    });
  });

  describe('Device Authorization Grant RFC 8628', () => {
    async function start(scope = 'photos.read') {
      const res = await fetch(`${server.url}/device_authorization`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: 'photo-kiosk', scope }),
      });
      assert.equal(res.status, 200);
      return (await res.json()) as {
        device_code: string;
        user_code: string;
        verification_uri: string;
        verification_uri_complete: string;
        expires_in: number;
        interval: number;
      };
    }
    const poll = (deviceCode: string) =>
      tokenRequest(
        server,
        { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: 'photo-kiosk' },
        { auth: null },
      );
    const wait = (s: number) => new Promise((r) => setTimeout(r, s * 1000 + 50));

    /** The user's side, §3.3: type the code, sign in, answer. */
    async function answer(userCode: string, decision: 'allow' | 'deny') {
      const browser = new Browser(server.url);
      const form = await (await browser.get(`/device?user_code=${encodeURIComponent(userCode)}`)).text();
      assert.match(form, /<label for="user_code">Code<\/label>/);
      const typed = await browser.post('/device', {
        csrf: csrfFrom(form),
        user_code: userCode.toLowerCase().replace('-', ' '),
      });
      assert.equal(typed.headers.get('location'), '/device/confirm');
      const toLogin = await browser.get('/device/confirm');
      assert.equal(toLogin.headers.get('location'), '/login?return_to=%2Fdevice%2Fconfirm');
      const loginPage = await (await browser.get('/login?return_to=%2Fdevice%2Fconfirm')).text();
      assert.match(loginPage, /Sign in to approve the device/);
      assert.doesNotMatch(loginPage, /which apps you have allowed/);
      await browser.post('/login?return_to=%2Fdevice%2Fconfirm', {
        csrf: csrfFrom(loginPage),
        username: 'alice',
        password: 'wonderland',
      });
      const confirm = await (await browser.get('/device/confirm')).text();
      assert.match(confirm, new RegExp(userCode));
      const done = await browser.post('/device/confirm', { csrf: csrfFrom(confirm), decision });
      assert.equal(done.status, 200);
    }

    it('§3.2: answers a device_code, a user_code without vowels, the verification URIs, expires_in and interval', async () => {
      const body = await start();
      assert.match(body.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      assert.equal(body.verification_uri, `${server.config.issuer}/device`);
      assert.equal(body.verification_uri_complete, `${server.config.issuer}/device?user_code=${body.user_code}`);
      assert.ok(body.expires_in > 0);
      assert.equal(body.interval, 1);
      assert.match(body.device_code, /^[A-Za-z0-9_-]{43}$/);
    });

    it('§3.5: authorization_pending, then slow_down when polling too fast, then the tokens once approved', async () => {
      const { device_code, user_code } = await start();
      const first = await poll(device_code);
      assert.equal(((await first.json()) as { error: string }).error, 'authorization_pending');
      const tooFast = await poll(device_code);
      assert.equal(((await tooFast.json()) as { error: string }).error, 'slow_down');
      await answer(user_code, 'allow');
      await wait(6); // the interval grew from 1 to 6 seconds
      const granted = await poll(device_code);
      assert.equal(granted.status, 200);
      const body = (await granted.json()) as Record<string, string>;
      assert.equal(decodeJwt(body.access_token!).sub, 'alice');
      assert.equal(decodeJwt(body.access_token!).client_id, 'photo-kiosk');
      await wait(6);
      assert.equal(
        ((await (await poll(device_code)).json()) as { error: string }).error,
        'invalid_grant',
        'a device_code is used once',
      );
    });

    it('§3.5: access_denied when the user denies', async () => {
      const { device_code, user_code } = await start();
      await answer(user_code, 'deny');
      const res = await poll(device_code);
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'access_denied');
    });

    it('§3.5: expired_token after expires_in', async () => {
      const shortLived = await startAuthServer({ env: { DEVICE_CODE_TTL: '1' } });
      try {
        const res = await fetch(`${shortLived.url}/device_authorization`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ client_id: 'photo-kiosk' }),
        });
        const { device_code } = (await res.json()) as { device_code: string };
        await wait(1.1);
        const polled = await tokenRequest(
          shortLived,
          { grant_type: DEVICE_GRANT, device_code, client_id: 'photo-kiosk' },
          { auth: null },
        );
        assert.equal(((await polled.json()) as { error: string }).error, 'expired_token');
      } finally {
        await shortLived.destroy();
      }
    });

    it('a wrong user code is refused on the page, and a client not registered for the device flow is unauthorized_client', async () => {
      const browser = new Browser(server.url);
      const form = await (await browser.get('/device')).text();
      const res = await browser.post('/device', { csrf: csrfFrom(form), user_code: 'BBBB-BBBB' });
      assert.equal(res.status, 400);
      const other = await fetch(`${server.url}/device_authorization`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: BROWSER_CLIENT.clientId }),
      });
      assert.equal(((await other.json()) as { error: string }).error, 'unauthorized_client');
    });
  });

  describe('CORS for the browser client at the token endpoint', () => {
    it('names the printer origin, and no other', async () => {
      const printerOrigin = new URL(server.config.printerUrl).origin;
      const ok = await fetch(`${server.url}/token`, {
        method: 'OPTIONS',
        headers: { origin: printerOrigin, 'access-control-request-method': 'POST' },
      });
      assert.equal(ok.status, 204);
      assert.equal(ok.headers.get('access-control-allow-origin'), printerOrigin);
      const evil = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=x',
      });
      assert.equal(evil.headers.get('access-control-allow-origin'), null);
    });
  });
});
