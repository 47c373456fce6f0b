/**
 * Test helpers: a drive on a free port with a throw-away DATA_DIR, and a stand-in authorization server key
 * that issues RFC 9068 access tokens the way the real auth server does.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { generateSigningKey, importSigningKey, issueAccessToken, type SigningKey } from '@oauth-demo/tokens';
import { type Env, listen } from '@oauth-demo/web';
import { createApp, type DriveDeps } from '../src/app.js';
import { type DriveConfig, loadConfig } from '../src/config.js';

/** The auth server's public URL (the issuer) in these tests. Never connected to unless a test says so. */
export const ISSUER = 'http://auth.test:9000';
/** The drive's public URL: the resource identifier, the `aud` of its tokens. */
export const DRIVE_URL = 'http://drive.test:9001';
export const PRINTER_URL = 'http://printer.test:3000';
/**
 * The secret of Drive's own web app (client `drive-web`), as both services read it (≥ 43 characters). Always
 * given, so that no test reads or creates the shared secrets folder at the repository root.
 */
/** TRACE_SECRET, shared with the printer: a traceparent counts only with its proof (issue 12 item 5). */
export const TEST_TRACE_SECRET = 'trace-secret-for-tests-0123456789-abcdefghijklmnopq';
export const DRIVE_WEB_SECRET = 'drive-web-secret-for-drive-tests-0123456789-abcdefg';

export interface TokenOptions {
  sub?: string;
  scope?: string;
  aud?: string;
  iss?: string;
  clientId?: string;
  expiresIn?: number;
  /** Issue time, unix seconds. */
  now?: number;
}

export interface Authority {
  key: SigningKey;
  jwks: JSONWebKeySet;
  /** What the drive trusts: `deps.keys`. */
  keys: JWTVerifyGetKey;
  token(options?: TokenOptions): Promise<string>;
}

/** A signing key and a token factory: the part of the auth server the drive depends on. */
export async function makeAuthority(): Promise<Authority> {
  const { privateJwk } = await generateSigningKey();
  const key = await importSigningKey(privateJwk);
  const jwks: JSONWebKeySet = { keys: [key.publicJwk] };
  return {
    key,
    jwks,
    keys: createLocalJWKSet(jwks),
    token: (options = {}) => tokenFrom(key, options),
  };
}

export async function tokenFrom(key: SigningKey, options: TokenOptions = {}): Promise<string> {
  const { token } = await issueAccessToken(key, {
    issuer: options.iss ?? ISSUER,
    subject: options.sub ?? 'alice',
    audience: options.aud ?? DRIVE_URL,
    clientId: options.clientId ?? 'photo-printer',
    scope: options.scope ?? 'photos.read',
    expiresIn: options.expiresIn ?? 300,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return token;
}

export interface RunningDrive {
  /** Where the test connects (the internal address). */
  url: string;
  config: DriveConfig;
  dataDir: string;
  logs: string[];
  /** What server.ts calls once listening: fetch the auth server's keys now and keep them fresh. */
  keepTokenValidationReady(): void;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function startDrive(
  options: { env?: Env; deps?: DriveDeps; dataDir?: string } = {},
): Promise<RunningDrive> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'drive-test-')));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DRIVE_PUBLIC_URL: DRIVE_URL,
    AUTH_PUBLIC_URL: ISSUER,
    PRINTER_PUBLIC_URL: PRINTER_URL,
    DRIVE_WEB_CLIENT_SECRET: DRIVE_WEB_SECRET,
    TRACE_SECRET: TEST_TRACE_SECRET,
    ...options.env,
  });
  const logs: string[] = [];
  const drive = await createApp(config, { log: (message) => logs.push(message), ...options.deps });
  const started = await listen(drive.app, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${started.port}`,
    config,
    dataDir,
    logs,
    keepTokenValidationReady: drive.keepTokenValidationReady,
    async stop({ keepData = false } = {}) {
      await started.close();
      drive.close();
      if (!keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The usual setup of a drive test: a fresh stand-in authority (its key and token factory) and a drive that trusts
 * exactly its keys (`deps.keys`, no discovery).
 */
export async function startTrustingDrive(
  options: { env?: Env; deps?: DriveDeps } = {},
): Promise<{ authority: Authority; drive: RunningDrive }> {
  const authority = await makeAuthority();
  const drive = await startDrive({ ...options, deps: { ...options.deps, keys: authority.keys } });
  return { authority, drive };
}

/** GET with an optional bearer token. */
export function get(url: string, token?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { headers: token === undefined ? headers : { ...headers, authorization: `Bearer ${token}` } });
}

export interface PhotoListing {
  owner: string | null;
  photos: {
    id: string;
    title: string;
    taken_on: string;
    width: number;
    height: number;
    content_type: string;
    href: string;
    content_url: string;
  }[];
}

/**
 * Send bytes that fetch() would refuse to send (control characters, non-ASCII, duplicated headers) and
 * return the status code of the answer.
 */
export function rawRequestStatus(baseUrl: string, requestHead: string): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    // The request asks for `Connection: close`, so the server closes the socket after its answer.
    const socket = connect(Number(port), hostname, () => socket.write(Buffer.from(requestHead, 'latin1')));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      if (status) resolve(Number(status));
      else reject(new Error(`no HTTP answer: ${JSON.stringify(answer.slice(0, 80))}`));
    });
  });
}

/** Tags open and close in order; attribute values hold no markup. Enough to catch a broken generator. */
export function assertWellFormed(svg: string, name: string): void {
  const stack: string[] = [];
  for (const [, closing, tag, selfClosing] of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    if (!tag) continue;
    if (closing) assert.equal(stack.pop(), tag, `${name}: </${tag}> closes the wrong element`);
    else if (!selfClosing) stack.push(tag);
  }
  assert.deepEqual(stack, [], `${name}: unclosed elements`);
}
