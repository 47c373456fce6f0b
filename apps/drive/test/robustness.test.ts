/**
 * Robustness (docs/security.md §B1): oversized values, invalid percent-encoding, wrong
 * content types, garbage Authorization headers. Whatever arrives, the drive answers 2xx-4xx, never a 5xx, and
 * never shows a stack trace.
 *
 * Both validation modes are attacked: local JWT (with a stand-in key) and introspection (with the real auth
 * server behind it, where a malformed token must not turn into a failed back-channel call and a 503).
 * Raw node:http requests, so malformed paths and headers reach the server exactly as written; loopback only;
 * bounded (at most 3000 requests, 20 s); a fixed PRNG seed, so a failure replays identically.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { codeFlowAccessToken, DRIVE_SECRET, type RunningAuthServer, startAuthServer } from './auth_server.js';
import { get, makeAuthority, type PhotoListing, PRINTER_URL, type RunningDrive, startDrive } from './helpers.js';

interface Target {
  name: string;
  drive: RunningDrive;
  /** A token this drive accepts, so that malformed requests also reach the routes behind the guard. */
  token: string;
  /** One of alice's real photo ids on this drive. */
  photoId: string;
}

interface RawAnswer {
  status: number;
  body: string;
}

/** One request on its own connection (`agent: false`): a server may rightly close a connection after answering early. */
function raw(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers, agent: false, timeout: 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
    if (body === undefined) req.end();
    else req.end(body, 'latin1');
  });
}

/** A small deterministic PRNG (an LCG), so a failure can be replayed with the same seed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

/** A stack frame, a file path or an error's name and message: nothing of the kind may reach a client. */
const LEAK = /\bat .+\.(js|ts):\d+|node_modules|Error: |\/work\/|\/src\//;

function assertSafe(res: RawAnswer, what: string): void {
  assert.ok(res.status >= 200 && res.status < 500, `${what} answered ${res.status}: ${res.body.slice(0, 200)}`);
  assert.doesNotMatch(res.body, LEAK, `${what} leaks internals: ${res.body.slice(0, 300)}`);
}

/** HTTP forbids control characters, spaces and non-ASCII in a request target: escape those, keep the rest raw. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters HTTP forbids in a request line.
const inRequestLine = (value: string): string => value.replace(/[\u0000-\u0020\u007f-\uffff]/g, encodeURIComponent);

describe('Robustness: malformed requests to the drive get a 4xx, never a 5xx or a stack trace', () => {
  let auth: RunningAuthServer;
  const targets: Target[] = [];

  before(async () => {
    const authority = await makeAuthority();
    const jwtDrive = await startDrive({ deps: { keys: authority.keys } });
    auth = await startAuthServer();
    const introspectingDrive = await startDrive({
      env: { DRIVE_TOKEN_VALIDATION: 'introspection', DRIVE_CLIENT_SECRET: DRIVE_SECRET, AUTH_INTERNAL_URL: auth.url },
    });
    for (const [name, drive, token] of [
      ['jwt', jwtDrive, await authority.token()],
      ['introspection', introspectingDrive, await codeFlowAccessToken(auth)],
    ] as const) {
      const res = await get(`${drive.url}/api/photos`, token);
      assert.equal(res.status, 200, `${name}: the baseline token works`);
      const photoId = ((await res.json()) as PhotoListing).photos[0]?.id;
      assert.ok(photoId, `${name}: alice has photos`);
      targets.push({ name, drive, token, photoId });
    }
  });

  after(async () => {
    for (const target of targets) await target.drive.stop();
    await auth.destroy();
  });

  it('handles hand-picked nasties', async () => {
    for (const { name, drive, token, photoId } of targets) {
      const bearer = { authorization: `Bearer ${token}` };
      const cases: [string, string, Record<string, string>, string?][] = [
        ['GET', '/api/photos/%E0%A4%A', bearer],
        ['GET', '/api/photos/%', bearer],
        ['GET', `/api/photos/${photoId}%00/content`, bearer],
        ['GET', '/api/photos/..%2f..%2f..%2fetc%2fpasswd/content', bearer],
        ['GET', `/api/photos/${'a'.repeat(6000)}`, bearer],
        ['GET', `/api/photos/${photoId}/content?${'x='.repeat(2000)}`, bearer],
        ['GET', '/api/photos', { authorization: `Bearer ${'a'.repeat(5000)}` }],
        ['GET', '/api/photos', { authorization: `Bearer ${token}${'A'.repeat(4000)}` }],
        ['GET', '/api/photos', { authorization: `Bearer ${token} ${token}` }],
        ['GET', '/api/photos', { authorization: 'Bearer =' }],
        ['GET', '/api/photos', { authorization: 'Bearer a.b.c' }],
        ['GET', '/api/photos', { authorization: 'Bearer \u00e9\u00e8' }],
        ['GET', '/api/photos', { authorization: `Basic ${Buffer.from('drive:x').toString('base64')}` }],
        ['GET', `/api/photos?access_token=${token}`, {}],
        ['POST', '/api/photos', { ...bearer, 'content-type': 'application/json' }, '{"title":'],
        ['PUT', `/api/photos/${photoId}`, { ...bearer, 'content-type': 'image/svg+xml' }, '<svg onload="alert(1)"/>'],
        ['DELETE', `/api/photos/${photoId}`, bearer],
        ['OPTIONS', '/api/photos', { origin: PRINTER_URL, 'access-control-request-method': 'DELETE' }],
        ['HEAD', `/api/photos/${photoId}/content`, bearer],
        ['GET', `/api/photos/${photoId}/content`, { ...bearer, range: 'bytes=9-1', 'if-none-match': '*' }],
        ['GET', '/.well-known/oauth-protected-resource/%E0%A4%A', {}],
        ['GET', '/.well-known/oauth-protected-resource', { accept: 'text/html;q=0, application/json;q=0' }],
        [
          'POST',
          '/.well-known/oauth-protected-resource',
          { 'content-type': 'application/x-www-form-urlencoded' },
          'resource=%',
        ],
        ['GET', '/%', { accept: 'text/html' }],
        ['GET', '/assets/ui/..%2f..%2fpackage.json', {}],
        ['GET', '/assets/ui/%2e%2e/%2e%2e/package.json', {}],
        ['GET', '/?__proto__[x]=1&constructor[prototype][y]=2', {}],
        ['POST', '/', { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' }, 'not gzip'],
        ['POST', '/healthz', { 'content-type': 'multipart/form-data; boundary=x' }, '--x\r\nbroken'],
        ['GET', '/api/gallery/%E0%A4%A', bearer],
        ['GET', '/api/gallery/..%2f..%2fdrive.db/content', bearer],
        ['POST', '/signin', { 'content-type': 'application/x-www-form-urlencoded' }, `csrf=${'a'.repeat(20_000)}`],
        [
          'POST',
          '/signin',
          { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
          'not gzip',
        ],
        [
          'POST',
          '/signin',
          { 'content-type': 'application/x-www-form-urlencoded' },
          'username=%&password=%zz&csrf=%E0%A4%A',
        ],
        ['POST', '/signin', { 'content-type': 'application/json' }, '{"username":"alice","password":"wonderland"}'],
        [
          'POST',
          '/signin',
          { 'content-type': 'application/x-www-form-urlencoded' },
          'username[]=a&username[]=b&csrf[]=x',
        ],
        ['POST', '/signout', { 'content-type': 'application/x-www-form-urlencoded' }, 'csrf='],
        ['GET', '/my-photos/%E0%A4%A/image', {}],
        ['GET', `/my-photos/${photoId}/image`, { cookie: 'drive.sid=s%3Aforged.signature' }],
        ['GET', '/my-photos', { cookie: 'drive.sid=%' }],
        ['GET', '/signin?signed_out[]=1&expired=%', { accept: 'text/html' }],
      ];
      for (const [method, path, headers, body] of cases) {
        assertSafe(await raw(drive.url, method, path, headers, body), `${name}: ${method} ${path.slice(0, 80)}`);
      }
    }
  });

  it('answers a few thousand generated malformed requests without a single 5xx (bounded: 3000 requests, 20 s)', async () => {
    const random = prng(20261126);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const ids = (photoId: string) => [
      photoId,
      photoId,
      'x',
      '%',
      '%zz',
      '%E0%A4%A',
      '%00',
      '..%2f..%2fetc%2fpasswd',
      '__proto__',
      'constructor',
      'a'.repeat(3000),
      "'%20OR%201=1--",
      '%3Cscript%3E',
    ];
    const paths = (photoId: string) => {
      const id = pick(ids(photoId));
      // The API routes twice: the token guard is where the interesting input goes.
      return [
        '/api/photos',
        '/api/photos',
        `/api/photos/${id}`,
        `/api/photos/${id}`,
        `/api/photos/${id}/content`,
        `/api/photos/${id}/content`,
        `/api/photos/${id}/content/extra`,
        '/.well-known/oauth-protected-resource',
        '/',
        '/healthz',
        '/api',
        '/api/',
        '/API/PHOTOS',
        '//api//photos',
        '/nope',
        '/.well-known/oauth-authorization-server',
        '/assets/ui/style.css',
        `/assets/ui/${id}`,
        '/api/gallery',
        `/api/gallery/${id}/content`,
        '/signin',
        '/signin',
        '/signout',
        '/my-photos',
        `/my-photos/${id}/image`,
      ];
    };
    const names = ['access_token', 'token', 'id', 'scope', 'q', '__proto__', 'constructor[prototype]', 'a[]', '%', ''];
    const values = [
      '',
      '%',
      '%zz',
      '%E0%A4%A',
      'photos.read',
      '<script>',
      '"\'',
      '\u0000',
      'a'.repeat(4000),
      '[]',
      '{}',
      'x'.repeat(43),
    ];
    const auths = (token: string) => [
      '',
      'Bearer',
      'Bearer ',
      `bearer ${token}`,
      `Bearer ${token}`,
      `Bearer ${token.slice(0, -4)}AAAA`,
      `Bearer ${token} extra`,
      'Bearer !!!',
      'Bearer a.b.c',
      `Bearer ${'a'.repeat(5000)}`,
      `Bearer ${'A'.repeat(200)}==`,
      `Basic ${Buffer.from('photo-printer:x').toString('base64')}`,
      'Basic !!!',
      'Digest username="x"',
      'Bearer \u00e9',
      '\t',
    ];
    const contentTypes = [
      '',
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
      'image/svg+xml',
      'application/json; charset=utf-16',
      ';;;',
      'a'.repeat(2000),
    ];
    const bodies = [
      '',
      '{"a":',
      '{"__proto__":{"x":1}}',
      'token=x&access_token=y',
      '%',
      '\u00ff\u00fe\u0000\u0001',
      '--x\r\nContent-Disposition: form-data\r\n\r\n',
      'z'.repeat(20_000),
    ];
    const accepts = [
      '',
      '*/*',
      'application/json',
      'text/html',
      'image/*',
      'text/html;q=0, application/json;q=0',
      'x/y;q=abc',
    ];
    const origins = ['', PRINTER_URL, 'http://evil.test', 'null'];
    const methods = [
      'GET',
      'GET',
      'GET',
      'GET',
      'GET',
      'GET',
      'HEAD',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'OPTIONS',
      'TRACE',
      'PROPFIND',
    ];

    const started = Date.now();
    let sent = 0;
    const statuses = new Map<number, number>();
    while (sent < 3000 && Date.now() - started < 20_000) {
      const batch = Array.from({ length: 20 }, () => {
        const target = pick(targets);
        const method = pick(methods);
        const params = Array.from(
          { length: Math.floor(random() * 4) },
          () => `${pick(names)}=${inRequestLine(pick(values))}`,
        ).join('&');
        const path = pick(paths(target.photoId)) + (params ? `?${params}` : '');
        const headers: Record<string, string> = {};
        for (const [name, value] of [
          ['authorization', pick(auths(target.token))],
          ['content-type', pick(contentTypes)],
          ['accept', pick(accepts)],
          ['origin', pick(origins)],
        ] as const) {
          if (value) headers[name] = value;
        }
        const body = method === 'GET' || method === 'HEAD' ? undefined : pick(bodies);
        return raw(target.drive.url, method, path, headers, body).then(
          (res) => ({
            res,
            what: `${target.name}: ${method} ${path.slice(0, 120)} ${JSON.stringify(headers).slice(0, 200)}`,
          }),
          (err: Error) => {
            throw new Error(
              `${target.name}: ${method} ${path.slice(0, 120)} ${JSON.stringify(headers).slice(0, 200)}: ${err.message}`,
            );
          },
        );
      });
      for (const { res, what } of await Promise.all(batch)) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assertSafe(res, what);
      }
      sent += batch.length;
    }
    assert.ok(sent >= 1000, `only ${sent} requests in the time budget`);
    // The sweep must also have got past the guard sometimes, or it would only test the 401 path.
    assert.ok((statuses.get(200) ?? 0) > 0, `no request got through: ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(401) ?? 0) > 0 && (statuses.get(404) ?? 0) > 0, JSON.stringify([...statuses]));
  });
});
