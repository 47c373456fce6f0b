/**
 * Step 8 by introspection (DRIVE_TOKEN_VALIDATION=introspection): RFC 7662 (OAuth 2.0 Token Introspection),
 * with RFC 7009 (revocation) and RFC 6750 §3.1 (the errors a client sees).
 *
 * The main tests run the REAL auth server (its createApp, in-process) and real tokens from a real code flow,
 * because the point is real revocation: revoked at the auth server, refused by the drive on the very next
 * call. A small stand-in auth server then plays the failures the real one does not produce (an answer that
 * is not JSON, too slow, malformed), and the checks of the answer are also tested on their own.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { buildBasicAuthorization, InsufficientScope, InvalidToken, MAX_PARAM_LENGTH } from '@oauth-demo/tokens';
import { type IntrospectionResponse, processIntrospectionResponse } from '../src/introspection.js';
import {
  codeFlowAccessToken,
  DRIVE_SECRET,
  revokeAsPrinter,
  type RunningAuthServer,
  startAuthServer,
} from './auth_server.js';
import { DRIVE_URL, get, ISSUER, type PhotoListing, type RunningDrive, startDrive } from './helpers.js';

/** The drive in introspection mode, reaching the auth server at `authInternalUrl`. */
function startIntrospectingDrive(
  authInternalUrl: string,
  options: { secret?: string; timeoutMs?: number } = {},
): Promise<RunningDrive> {
  return startDrive({
    env: {
      DRIVE_TOKEN_VALIDATION: 'introspection',
      DRIVE_CLIENT_SECRET: options.secret ?? DRIVE_SECRET,
      AUTH_INTERNAL_URL: authInternalUrl,
    },
    deps: options.timeoutMs === undefined ? {} : { backChannelTimeoutMs: options.timeoutMs },
  });
}

async function assertInvalidToken(res: Response, why: string): Promise<void> {
  assert.equal(res.status, 401, why);
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm="drive", error="invalid_token"/, why);
  assert.equal(((await res.json()) as { error: string }).error, 'invalid_token', why);
}

/** 503 temporarily_unavailable with nothing internal in it: no URL, no status of the auth server, no secret. */
async function assertRefusedUnavailable(res: Response, why: string): Promise<void> {
  assert.equal(res.status, 503, why);
  assert.equal(res.headers.get('retry-after'), '5', why);
  const text = await res.text();
  assert.equal((JSON.parse(text) as { error: string }).error, 'temporarily_unavailable', why);
  assert.doesNotMatch(text, /127\.0\.0\.1|introspect|HTTP \d|secret/i, `${why}: the body names no internals`);
}

describe('Introspection mode with the real auth server (RFC 7662)', () => {
  let auth: RunningAuthServer;
  /** DRIVE_TOKEN_VALIDATION=introspection */
  let drive: RunningDrive;
  /** DRIVE_TOKEN_VALIDATION=jwt (the default), discovering the same auth server's keys: the comparison. */
  let jwtDrive: RunningDrive;

  before(async () => {
    auth = await startAuthServer();
    drive = await startIntrospectingDrive(auth.url);
    jwtDrive = await startDrive({ env: { AUTH_INTERNAL_URL: auth.url } });
  });
  after(async () => {
    await drive.stop();
    await jwtDrive.stop();
    await auth.destroy();
  });

  it("RFC 7662 §2.2: an active token reads alice's photos (and only hers)", async () => {
    const token = await codeFlowAccessToken(auth);
    const res = await get(`${drive.url}/api/photos`, token);
    assert.equal(res.status, 200);
    const listing = (await res.json()) as PhotoListing;
    assert.equal(listing.owner, 'alice');
    assert.ok(listing.photos.length > 0);
    const first = listing.photos[0]!;
    assert.equal((await get(`${drive.url}/api/photos/${first.id}`, token)).status, 200);
    const content = await get(`${drive.url}/api/photos/${first.id}/content`, token);
    assert.equal(content.status, 200);
    assert.equal(content.headers.get('content-type'), first.content_type);
  });

  it('RFC 7009 §2.1 + RFC 7662 §2.2: after revocation the very next call is 401 invalid_token; in jwt mode the revoked token still works until it expires', async () => {
    const token = await codeFlowAccessToken(auth);
    assert.equal((await get(`${drive.url}/api/photos`, token)).status, 200, 'introspection: before revocation');
    assert.equal((await get(`${jwtDrive.url}/api/photos`, token)).status, 200, 'jwt: before revocation');

    await revokeAsPrinter(auth, token);

    await assertInvalidToken(
      await get(`${drive.url}/api/photos`, token),
      'introspection: the auth server now says {"active": false}',
    );
    // The lesson: a JWT carries its own proof and nothing in it changed. A drive that only verifies the
    // signature cannot know about the revocation, and serves the photos until `exp`.
    const jwtRes = await get(`${jwtDrive.url}/api/photos`, token);
    assert.equal(jwtRes.status, 200, 'jwt mode: the revoked token is still accepted until it expires');
    assert.equal(((await jwtRes.json()) as PhotoListing).owner, 'alice');
  });

  it('RFC 6750 §3.1: an active token without photos.read is 403 insufficient_scope', async () => {
    const token = await codeFlowAccessToken(auth, { scope: 'offline_access' });
    const res = await get(`${drive.url}/api/photos`, token);
    assert.equal(res.status, 403);
    const challenge = res.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer realm="drive", error="insufficient_scope"/);
    assert.match(challenge, /scope="photos\.read"/);
    assert.equal(((await res.json()) as { error: string }).error, 'insufficient_scope');
  });

  it('RFC 7662 §2.2: unknown and tampered tokens are {"active": false}: 401 invalid_token', async () => {
    await assertInvalidToken(await get(`${drive.url}/api/photos`, 'not-a-token-the-auth-server-issued'), 'unknown');
    const [header, payload] = (await codeFlowAccessToken(auth)).split('.');
    await assertInvalidToken(await get(`${drive.url}/api/photos`, `${header}.${payload}.AAAA`), 'tampered signature');
  });

  it('a token longer than any token the auth server issues is invalid_token, not 503 (no round trip)', async () => {
    await assertInvalidToken(await get(`${drive.url}/api/photos`, 'a'.repeat(MAX_PARAM_LENGTH + 1)), 'too long');
  });

  it('RFC 6750 §3.1: no token is still a bare challenge, without asking anyone', async () => {
    const res = await get(`${drive.url}/api/photos`);
    assert.equal(res.status, 401);
    assert.doesNotMatch(res.headers.get('www-authenticate') ?? '', /error=/);
  });

  it('the home page names the active mode and its trade-off', async () => {
    // The page's words, without the glossary term links the teaching layer puts around the first use of each term.
    const words = (html: string) => html.replace(/<a class="term" href="[^"]*" title="[^"]*">([\s\S]*?)<\/a>/g, '$1');
    const introspecting = words(await (await get(`${drive.url}/`)).text());
    assert.match(introspecting, /data-mode="introspection"/);
    assert.match(introspecting, /Validation mode: introspection/);
    assert.match(introspecting, /revoked token is refused at once/);
    const local = words(await (await get(`${jwtDrive.url}/`)).text());
    assert.match(local, /data-mode="jwt"/);
    assert.match(local, /Validation mode: local JWT/);
    assert.match(local, /revoked token keeps working until it expires/);
    assert.doesNotMatch(introspecting, new RegExp(DRIVE_SECRET), 'the secret is never shown');
  });
});

describe('RFC 7662 §2.1: when the drive cannot ask the auth server, access is refused (503), never granted', () => {
  it('auth server stopped: 503 temporarily_unavailable, never 200', async () => {
    const auth = await startAuthServer();
    const drive = await startIntrospectingDrive(auth.url);
    try {
      const token = await codeFlowAccessToken(auth);
      assert.equal((await get(`${drive.url}/api/photos`, token)).status, 200, 'while the auth server runs');
      await auth.stop();
      for (let i = 0; i < 5; i++)
        await assertRefusedUnavailable(
          await get(`${drive.url}/api/photos`, token),
          `call ${i + 1} with the auth server down`,
        );
      assert.ok(
        drive.logs.some((line) => /cannot reach the introspection endpoint .*connection refused/.test(line)),
        drive.logs.join('\n'),
      );
    } finally {
      await drive.stop();
      await auth.destroy();
    }
  });

  it('wrong drive secret: the auth server refuses the drive (401), the drive answers 503, never 200', async () => {
    const auth = await startAuthServer();
    const wrongSecret = 'not-the-drive-secret-0123456789-0123456789-abcdefgh';
    const drive = await startIntrospectingDrive(auth.url, { secret: wrongSecret });
    try {
      const token = await codeFlowAccessToken(auth);
      for (let i = 0; i < 3; i++)
        await assertRefusedUnavailable(await get(`${drive.url}/api/photos`, token), `call ${i + 1}`);
      assert.ok(
        drive.logs.some((line) => /answered HTTP 401; it refused the drive's client credentials/.test(line)),
        drive.logs.join('\n'),
      );
      assert.ok(!drive.logs.some((line) => line.includes(wrongSecret)), 'the secret is never logged');
    } finally {
      await drive.stop();
      await auth.destroy();
    }
  });
});

/**
 * A stand-in auth server: real metadata (issuer = the public URL, endpoints under it), and an introspection
 * endpoint whose answer each test chooses. Records what it was sent.
 */
interface StandIn {
  url: string;
  /** Every path asked for, in order. */
  paths: string[];
  /** The introspection requests. */
  received: { method: string; contentType: string; authorization: string; body: string }[];
  answer: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

async function startStandIn(): Promise<StandIn> {
  const standIn: Omit<StandIn, 'url' | 'close'> = {
    paths: [],
    received: [],
    answer: (_req, res) => json(res, { active: false }),
  };
  const server: Server = createServer((req, res) => {
    standIn.paths.push(req.url ?? '');
    if (req.url === '/.well-known/oauth-authorization-server') {
      json(res, {
        issuer: ISSUER,
        jwks_uri: `${ISSUER}/.well-known/jwks.json`,
        introspection_endpoint: `${ISSUER}/introspect`,
      });
      return;
    }
    if (req.url !== '/introspect') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      standIn.received.push({
        method: req.method ?? '',
        contentType: req.headers['content-type'] ?? '',
        authorization: req.headers.authorization ?? '',
        body,
      });
      standIn.answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(standIn, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  });
}

function json(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** What the real auth server says about a good token for the drive. */
function activeAnswer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    active: true,
    token_type: 'Bearer',
    scope: 'photos.read',
    client_id: 'photo-printer',
    sub: 'alice',
    aud: DRIVE_URL,
    iss: ISSUER,
    exp: now + 300,
    iat: now,
    jti: 'jti-1',
    ...overrides,
  };
}

describe('RFC 7662 §2.1: the introspection request, and answers the drive cannot use (stand-in auth server)', () => {
  let standIn: StandIn;
  let drive: RunningDrive;
  const TOKEN = 'an-opaque-token_the.drive-never-reads~1';

  before(async () => {
    standIn = await startStandIn();
    drive = await startIntrospectingDrive(standIn.url, { timeoutMs: 500 });
  });
  after(async () => {
    await drive.stop();
    await standIn.close();
  });

  it('RFC 7662 §2.1: POST, form-encoded token, HTTP Basic as the drive, at the internal URL; an opaque token works', async () => {
    standIn.answer = (_req, res) => json(res, activeAnswer());
    standIn.received.length = 0;
    const res = await get(`${drive.url}/api/photos`, TOKEN);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as PhotoListing).owner, 'alice');
    const [sent] = standIn.received;
    assert.ok(sent);
    assert.equal(sent.method, 'POST');
    assert.match(sent.contentType, /^application\/x-www-form-urlencoded/);
    assert.equal(sent.authorization, buildBasicAuthorization('drive', DRIVE_SECRET));
    const form = new URLSearchParams(sent.body);
    assert.equal(form.get('token'), TOKEN);
    assert.equal(form.get('token_type_hint'), 'access_token');
  });

  it('RFC 7662 §4: no caching: every API call asks again', async () => {
    standIn.answer = (_req, res) => json(res, activeAnswer());
    standIn.received.length = 0;
    for (let i = 0; i < 3; i++) assert.equal((await get(`${drive.url}/api/photos`, TOKEN)).status, 200);
    assert.equal(standIn.received.length, 3);
  });

  it('RFC 7662 §2.2: aud may be an array; it must contain the drive', async () => {
    standIn.answer = (_req, res) => json(res, activeAnswer({ aud: ['http://other-api.test', DRIVE_URL] }));
    assert.equal((await get(`${drive.url}/api/photos`, TOKEN)).status, 200);
    standIn.answer = (_req, res) => json(res, activeAnswer({ aud: ['http://other-api.test'] }));
    await assertInvalidToken(await get(`${drive.url}/api/photos`, TOKEN), 'aud array without the drive');
  });

  it('RFC 7662 §2.2: "active": true is not enough: a wrong iss, a refresh token, or an expired exp is 401 invalid_token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [Record<string, unknown>, string][] = [
      [{ iss: 'http://evil.test' }, 'another issuer'],
      [{ aud: 'http://drive.test:9002' }, 'another resource'],
      [{ token_type: 'refresh_token' }, 'a refresh token'],
      [{ exp: now - 60 }, 'expired'],
      [{ sub: undefined }, 'no subject'],
    ];
    for (const [overrides, why] of cases) {
      standIn.answer = (_req, res) => json(res, activeAnswer(overrides));
      await assertInvalidToken(await get(`${drive.url}/api/photos`, TOKEN), why);
    }
  });

  it('an answer that is not JSON: 503, never 200', async () => {
    standIn.answer = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>surprise</html>');
    await assertRefusedUnavailable(await get(`${drive.url}/api/photos`, TOKEN), 'not JSON');
  });

  it('JSON without a boolean "active" (RFC 7662 §2.2: REQUIRED): 503, never 200', async () => {
    for (const body of [{ sub: 'alice', scope: 'photos.read' }, { active: 'true' }, [true], null]) {
      standIn.answer = (_req, res) => json(res, body);
      await assertRefusedUnavailable(await get(`${drive.url}/api/photos`, TOKEN), JSON.stringify(body));
    }
  });

  it('an HTTP error or a redirect from the auth server: 503, never 200, and the token is not sent elsewhere', async () => {
    for (const status of [500, 400, 404]) {
      standIn.answer = (_req, res) => json(res, { error: 'boom' }, status);
      await assertRefusedUnavailable(await get(`${drive.url}/api/photos`, TOKEN), `HTTP ${status}`);
    }
    // A 307 would make a redirect-following client POST the token again, to wherever it points.
    standIn.answer = (_req, res) => res.writeHead(307, { location: `${standIn.url}/elsewhere` }).end();
    await assertRefusedUnavailable(await get(`${drive.url}/api/photos`, TOKEN), 'redirect');
    assert.ok(!standIn.paths.includes('/elsewhere'), 'the redirect was not followed');
  });

  it('no answer within the timeout: 503, never 200', async () => {
    standIn.answer = () => {
      // Never answer: the drive must give up on its own.
    };
    const started = Date.now();
    await assertRefusedUnavailable(await get(`${drive.url}/api/photos`, TOKEN), 'timeout');
    assert.ok(Date.now() - started < 3000, 'gave up after its own short timeout');
    assert.ok(
      drive.logs.some((line) => /did not answer within 500 ms/.test(line)),
      drive.logs.join('\n'),
    );
  });
});

describe('RFC 7662 §2.2: the answer is checked as strictly as a JWT (processIntrospectionResponse)', () => {
  const NOW = 1_800_000_000;
  const expected = { issuer: ISSUER, audience: DRIVE_URL, requiredScope: 'photos.read', now: NOW };
  const good = (overrides: Record<string, unknown> = {}): IntrospectionResponse =>
    ({
      active: true,
      token_type: 'Bearer',
      scope: 'photos.read offline_access',
      client_id: 'photo-printer',
      sub: 'alice',
      aud: DRIVE_URL,
      iss: ISSUER,
      exp: NOW + 60,
      iat: NOW - 10,
      jti: 'j',
      ...overrides,
    }) as IntrospectionResponse;
  const refused = (overrides: Record<string, unknown>, why: string) =>
    assert.throws(() => processIntrospectionResponse(good(overrides), expected), InvalidToken, why);

  it('returns the same claims as the JWT path', () => {
    assert.deepEqual(processIntrospectionResponse(good(), expected), {
      iss: ISSUER,
      sub: 'alice',
      aud: DRIVE_URL,
      client_id: 'photo-printer',
      scope: 'photos.read offline_access',
      iat: NOW - 10,
      exp: NOW + 60,
      jti: 'j',
    });
    assert.equal(
      processIntrospectionResponse(good({ aud: ['x', DRIVE_URL] }), expected).aud,
      DRIVE_URL,
      'an aud array becomes the drive',
    );
    assert.ok(
      processIntrospectionResponse(good({ token_type: 'bearer' }), expected),
      'token types compare case-insensitively (RFC 6749 §7.1)',
    );
  });

  it('{"active": false} is invalid_token', () => {
    assert.throws(() => processIntrospectionResponse({ active: false }, expected), InvalidToken);
  });

  it('token_type must be Bearer', () => {
    refused({ token_type: 'refresh_token' }, 'refresh token');
    refused({ token_type: undefined }, 'no token_type');
  });

  it('iss must be exactly the trusted issuer', () => {
    refused({ iss: `${ISSUER}/` }, 'trailing slash');
    refused({ iss: undefined }, 'no iss');
  });

  it('aud must name the drive', () => {
    refused({ aud: 'http://drive.test:9002' }, 'other port');
    refused({ aud: [] }, 'empty array');
    refused({ aud: undefined }, 'no aud');
  });

  it('exp in the future (5 s of clock skew), iat present, nbf not in the future', () => {
    refused({ exp: NOW - 5 }, 'expired beyond the skew');
    assert.ok(processIntrospectionResponse(good({ exp: NOW - 4 }), expected), 'within the skew');
    refused({ exp: undefined }, 'no exp');
    refused({ exp: String(NOW + 60) }, 'exp not a number');
    refused({ iat: undefined }, 'no iat');
    refused({ nbf: NOW + 60 }, 'nbf in the future');
  });

  it('sub, client_id and jti are required strings', () => {
    refused({ sub: undefined }, 'no sub');
    refused({ client_id: 7 }, 'client_id not a string');
    refused({ jti: undefined }, 'no jti');
  });

  it('scope must include the required one, compared as whole tokens: else 403 insufficient_scope', () => {
    for (const scope of [undefined, '', 'offline_access', 'photos.readx', 'photos']) {
      assert.throws(() => processIntrospectionResponse(good({ scope }), expected), InsufficientScope, String(scope));
    }
    refused({ scope: ['photos.read'] }, 'scope not a string');
  });
});
