/**
 * Finding the auth server's keys: RFC 8414 metadata → jwks_uri → JWKS, over the back channel. A tiny
 * stand-in auth server (node:http) plays the docker-compose situation: it publishes PUBLIC URLs that the
 * drive cannot connect to, and is reached at another, internal URL.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { before, describe, it } from 'node:test';
import type { JSONWebKeySet } from 'jose';
import { type Authority, get, ISSUER, makeAuthority, startDrive } from './helpers.js';

interface FakeAuthServer {
  url: string;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

/** Serves metadata naming `issuer` (a URL it is NOT reachable at) and the JWKS under that issuer. */
function startFakeAuthServer(options: {
  issuer: string;
  jwks: JSONWebKeySet;
  port?: number;
  jwksStatus?: number;
}): Promise<FakeAuthServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/.well-known/oauth-authorization-server') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          issuer: options.issuer,
          jwks_uri: `${options.issuer}/.well-known/jwks.json`,
          token_endpoint: `${options.issuer}/token`,
        }),
      );
    } else if (req.url === '/.well-known/jwks.json') {
      res.statusCode = options.jwksStatus ?? 200;
      res.setHeader('content-type', 'application/json');
      res.end(res.statusCode === 200 ? JSON.stringify(options.jwks) : '{"error":"boom"}');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  return new Promise((resolve) => {
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** A port where nothing listens (asked from the OS, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Wait (up to 5 s) until `done()` is true. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Discovery of the auth server keys (RFC 8414)', () => {
  let authority: Authority;

  before(async () => {
    authority = await makeAuthority();
  });

  it('fetches the JWKS from the INTERNAL URL although the metadata names the public one', async () => {
    // The issuer `http://auth.test:9000` does not resolve: only the internal URL works, as in docker-compose.
    const auth = await startFakeAuthServer({ issuer: ISSUER, jwks: authority.jwks });
    const drive = await startDrive({ env: { AUTH_PUBLIC_URL: ISSUER, AUTH_INTERNAL_URL: auth.url } });
    try {
      const res = await get(`${drive.url}/api/photos`, await authority.token({ sub: 'alice' }));
      assert.equal(res.status, 200, JSON.stringify(drive.logs));
      assert.ok(((await res.json()) as { photos: unknown[] }).photos.length >= 8);
      assert.deepEqual(auth.requests, ['/.well-known/oauth-authorization-server', '/.well-known/jwks.json']);

      // Keys are cached: more requests, no more fetches.
      await get(`${drive.url}/api/photos`, await authority.token({ sub: 'bob' }));
      assert.equal(auth.requests.length, 2);
    } finally {
      await drive.stop();
      await auth.close();
    }
  });

  it('refuses access (503) when the metadata names another issuer (RFC 8414 §3.3)', async () => {
    const auth = await startFakeAuthServer({ issuer: 'http://impostor.test:9000', jwks: authority.jwks });
    const drive = await startDrive({ env: { AUTH_PUBLIC_URL: ISSUER, AUTH_INTERNAL_URL: auth.url } });
    try {
      const res = await get(`${drive.url}/api/photos`, await authority.token());
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { error: string }).error, 'temporarily_unavailable');
      assert.equal(res.headers.get('retry-after'), '5');
      assert.ok(!auth.requests.includes('/.well-known/jwks.json'), 'the keys of a mismatched issuer are never fetched');
      assert.ok(
        drive.logs.some((line) => line.includes('RFC 8414 §3.3')),
        JSON.stringify(drive.logs),
      );
    } finally {
      await drive.stop();
      await auth.close();
    }
  });

  it('refuses access (503, never 200) when the auth server is unreachable', async () => {
    const port = await freePort();
    const drive = await startDrive({ env: { AUTH_PUBLIC_URL: ISSUER, AUTH_INTERNAL_URL: `http://127.0.0.1:${port}` } });
    try {
      const res = await get(`${drive.url}/api/photos`, await authority.token());
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), {
        error: 'temporarily_unavailable',
        error_description: 'The authorization server keys could not be fetched; access is refused.',
      });
      // A malformed token is still the token's fault, whether or not the auth server is up.
      assert.equal((await get(`${drive.url}/api/photos`, 'not-a-jwt')).status, 401);
      // And no token is still a plain challenge.
      assert.equal((await get(`${drive.url}/api/photos`)).status, 401);
    } finally {
      await drive.stop();
    }
  });

  it('refuses access (503, not 401) when the JWKS endpoint fails', async () => {
    const auth = await startFakeAuthServer({ issuer: ISSUER, jwks: authority.jwks, jwksStatus: 500 });
    const drive = await startDrive({ env: { AUTH_PUBLIC_URL: ISSUER, AUTH_INTERNAL_URL: auth.url } });
    try {
      const res = await get(`${drive.url}/api/photos`, await authority.token());
      assert.equal(res.status, 503);
    } finally {
      await drive.stop();
      await auth.close();
    }
  });

  it('retries discovery after a failure: the auth server may start after the drive', async () => {
    const port = await freePort();
    const drive = await startDrive({ env: { AUTH_PUBLIC_URL: ISSUER, AUTH_INTERNAL_URL: `http://127.0.0.1:${port}` } });
    try {
      const token = await authority.token();
      assert.equal((await get(`${drive.url}/api/photos`, token)).status, 503);
      const auth = await startFakeAuthServer({ issuer: ISSUER, jwks: authority.jwks, port });
      try {
        assert.equal((await get(`${drive.url}/api/photos`, token)).status, 200);
      } finally {
        await auth.close();
      }
    } finally {
      await drive.stop();
    }
  });

  it('fetches the keys at start-up, before any request (keepTokenValidationReady, as server.ts does)', async () => {
    const auth = await startFakeAuthServer({ issuer: ISSUER, jwks: authority.jwks });
    const drive = await startDrive({ env: { AUTH_PUBLIC_URL: ISSUER, AUTH_INTERNAL_URL: auth.url } });
    try {
      drive.keepTokenValidationReady();
      await until(() => auth.requests.includes('/.well-known/jwks.json'), 'the drive fetched the JWKS');
      assert.deepEqual(auth.requests, ['/.well-known/oauth-authorization-server', '/.well-known/jwks.json']);
      // The auth server goes away: the first token is verified with the keys fetched at start-up.
      await auth.close();
      assert.equal((await get(`${drive.url}/api/photos`, await authority.token())).status, 200);
    } finally {
      await drive.stop();
      await auth.close();
    }
  });

  it('keeps retrying the start-up fetch until the auth server is up', async () => {
    const port = await freePort();
    const drive = await startDrive({ env: { AUTH_PUBLIC_URL: ISSUER, AUTH_INTERNAL_URL: `http://127.0.0.1:${port}` } });
    try {
      drive.keepTokenValidationReady();
      await new Promise((resolve) => setTimeout(resolve, 700)); // the first attempt and the first retry fail
      assert.deepEqual(
        drive.logs,
        [],
        'failures in the first seconds are expected (services start together), not reported',
      );
      const auth = await startFakeAuthServer({ issuer: ISSUER, jwks: authority.jwks, port });
      try {
        await until(() => auth.requests.includes('/.well-known/jwks.json'), 'a retry fetched the JWKS');
      } finally {
        await auth.close();
      }
      assert.equal((await get(`${drive.url}/api/photos`, await authority.token())).status, 200);
    } finally {
      await drive.stop();
    }
  });

  it('a token signed by a key the auth server does not publish is 401 invalid_token, not 503', async () => {
    const auth = await startFakeAuthServer({ issuer: ISSUER, jwks: authority.jwks });
    const drive = await startDrive({ env: { AUTH_PUBLIC_URL: ISSUER, AUTH_INTERNAL_URL: auth.url } });
    try {
      const stranger = await makeAuthority();
      const res = await get(`${drive.url}/api/photos`, await stranger.token());
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    } finally {
      await drive.stop();
      await auth.close();
    }
  });
});
