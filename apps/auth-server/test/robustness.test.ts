import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  MALFORMED_AUTHORIZATIONS,
  MALFORMED_CONTENT_TYPES,
  MALFORMED_NAMES,
  MALFORMED_VALUES,
  prng,
} from '@oauth-demo/testkit';
import { authorizePath, Browser, csrfFrom, startAuthServer, validAuthorizeParams, type TestServer } from './helpers.js';

/** Raw HTTP, so malformed paths and headers reach the server exactly as written. */
function raw(
  server: TestServer,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer | string,
): Promise<{ status: number; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    // agent: false, one connection per request: a server may rightly close a connection after answering early.
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers, timeout: 5000, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

describe('Robustness: malformed input gets a 4xx, never a 5xx or a stack trace', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  const noLeak = (body: string) =>
    assert.equal(/\bat .+\.(js|ts):\d+|node_modules|Error: /.test(body), false, body.slice(0, 300));

  it('handles hand-picked nasties', async () => {
    const cases: [string, string, Record<string, string>, string?][] = [
      ['GET', '/authorize?client_id=%E0%A4%A&redirect_uri=%', {}],
      ['GET', '/authorize?client_id=photo-printer&client_id[]=x', {}],
      ['GET', `/authorize?client_id=${'a'.repeat(6000)}`, {}],
      ['GET', '/interaction/%E0%A4%A', {}],
      ['GET', '/interaction/..%2f..%2fetc%2fpasswd', {}],
      ['POST', '/token', { 'content-type': 'application/json' }, '{"grant_type":'],
      ['POST', '/token', { 'content-type': 'application/x-www-form-urlencoded' }, 'grant_type=%E0%A4%A&code=%'],
      ['POST', '/token', { 'content-type': 'application/x-www-form-urlencoded; charset=latin1' }, 'grant_type=x'],
      [
        'POST',
        '/token',
        { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
        'not gzip',
      ],
      [
        'POST',
        '/token',
        { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${'A'.repeat(5000)}` },
        'grant_type=authorization_code',
      ],
      [
        'POST',
        '/token',
        { 'content-type': 'application/x-www-form-urlencoded' },
        Array.from({ length: 200 }, (_, i) => `p${i}=1`).join('&'),
      ],
      ['POST', '/token', { 'content-type': 'application/x-www-form-urlencoded' }, 'grant_type[]=x&code[a]=b'],
      ['PUT', '/token', {}],
      ['DELETE', '/authorize', {}],
      [
        'POST',
        '/interaction/abc/login',
        { 'content-type': 'application/x-www-form-urlencoded' },
        'csrf=x&username[]=a',
      ],
      ['POST', '/introspect', { 'content-type': 'text/plain' }, 'token=x'],
      [
        'POST',
        '/revoke',
        { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic Og==' },
        'token=x',
      ],
      ['GET', '/.well-known/../token', {}],
    ];
    for (const [method, path, headers, body] of cases) {
      const res = await raw(server, method, path, headers, body);
      assert.ok(res.status >= 200 && res.status < 500, `${method} ${path.slice(0, 60)} answered ${res.status}`);
      noLeak(res.body);
    }
  });

  it('interaction ids are checked by format and looked up as own properties only: /interaction/__proto__ is a 404, never a 500', async () => {
    // A browser with a pending request in its session, so that a lookup by name has an object to walk.
    const browser = new Browser(server.url);
    const start = await browser.get(authorizePath(validAuthorizeParams()));
    assert.equal(start.status, 303);
    const page = await (await browser.get(start.headers.get('location')!)).text();
    const csrf = csrfFrom(page);
    for (const id of [
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '__defineGetter__',
      'valueOf',
      'x',
      'A'.repeat(23),
      `${'A'.repeat(21)}.`,
    ]) {
      const get = await browser.get(`/interaction/${id}`);
      assert.equal(get.status, 404, `GET /interaction/${id}`);
      noLeak(await get.text());
      for (const action of ['login', 'consent']) {
        const post = await browser.post(`/interaction/${id}/${action}`, {
          csrf,
          username: 'alice',
          password: 'wonderland',
          decision: 'allow',
        });
        assert.equal(post.status, 404, `POST /interaction/${id}/${action}`);
        assert.equal(post.headers.get('location'), null);
        noLeak(await post.text());
      }
    }
    // A well-formed id that this browser never had is still the "expired or already answered" page.
    assert.equal((await browser.get(`/interaction/${'A'.repeat(22)}`)).status, 400);
  });

  it('answers a thousand generated malformed requests without a single 5xx (bounded by count, not by time)', async () => {
    const random = prng(20261125);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const paths = [
      '/authorize',
      '/token',
      '/introspect',
      '/revoke',
      '/interaction/x',
      '/interaction/x/login',
      '/interaction/x/consent',
      '/logout',
      '/',
      '/.well-known/oauth-authorization-server',
      '/.well-known/jwks.json',
      '/nope',
    ];
    // The shared vocabulary of malformed requests (@oauth-demo/testkit, also the conformance suite's), and the
    // printer's registered redirect_uri, a valid value in the wrong places.
    const names = MALFORMED_NAMES;
    const values = [...MALFORMED_VALUES, 'http://localhost:3000/callback'];
    const contentTypes = MALFORMED_CONTENT_TYPES;
    const auths = MALFORMED_AUTHORIZATIONS;
    // A fixed number of requests, not a time budget: the count proves the same on a busy machine as on a quiet one.
    let sent = 0;
    const statuses = new Map<number, number>();
    while (sent < 1000) {
      const batch = Array.from({ length: 20 }, () => {
        // Malformed percent-escapes stay raw; only what HTTP itself forbids in a request line is escaped.
        const params = Array.from(
          { length: 1 + Math.floor(random() * 6) },
          // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters HTTP forbids there.
          () => `${pick(names)}=${pick(values).replace(/[\u0000-\u0020\u007f-\u{10ffff}]/gu, encodeURIComponent)}`,
        ).join('&');
        const method = pick(['GET', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']);
        const path = pick(paths);
        const headers: Record<string, string> = {};
        const ct = pick(contentTypes);
        if (ct) headers['content-type'] = ct;
        const auth = pick(auths);
        if (auth) headers.authorization = auth;
        const inQuery = method === 'GET' || random() < 0.3;
        const target = inQuery ? `${path}?${params}` : path;
        return raw(server, method, target, headers, inQuery || method === 'HEAD' ? undefined : params).catch(
          (err: Error) => {
            throw new Error(`${method} ${target.slice(0, 120)} ${JSON.stringify(headers)}: ${err.message}`);
          },
        );
      });
      for (const res of await Promise.all(batch)) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(res.status < 500, `a generated request got ${res.status}: ${res.body.slice(0, 200)}`);
        noLeak(res.body);
      }
      sent += batch.length;
    }
    assert.equal(sent, 1000);
    assert.ok((statuses.get(400) ?? 0) + (statuses.get(401) ?? 0) > 0, 'some generated requests were refused as bad');
  });
});
