/**
 * Robustness (docs/security.md §B1, §B2): oversized parameters and bodies, invalid
 * percent-encoding and wrong content types get a 4xx with the spec's error, never a 5xx; then a bounded,
 * deterministic fuzz pass over every endpoint of the three services.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MALFORMED_AUTHORIZATIONS,
  MALFORMED_CONTENT_TYPES,
  MALFORMED_COOKIES,
  MALFORMED_IDS,
  MALFORMED_NAMES,
  MALFORMED_VALUES,
  prng,
} from '@oauth-demo/testkit';
import { assertNoLeak, header, json, LEAK, raw, type RawResponse } from '../support/http.js';
import { PRINTER_AUTH } from '../support/oauth.js';
import { INTERNAL, PRINTER, stack } from '../support/stack.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function assert4xx(res: RawResponse, what: string): void {
  assert.ok(
    res.status >= 400 && res.status < 500,
    `${what}: expected a 4xx, got ${res.status}: ${res.body.slice(0, 200)}`,
  );
  assertNoLeak(res.body, what);
}

/** RFC 6749 §5.2: a JSON error body with `error` (and no-store at the back channel). */
function assertJsonError(res: RawResponse, error: string | string[], what: string): void {
  assert4xx(res, what);
  const body = json(res);
  assert.ok([error].flat().includes(String(body.error)), `${what}: ${res.body.slice(0, 200)}`);
}

describe('RFC 6749 §5.2 + docs/security.md §B1: oversized, badly encoded and wrongly typed requests are a 4xx with the spec error', () => {
  for (const path of ['/token', '/introspect', '/revoke']) {
    it(`RFC 6749 §5.2: ${path}: an oversized body (64 KB) is a 4xx invalid_request, never a 5xx`, async () => {
      const res = await raw(
        INTERNAL.auth,
        'POST',
        path,
        { ...FORM, authorization: PRINTER_AUTH },
        `token=${'a'.repeat(64 * 1024)}&grant_type=x`,
      );
      assertJsonError(res, 'invalid_request', `${path} oversized body`);
      assert.ok(res.status === 413 || res.status === 400);
    });

    it(`RFC 6749 §5.2: ${path}: one oversized parameter (8 KB) is invalid_request`, async () => {
      const body =
        path === '/token' ? `grant_type=refresh_token&refresh_token=${'a'.repeat(8000)}` : `token=${'a'.repeat(8000)}`;
      const res = await raw(INTERNAL.auth, 'POST', path, { ...FORM, authorization: PRINTER_AUTH }, body);
      assertJsonError(res, 'invalid_request', `${path} oversized parameter`);
    });

    it(`RFC 6749 §5.2: ${path}: invalid percent-encoding in the body is never a 5xx: a spec error, or the answer for an unknown token`, async () => {
      // The form parser keeps a malformed escape as literal text, so "%zz" is a (bogus) value, answered as such:
      // unsupported_grant_type / invalid_grant at the token endpoint, {"active": false} or 200 for an unknown token.
      for (const body of [
        'grant_type=%E0%A4%A&code=%',
        'grant_type=refresh_token&refresh_token=%zz',
        'token=%zz',
        'token=%',
        '%%%=%%%',
      ]) {
        const res = await raw(INTERNAL.auth, 'POST', path, { ...FORM, authorization: PRINTER_AUTH }, body);
        assertNoLeak(res.body, `${path} ${body}`);
        if (res.status === 200) {
          assert.notEqual(path, '/token', `${path} ${body} issued something`);
          if (path === '/introspect') assert.deepEqual(json(res), { active: false });
        } else {
          assertJsonError(res, ['invalid_request', 'unsupported_grant_type', 'invalid_grant'], `${path} ${body}`);
        }
      }
    });

    it(`RFC 6749 §3.2 + RFC 7662 §2.1 + RFC 7009 §2.1: ${path}: a body that is not application/x-www-form-urlencoded is invalid_request`, async () => {
      const bodies: [string, string][] = [
        ['application/json', '{"grant_type":"refresh_token","token":"x"}'],
        ['application/json', '{"grant_type":'],
        ['text/plain', 'grant_type=refresh_token&token=x'],
        ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="token"\r\n\r\nx\r\n--x--'],
        ['application/xml', '<token>x</token>'],
      ];
      for (const [type, body] of bodies) {
        assertJsonError(
          await raw(INTERNAL.auth, 'POST', path, { 'content-type': type, authorization: PRINTER_AUTH }, body),
          ['invalid_request', 'invalid_client'],
          `${path} ${type}`,
        );
      }
      assertJsonError(
        await raw(INTERNAL.auth, 'POST', path, { authorization: PRINTER_AUTH }, 'token=x'),
        ['invalid_request', 'invalid_client'],
        `${path} no content type`,
      );
    });

    it(`RFC 6749 §3.2: ${path}: other methods than POST are a 4xx, never a 5xx`, async () => {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH'])
        assert4xx(await raw(INTERNAL.auth, method, path, FORM, 'token=x'), `${method} ${path}`);
    });
  }

  it('RFC 6749 §4.1.2.1: the authorization endpoint answers oversized and badly encoded queries with a 4xx page', async () => {
    for (const path of [
      `/authorize?client_id=${PRINTER.clientId}&redirect_uri=${'a'.repeat(6000)}`,
      `/authorize?client_id=${'a'.repeat(6000)}`,
      '/authorize?client_id=%E0%A4%A&redirect_uri=%',
      '/authorize?client_id=photo-printer&client_id[]=x',
      '/authorize?%zz=%zz',
    ]) {
      const res = await raw(INTERNAL.auth, 'GET', path);
      assert4xx(res, path.slice(0, 60));
      assert.equal(header(res, 'location'), undefined);
    }
  });

  it('docs/security.md §B1: the sign-in and consent forms answer oversized and badly encoded bodies with a 4xx', async () => {
    for (const path of ['/login', '/interaction/x/login', '/interaction/x/consent', '/logout', '/device']) {
      assert4xx(
        await raw(INTERNAL.auth, 'POST', path, FORM, `csrf=x&username=${'a'.repeat(40_000)}`),
        `${path} oversized`,
      );
      assert4xx(await raw(INTERNAL.auth, 'POST', path, FORM, 'csrf=%E0%A4%A&username=%'), `${path} bad encoding`);
      assert4xx(
        await raw(INTERNAL.auth, 'POST', path, { 'content-type': 'application/json' }, '{"csrf":'),
        `${path} JSON`,
      );
    }
  });

  it('RFC 6750 §3.1: the drive answers a huge, a binary and a broken Authorization header with 400/401, and a broken path with 400', async () => {
    assert4xx(
      await raw(INTERNAL.drive, 'GET', '/api/photos', { authorization: `Bearer ${'a'.repeat(8000)}` }),
      'huge bearer',
    );
    assert4xx(
      await raw(INTERNAL.drive, 'GET', '/api/photos', {
        authorization: `Bearer ${'eyJ'.repeat(1000)}.${'A'.repeat(3000)}.x`,
      }),
      'huge JWT-shaped bearer',
    );
    assert4xx(await raw(INTERNAL.drive, 'GET', '/api/photos', { authorization: 'Bearer ÿþ' }), 'latin-1 bearer');
    assertJsonError(
      await raw(INTERNAL.drive, 'GET', '/api/photos/%E0%A4%A'),
      ['invalid_request', 'invalid_token', 'not_found'],
      'bad percent-encoding in the path',
    );
    assert4xx(await raw(INTERNAL.drive, 'GET', '/api/photos/..%2F..%2Fetc%2Fpasswd/content'), 'encoded traversal');
    assert4xx(
      await raw(INTERNAL.drive, 'GET', '/api/photos', { authorization: `Bearer ${'x'.repeat(20_000)}` }),
      'a header beyond the size limit',
    );
  });

  it('docs/security.md §B1: the printer answers oversized, badly encoded and wrongly typed form posts with a 4xx', async () => {
    for (const path of ['/import', '/orders', '/disconnect', '/orders/x/reorder', '/kiosk/start', '/print-lab']) {
      assert4xx(
        await raw(INTERNAL.printer, 'POST', path, FORM, `csrf=x&photo=${'a'.repeat(64 * 1024)}`),
        `${path} oversized`,
      );
      assert4xx(await raw(INTERNAL.printer, 'POST', path, FORM, 'csrf=%E0%A4%A&photo=%'), `${path} bad encoding`);
      assert4xx(
        await raw(INTERNAL.printer, 'POST', path, { 'content-type': 'application/json' }, '{"csrf":"x"}'),
        `${path} JSON`,
      );
    }
    for (const path of [
      '/callback?state=%zz&code=%',
      '/callback?state[]=a&state[]=b',
      `/callback?state=${'a'.repeat(8000)}`,
      '/orders/%E0%A4%A',
      '/photos/%zz/image',
    ]) {
      assert4xx(await raw(INTERNAL.printer, 'GET', path), path.slice(0, 50));
    }
  });
});

describe('docs/security.md §B2: a fuzz pass over every endpoint of the three services (bounded, deterministic, loopback only)', () => {
  it('RFC 6749 §5.2 + RFC 6750 §3.1: 3 000 generated malformed requests get no 5xx and no stack trace (bounded by count, not by time)', async () => {
    const seed = Number(process.env.CONFORMANCE_FUZZ_SEED ?? 20261125);
    const random = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const maybe = (p: number) => random() < p;

    const ids = MALFORMED_IDS;
    const endpoints: Record<'auth' | 'drive' | 'printer', [string, string][]> = {
      auth: [
        ['GET', '/'],
        ['GET', '/healthz'],
        ['GET', '/.well-known/oauth-authorization-server'],
        ['GET', '/.well-known/jwks.json'],
        ['GET', '/authorize'],
        ['GET', '/interaction/{id}'],
        ['POST', '/interaction/{id}/login'],
        ['POST', '/interaction/{id}/consent'],
        ['GET', '/login'],
        ['POST', '/login'],
        ['POST', '/logout'],
        ['GET', '/apps'],
        ['POST', '/apps/{id}/remove'],
        ['POST', '/token'],
        ['POST', '/introspect'],
        ['POST', '/revoke'],
        ['POST', '/device_authorization'],
        ['GET', '/device'],
        ['POST', '/device'],
        ['GET', '/device/confirm'],
        ['POST', '/device/confirm'],
        ['GET', '/{id}'],
      ],
      drive: [
        ['GET', '/'],
        ['GET', '/healthz'],
        ['GET', '/.well-known/oauth-protected-resource'],
        ['GET', '/api/photos'],
        ['GET', '/api/photos/{id}'],
        ['GET', '/api/photos/{id}/content'],
        ['OPTIONS', '/api/photos'],
        ['GET', '/api/{id}'],
        ['GET', '/{id}'],
      ],
      printer: [
        ['GET', '/'],
        ['GET', '/healthz'],
        ['POST', '/import'],
        ['GET', '/callback'],
        ['POST', '/disconnect'],
        ['GET', '/photos'],
        ['GET', '/photos/{id}/image'],
        ['POST', '/orders'],
        ['GET', '/orders'],
        ['GET', '/orders/{id}'],
        ['POST', '/orders/{id}/reorder'],
        ['GET', '/orders/{id}/items/{id}/image'],
        ['GET', '/grants'],
        ['GET', '/kiosk'],
        ['POST', '/kiosk/start'],
        ['POST', '/kiosk/finish'],
        ['GET', '/kiosk/photos/{id}/image'],
        ['GET', '/print-lab'],
        ['POST', '/print-lab'],
        ['GET', '/print-lab/gallery/{id}/image'],
        ['GET', '/quick-print'],
        ['GET', '/quick-print/callback'],
        ['GET', '/assets/printer/{id}'],
        ['GET', '/{id}'],
      ],
    };
    // The shared vocabulary of malformed requests (@oauth-demo/testkit, also the auth server's own robustness
    // test), and the printer's registration, valid values in the wrong places.
    const names = MALFORMED_NAMES;
    const values = [...MALFORMED_VALUES, PRINTER.clientId, PRINTER.redirectUri];
    const contentTypes = MALFORMED_CONTENT_TYPES;
    const auths = MALFORMED_AUTHORIZATIONS;
    const cookies = MALFORMED_COOKIES;
    // Raw (unencoded) only where HTTP allows the bytes in a request line; malformed escapes stay as they are.
    const encode = (v: string) => (maybe(0.3) && /^[\u0021-\u00ff]*$/.test(v) ? v : encodeURIComponent(v));
    const params = () =>
      Array.from({ length: Math.floor(random() * 6) }, () => `${encode(pick(names))}=${encode(pick(values))}`).join(
        '&',
      );

    const base = { auth: INTERNAL.auth, drive: INTERNAL.drive, printer: INTERNAL.printer } as const;
    const started = Date.now(); // for the log line only: the pass is bounded by its count, never by the clock
    const target = 3000;
    let sent = 0;
    const statuses = new Map<number, number>();
    const failures: string[] = [];

    while (sent < target && failures.length < 10) {
      const batch = Array.from({ length: 16 }, () => {
        const service = pick(['auth', 'auth', 'drive', 'printer', 'printer'] as const);
        const [defaultMethod, template] = pick(endpoints[service]);
        const method = maybe(0.85) ? defaultMethod : pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
        const path = template.replace(/\{id\}/g, () => pick(ids));
        const query = maybe(0.6) ? `?${params()}` : '';
        const headers: Record<string, string> = {};
        const auth = pick(auths);
        if (auth) headers.authorization = auth;
        const cookie = pick(cookies);
        if (cookie) headers.cookie = cookie;
        let body: string | undefined;
        if (method !== 'GET' && method !== 'HEAD' && maybe(0.9)) {
          const type = pick(contentTypes);
          if (type) headers['content-type'] = type;
          body = maybe(0.05)
            ? `${params()}&x=${'y'.repeat(30_000)}`
            : maybe(0.1)
              ? JSON.stringify({ [pick(names)]: pick(values) })
              : params();
        }
        if (maybe(0.1)) headers['x-forwarded-for'] = pick(['127.0.0.1', '::1', 'garbage', '1.1.1.1, 2.2.2.2']);
        if (maybe(0.05)) headers.accept = pick(['application/json', 'text/html', '*/*', 'image/*']);
        const line = `${service} ${method} ${(path + query).slice(0, 120)} [${headers['content-type'] ?? ''}] [${(auth || '').slice(0, 20)}]`;
        return raw(base[service], method, `${path}${query}`, headers, body).then(
          (res) => {
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status >= 500) failures.push(`${res.status} ← ${line}: ${res.body.slice(0, 160)}`);
            else if (LEAK.test(res.body)) failures.push(`stack trace ← ${line}: ${res.body.slice(0, 160)}`);
          },
          (err: Error) => failures.push(`no answer (${err.message}) ← ${line}`),
        );
      });
      await Promise.all(batch);
      sent += batch.length;
    }
    const summary = [...statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    console.log(`fuzz: seed ${seed}, ${sent} requests in ${Date.now() - started} ms: ${summary}`);
    assert.deepEqual(failures, [], `seed ${seed}`);
    assert.ok(sent >= target, `only ${sent} requests were sent`);
    for (const url of Object.values(base))
      assert.equal((await raw(url, 'GET', '/healthz')).status, 200, `${url} is still healthy`);
    assert.ok(stack.ports.auth > 0);
  });
});
