/**
 * Client authentication at the back-channel endpoints (RFC 6749 §2.3, §5.2), and how client secrets are made
 * and kept.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dataDir, startService } from '@oauth-demo/testkit';
import { assertNoLeak, header, json, postForm, type RawResponse } from '../support/http.js';
import {
  assertOAuthError,
  basic,
  codeFlowTokens,
  PRINTER_AUTH,
  tokenRequest,
  type TokenResponse,
} from '../support/oauth.js';
import {
  DRIVE_CLIENT,
  DRIVE_WEB,
  INTERNAL,
  PRINT_LAB,
  PRINTER,
  sparePorts,
  stack,
  startSpare,
  USERS,
} from '../support/stack.js';

const ENDPOINTS = ['/token', '/introspect', '/revoke'] as const;

/** A body each endpoint would accept from an authenticated client. */
const BODY: Record<(typeof ENDPOINTS)[number], Record<string, string>> = {
  '/token': { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43) },
  '/introspect': { token: 'x'.repeat(43) },
  '/revoke': { token: 'x'.repeat(43) },
};

function call(
  path: (typeof ENDPOINTS)[number],
  headers: Record<string, string>,
  extra: Record<string, string> = {},
): Promise<RawResponse> {
  return postForm(INTERNAL.auth, path, { ...BODY[path], ...extra }, headers);
}

function assertInvalidClient(res: RawResponse, usedBasic: boolean, what: string): void {
  assertOAuthError(res, 401, 'invalid_client', what);
  if (usedBasic)
    assert.match(
      header(res, 'www-authenticate') ?? '',
      /^Basic\b/i,
      `${what}: RFC 6749 §5.2 asks for a Basic challenge`,
    );
  assert.equal(header(res, 'cache-control'), 'no-store', `${what}: no-store`);
}

describe('docs/security.md §T1, RFC 6749 §2.3 + §5.2: client authentication failures are 401 invalid_client', () => {
  for (const path of ENDPOINTS) {
    it(`RFC 6749 §5.2: ${path} with a wrong secret over Basic is 401 invalid_client with WWW-Authenticate: Basic`, async () => {
      assertInvalidClient(
        await call(path, { authorization: basic(PRINTER.clientId, `${PRINTER.secret.slice(0, -1)}x`) }),
        true,
        `${path} wrong secret`,
      );
      assertInvalidClient(
        await call(path, { authorization: basic(PRINTER.clientId, DRIVE_CLIENT.secret) }),
        true,
        `${path} another client's secret`,
      );
    });

    it(`RFC 6749 §5.2: ${path} with an unknown client over Basic is 401 invalid_client with WWW-Authenticate: Basic`, async () => {
      assertInvalidClient(
        await call(path, { authorization: basic('nobody', PRINTER.secret) }),
        true,
        `${path} unknown client`,
      );
    });

    it(`RFC 6749 §2.3.1: ${path} from the confidential client with no authentication at all is 401 invalid_client`, async () => {
      const res = await call(path, {});
      assertInvalidClient(res, false, `${path} no authentication`);
      const onlyId = await call(path, {}, { client_id: PRINTER.clientId });
      assertInvalidClient(onlyId, false, `${path} client_id only`);
    });

    it(`RFC 6749 §2.3.1: ${path} with client_secret_post from a client registered for client_secret_basic is 401 invalid_client`, async () => {
      assertInvalidClient(
        await call(path, {}, { client_id: PRINTER.clientId, client_secret: PRINTER.secret }),
        false,
        `${path} client_secret_post`,
      );
    });
  }

  it('RFC 6749 §2.3.1: a client registered for client_secret_post authenticates with client_id and client_secret in the body', async () => {
    const res = await tokenRequest(
      { grant_type: 'client_credentials', client_id: PRINT_LAB.clientId, client_secret: PRINT_LAB.secret },
      null,
    );
    assert.equal(res.status, 200, res.body);
  });

  it('RFC 6749 §2.3.1: client_secret_post with a wrong secret is 401 invalid_client', async () => {
    const res = await tokenRequest(
      { grant_type: 'client_credentials', client_id: PRINT_LAB.clientId, client_secret: `${PRINT_LAB.secret}x` },
      null,
    );
    assertInvalidClient(res, false, 'client_secret_post wrong secret');
  });

  it('RFC 6749 §2.3: a client registered for client_secret_post that sends Basic instead is 401 invalid_client with a Basic challenge', async () => {
    const res = await tokenRequest({ grant_type: 'client_credentials' }, basic(PRINT_LAB.clientId, PRINT_LAB.secret));
    assertInvalidClient(res, true, 'Basic from a client_secret_post client');
  });

  it('RFC 6749 §2.3: two authentication methods at once (Basic and client_secret in the body) are refused', async () => {
    const res = await tokenRequest({ ...BODY['/token'], client_id: PRINTER.clientId, client_secret: PRINTER.secret });
    assertOAuthError(res, [400, 401], ['invalid_request', 'invalid_client'], 'two methods');
  });

  it('RFC 6749 §2.3.1: a client_id in the body that differs from the Basic one is refused', async () => {
    const res = await tokenRequest({ ...BODY['/token'], client_id: 'photo-printer-browser' });
    assertOAuthError(res, [400, 401], ['invalid_request', 'invalid_client'], 'two client ids');
  });

  it('RFC 6749 §2.3.1: the public client presenting Basic with an empty secret is 401 invalid_client', async () => {
    assertInvalidClient(
      await call('/token', { authorization: basic('photo-printer-browser', '') }),
      true,
      'public client with Basic',
    );
  });

  it('RFC 6749 §2.3.1: Basic credentials are form-urlencoded, so a percent-encoded secret is the same secret', async () => {
    const encoded = [...PRINTER.secret]
      .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`)
      .join('');
    const authorization = `Basic ${Buffer.from(`${PRINTER.clientId}:${encoded}`).toString('base64')}`;
    const res = await call('/introspect', { authorization });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(json(res), { active: false });
  });
});

describe('docs/security.md §T2, RFC 6749 §2.3.1: a malformed Basic header is 400/401, never a 500', () => {
  const malformed: [string, string][] = [
    ['the bare word Basic', 'Basic'],
    ['Basic and spaces', 'Basic    '],
    ['non-base64 characters', 'Basic !!!!'],
    ['base64 of ":" (empty id and secret)', `Basic ${Buffer.from(':').toString('base64')}`],
    ['base64 without a colon', `Basic ${Buffer.from(PRINTER.clientId).toString('base64')}`],
    ['base64 of an empty client_id', `Basic ${Buffer.from(`:${PRINTER.secret}`).toString('base64')}`],
    ['invalid percent-encoding inside', `Basic ${Buffer.from('%zz:%E0%A4%A').toString('base64')}`],
    ['NUL bytes inside', `Basic ${Buffer.from(`${PRINTER.clientId}\0:${PRINTER.secret}\0`).toString('base64')}`],
    ['invalid UTF-8 inside', `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0xc3]).toString('base64')}`],
    ['a 6000-character credential', `Basic ${'QUFB'.repeat(1500)}`],
    ['two credentials', `Basic ${Buffer.from('a:b').toString('base64')} ${Buffer.from('c:d').toString('base64')}`],
    ['a lower-case scheme with a wrong secret', `basic ${Buffer.from(`${PRINTER.clientId}:wrong`).toString('base64')}`],
    ['padding in the middle', 'Basic YQ==YQ=='],
    ['a Bearer token instead', 'Bearer abc.def.ghi'],
    ['an unknown scheme', 'Digest username="photo-printer"'],
  ];
  for (const path of ENDPOINTS) {
    it(`RFC 6749 §2.3.1: ${path} answers every malformed Basic header with 400/401 JSON, never 5xx`, async () => {
      for (const [label, authorization] of malformed) {
        const res = await call(path, { authorization });
        assert.ok(
          res.status === 400 || res.status === 401,
          `${path} ${label}: ${res.status} ${res.body.slice(0, 200)}`,
        );
        const body = json(res);
        assert.ok(['invalid_client', 'invalid_request'].includes(String(body.error)), `${path} ${label}: ${res.body}`);
        assertNoLeak(res.body, `${path} ${label}`);
      }
    });
  }
});

describe('Client secrets and passwords at rest (docs/security.md §T3, RFC 6749 §2.3.1, RFC 6819 §5.1.4.1.3)', () => {
  let tokens: TokenResponse;
  before(async () => {
    tokens = await codeFlowTokens({ user: 'bob' });
  });

  /** Every byte the auth server keeps on disk (database, WAL, anything else in its data directory). */
  function authDataBytes(): string {
    const dir = dataDir('auth-server', stack);
    return readdirSync(dir)
      .filter((f) => !f.endsWith('.secret'))
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('\n');
  }

  it('RFC 6819 §5.1.4.1.3: client secrets are stored hashed (SHA-256), never in the clear', () => {
    const bytes = authDataBytes();
    for (const secret of [PRINTER.secret, DRIVE_CLIENT.secret, PRINT_LAB.secret, DRIVE_WEB.secret]) {
      assert.equal(bytes.includes(secret), false, 'a client secret is stored in the clear');
      assert.ok(
        bytes.includes(createHash('sha256').update(secret).digest('base64url')),
        'the SHA-256 of the secret is what is stored',
      );
    }
  });

  it("RFC 6819 §5.1.4.1.3: users' passwords are stored with a slow salted hash (scrypt), never in the clear", () => {
    const bytes = authDataBytes();
    for (const password of Object.values(USERS))
      assert.equal(bytes.includes(password), false, 'a password is stored in the clear');
    assert.match(bytes, /scrypt\$\d+\$\d+\$\d+\$/);
  });

  it('RFC 6819 §5.1.4.1.3: refresh tokens are stored hashed, never in the clear', () => {
    assert.ok(tokens.refresh_token);
    const bytes = authDataBytes();
    assert.equal(bytes.includes(tokens.refresh_token), false, 'a refresh token is stored in the clear');
  });
});

describe('RFC 6749 §10.10 + docs/security.md §T4: client secrets carry at least 256 bits of entropy', () => {
  let spare: Awaited<ReturnType<typeof startSpare>> | undefined;
  after(async () => {
    await spare?.stop();
  });

  it('RFC 6749 §10.10: the auth server refuses to start with a client secret shorter than 256 bits', async () => {
    const port = sparePorts()[0]!;
    const weak = {
      ...stack,
      runDir: join(stack.runDir, 'spare-weak-secret'),
      ports: { ...stack.ports, auth: port },
      secrets: { ...stack.secrets, printerClientSecret: 'password123' },
    };
    await assert.rejects(startService('auth-server', weak, { timeoutMs: 15_000 }), /exited/);
    const log = readFileSync(join(weak.runDir, 'auth-server.log'), 'utf8');
    assert.match(log, /PRINTER_CLIENT_SECRET/);
    assert.match(log, /256 bits/);
    assertNoLeak(log.replace(/.*PRINTER_CLIENT_SECRET.*/, ''), 'start-up refusal');
  });

  it('RFC 6749 §10.10: without a configured secret, the server generates one of ≥ 256 bits, and authenticates with it', async () => {
    const port = sparePorts()[0]!;
    const shared = join(stack.runDir, 'spare-generated-secret', 'shared');
    spare = await startSpare('auth-server', {
      label: 'generated-secret',
      port,
      env: { PRINTER_CLIENT_SECRET: '', SHARED_SECRETS_DIR: shared },
    });
    assert.ok(existsSync(shared), 'the generated secret is kept where the printer can read it');
    const files = readdirSync(shared).filter((f) => /printer/.test(f));
    assert.equal(files.length, 1, `one generated printer secret, found ${files.join(', ')}`);
    const secret = readFileSync(join(shared, files[0]!), 'utf8').trim();
    assert.match(secret, /^[A-Za-z0-9_-]{43,}$/);
    assert.ok(Buffer.from(secret, 'base64url').length >= 32, 'at least 32 random octets');
    const ok = await postForm(
      spare.url,
      '/introspect',
      { token: 'x' },
      { authorization: basic(PRINTER.clientId, secret) },
    );
    assert.equal(ok.status, 200, ok.body);
    const old = await postForm(spare.url, '/introspect', { token: 'x' }, { authorization: PRINTER_AUTH });
    assert.equal(old.status, 401, 'the secret of the main stack does not open the spare server');
  });
});
