import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createBackChannel, describeNetworkError } from './http.js';
import { DiscoveryError, endpointFrom, fetchAuthorizationServerMetadata, rememberSuccess } from './discovery.js';
import { internalEndpoint, toInternalUrl } from './urls.js';

const auth = { publicUrl: 'http://localhost:9000', internalUrl: 'http://auth:9000' };

describe('toInternalUrl: public URLs in metadata, internal URLs to connect to', () => {
  it('rewrites a URL under the public base to the internal base', () => {
    assert.equal(
      toInternalUrl('http://localhost:9000/.well-known/jwks.json', auth),
      'http://auth:9000/.well-known/jwks.json',
    );
    assert.equal(toInternalUrl('http://localhost:9000', auth), 'http://auth:9000');
    assert.equal(toInternalUrl('http://auth:9000/token', auth), 'http://auth:9000/token', 'already internal');
  });
  it('compares whole path segments, and answers null for any other host', () => {
    assert.equal(toInternalUrl('http://localhost:90001/jwks', auth), null);
    assert.equal(toInternalUrl('http://localhost:9000.evil.test/jwks', auth), null);
    assert.equal(toInternalUrl('https://keys.example/jwks', auth), null);
  });
  it('internalEndpoint keeps an endpoint of the verified issuer on another host as given', () => {
    assert.equal(internalEndpoint('https://keys.example/jwks', auth), 'https://keys.example/jwks');
    assert.equal(internalEndpoint('http://localhost:9000/token', auth), 'http://auth:9000/token');
  });
});

describe('describeNetworkError', () => {
  it('words axios and fetch failures alike', () => {
    const refused = Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    assert.equal(describeNetworkError(refused), 'nothing is listening there (connection refused)');
    assert.equal(
      describeNetworkError(Object.assign(new Error('x'), { code: 'ENOTFOUND' })),
      'the host name does not resolve',
    );
    assert.equal(
      describeNetworkError(Object.assign(new Error('x'), { name: 'TimeoutError' })),
      'it did not answer in time',
    );
    assert.equal(describeNetworkError('?'), 'the connection failed');
  });
});

describe('fetchAuthorizationServerMetadata (RFC 8414 §3)', () => {
  let server: Server;
  let base: string;
  let answer: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  const channel = createBackChannel({ timeoutMs: 2000, userAgent: 'back-channel-test/1.0' });
  const seen: { url?: string; userAgent?: string }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', userAgent: req.headers['user-agent'] ?? '' });
      answer(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    channel.close();
    server.closeAllConnections();
    server.close();
  });

  const json =
    (body: unknown, status = 200) =>
    (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
  const as = () => ({ issuer: 'http://localhost:9000', publicUrl: 'http://localhost:9000', internalUrl: base });

  it('fetches the well-known document at the internal base and returns it when the issuer matches', async () => {
    answer = json({
      issuer: 'http://localhost:9000',
      jwks_uri: 'http://localhost:9000/.well-known/jwks.json',
      token_endpoint: 'https://other.example/token',
    });
    const metadata = await fetchAuthorizationServerMetadata(channel.http, as());
    assert.equal(seen.at(-1)?.url, '/.well-known/oauth-authorization-server');
    assert.equal(seen.at(-1)?.userAgent, 'back-channel-test/1.0');
    assert.equal(endpointFrom(metadata, 'jwks_uri', as()).href, `${base}/.well-known/jwks.json`);
    assert.equal(endpointFrom(metadata, 'token_endpoint', as()).href, 'https://other.example/token');
    assert.throws(
      () => endpointFrom(metadata, 'introspection_endpoint', as()),
      (e: unknown) => e instanceof DiscoveryError && e.kind === 'invalid',
    );
  });

  it('refuses metadata naming another issuer (§3.3)', async () => {
    answer = json({ issuer: 'http://evil.test' });
    await assert.rejects(
      fetchAuthorizationServerMetadata(channel.http, as()),
      (e: unknown) => e instanceof DiscoveryError && e.kind === 'invalid' && /RFC 8414 §3\.3/.test(e.message),
    );
  });

  it('says why when the answer is not usable: a status, not an object, a redirect (never followed)', async () => {
    answer = json({ error: 'x' }, 500);
    await assert.rejects(
      fetchAuthorizationServerMetadata(channel.http, as()),
      (e: unknown) => e instanceof DiscoveryError && e.kind === 'unreachable' && /HTTP 500/.test(e.message),
    );
    answer = json(['not', 'an', 'object']);
    await assert.rejects(
      fetchAuthorizationServerMetadata(channel.http, as()),
      (e: unknown) => e instanceof DiscoveryError && e.kind === 'invalid',
    );
    const before = seen.length;
    answer = (_req, res) => res.writeHead(302, { location: `${base}/elsewhere` }).end();
    await assert.rejects(
      fetchAuthorizationServerMetadata(channel.http, as()),
      (e: unknown) => e instanceof DiscoveryError && /HTTP 302/.test(e.message),
    );
    assert.equal(seen.length, before + 1, 'the redirect was not followed');
  });

  it('words a peer that does not answer in time', async () => {
    const slow = createBackChannel({ timeoutMs: 200, userAgent: 't' });
    answer = () => {}; // never answers
    try {
      await assert.rejects(
        fetchAuthorizationServerMetadata(slow.http, as()),
        (e: unknown) =>
          e instanceof DiscoveryError && e.kind === 'unreachable' && /did not answer in time/.test(e.message),
      );
    } finally {
      slow.close();
    }
  });

  it('words a closed port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(
      fetchAuthorizationServerMetadata(channel.http, { ...as(), internalUrl: `http://127.0.0.1:${port}` }),
      (e: unknown) => e instanceof DiscoveryError && e.kind === 'unreachable' && /connection refused/.test(e.message),
    );
  });
});

describe('rememberSuccess', () => {
  it('keeps a success, forgets a failure, shares one attempt', async () => {
    let calls = 0;
    let fail = true;
    const load = rememberSuccess(async () => {
      calls++;
      if (fail) throw new Error('not yet');
      return calls;
    });
    await assert.rejects(load());
    fail = false;
    const [a, b] = await Promise.all([load(), load()]);
    assert.equal(a, 2);
    assert.equal(b, 2);
    assert.equal(await load(), 2);
    assert.equal(calls, 2);
  });
});

/**
 * A peer that never answers costs a learner at most one timeout, even for calls queued behind other slow calls
 * (the agent keeps at most 16 connections per peer). Found while chasing timeouts under 200 learners in bench/
 * (benchmark 3). Compared by the order of events, not with the clock: a busy machine delays every timer alike,
 * but timers of the same duration fire in the order they were set.
 */
describe('Back channel deadline', () => {
  it('20 calls to a silent peer all fail "in time", the 4 queued ones before a call started when the first failed', async () => {
    const sockets: import('node:net').Socket[] = [];
    const { createServer: createTcpServer } = await import('node:net');
    // Accepts connections and reads requests, never answers.
    const silent = createTcpServer((socket) => {
      sockets.push(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/token`;
    const timeoutMs = 1000;
    const backChannel = createBackChannel({ timeoutMs, userAgent: 't' });
    // The sentinel: one call on a channel of its own (never queued), with the same timeout, made as soon as the
    // first of the 20 fails. Had the queued calls' deadline started only when they got a socket (after the first
    // 16 failed), their timers would have been set after the sentinel's, and would fire after it.
    const sentinelChannel = createBackChannel({ timeoutMs, userAgent: 't' });
    const events: string[] = [];
    let sentinel: Promise<void> | undefined;
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          backChannel.http.get(url).then(
            () => 'answered',
            (error: unknown) => {
              events.push(i < 16 ? 'first 16' : 'queued');
              sentinel ??= sentinelChannel.http.get(url).then(
                () => void events.push('sentinel answered'),
                () => void events.push('sentinel'),
              );
              return describeNetworkError(error);
            },
          ),
        ),
      );
      await sentinel;
      assert.deepEqual(new Set(outcomes), new Set(['it did not answer in time']));
      assert.equal(events.filter((e) => e === 'queued').length, 4);
      assert.equal(events.at(-1), 'sentinel', `every call failed before the sentinel: ${events.join(', ')}`);
    } finally {
      backChannel.close();
      sentinelChannel.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
