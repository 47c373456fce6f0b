/**
 * Test harness: the printer on a free port with a temporary DATA_DIR, plus a stub auth server and a stub Drive
 * made with node:http. The stubs advertise PUBLIC URLs under `.test` host names that do not resolve (RFC 6761),
 * so every back-channel call only works if the printer rewrites public URLs to the internal ones, as it must in
 * docker-compose.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen } from '@oauth-demo/web';
import { createApp, type PrinterApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

export const CLIENT_ID = 'photo-printer';
export const CLIENT_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
export const PRINTER_PUBLIC_URL = 'http://localhost:3999';
export const REDIRECT_URI = `${PRINTER_PUBLIC_URL}/callback`;
/** TRACE_SECRET: the printer proves its traced calls with it (issue 12 item 5). */
export const TEST_TRACE_SECRET = 'trace-secret-for-tests-0123456789-abcdefghijklmnopq';
export const PRINT_LAB_SECRET = 'print-lab-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

interface StubServer {
  port: number;
  internalUrl: string;
  close(): Promise<void>;
}

async function startStub(
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<StubServer> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    internalUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A token shaped like a JWT (unsigned: the printer only decodes it for display; the stub Drive does not verify). */
function fakeJwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ typ: 'at+jwt', alg: 'ES256' })}.${part({ ...claims, jti: randomBytes(8).toString('hex') })}.c2ln`;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  form: URLSearchParams;
}

/** Tokens the stub auth server issued and the stub Drive accepts. */
export class TokenRegistry {
  readonly valid = new Set<string>();
  readonly refresh = new Map<string, 'live' | 'rotated'>();
  /** The scope each access token was issued with (the stub Drive checks it). */
  readonly scopes = new Map<string, string>();
  /** The subject of each access token: a user, or the client itself (client credentials). */
  readonly subjects = new Map<string, string>();
  revokeAll(): void {
    this.valid.clear();
  }
}

export interface StubAuth extends StubServer {
  publicUrl: string;
  tokenRequests: RecordedRequest[];
  revocations: RecordedRequest[];
  /** Metadata overrides (e.g. a wrong issuer). */
  metadata: Record<string, unknown>;
  /** Next token responses: scope granted, expires_in, an error to answer with. */
  grantScope: string;
  expiresIn: number;
  tokenError: string | undefined;
  /** How many of the next token requests are answered 503 with Retry-After: 1, unread (an overloaded auth server). */
  tokenBusy: number;
  /** RFC 8628: what the device authorization endpoint answers (overrides), and the queue of poll answers. */
  deviceAuthorization: Record<string, unknown>;
  /** When set, the device authorization endpoint refuses with this RFC 6749 §5.2 error instead. */
  deviceAuthorizationError: { status: number; error: string } | undefined;
  deviceAuthorizationRequests: RecordedRequest[];
  /** Each poll takes the next answer; an empty queue answers authorization_pending. `tokens` issues a token. */
  devicePolls: ('tokens' | { status: number; error: string })[];
  introspections: RecordedRequest[];
  /** Extra routes a test adds (e.g. /_demo/recordings, a JWKS): return true when handled. */
  extra: ExtraRoute | undefined;
  /** When set, the access tokens of the user grants are (unsigned) JWTs with this `sub` (the exercises read it). */
  accessTokenSubject: string | undefined;
}

export type ExtraRoute = (req: IncomingMessage, url: URL, body: string, res: ServerResponse) => boolean;

export const DEVICE_CODE = 'device-code-0123456789';
/** What the stub auth server grants until a test says otherwise. */
const DEFAULT_GRANT_SCOPE = 'photos.read offline_access';
const DEFAULT_EXPIRES_IN = 600;
export const USER_CODE = 'WDJB-MJHT';

export async function startStubAuth(tokens: TokenRegistry): Promise<StubAuth> {
  const stub = {
    tokenRequests: [] as RecordedRequest[],
    revocations: [] as RecordedRequest[],
    metadata: {} as Record<string, unknown>,
    grantScope: DEFAULT_GRANT_SCOPE,
    expiresIn: DEFAULT_EXPIRES_IN,
    tokenError: undefined as string | undefined,
    tokenBusy: 0,
    deviceAuthorization: {} as Record<string, unknown>,
    deviceAuthorizationError: undefined as { status: number; error: string } | undefined,
    deviceAuthorizationRequests: [] as RecordedRequest[],
    devicePolls: [] as ('tokens' | { status: number; error: string })[],
    introspections: [] as RecordedRequest[],
    extra: undefined as ExtraRoute | undefined,
    accessTokenSubject: undefined as string | undefined,
  };
  const issue = (
    res: ServerResponse,
    options: { scope?: string; subject?: string; refresh?: boolean; jwt?: Record<string, unknown> } = {},
  ) => {
    const scope = options.scope ?? stub.grantScope;
    const now = Math.floor(Date.now() / 1000);
    const asJwt =
      options.jwt ??
      (stub.accessTokenSubject
        ? { sub: stub.accessTokenSubject, client_id: 'photo-printer', scope, iat: now, exp: now + stub.expiresIn }
        : undefined);
    const access_token = asJwt ? fakeJwt(asJwt) : `at-${randomBytes(16).toString('base64url')}`;
    tokens.valid.add(access_token);
    tokens.scopes.set(access_token, scope);
    tokens.subjects.set(access_token, options.subject ?? 'alice');
    const body: Record<string, unknown> = { access_token, token_type: 'Bearer', expires_in: stub.expiresIn, scope };
    if (options.refresh !== false && scope.split(' ').includes('offline_access')) {
      const refresh_token = `rt-${randomBytes(16).toString('base64url')}`;
      tokens.refresh.set(refresh_token, 'live');
      body.refresh_token = refresh_token;
    }
    json(res, 200, body, { 'Cache-Control': 'no-store' });
  };
  let publicUrl = '';
  const server = await startStub((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const record = (): RecordedRequest => ({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      form: new URLSearchParams(body),
    });
    if (stub.extra?.(req, url, body, res)) return;
    if (req.method === 'GET' && url.pathname === '/.well-known/oauth-authorization-server') {
      json(res, 200, {
        issuer: publicUrl,
        authorization_endpoint: `${publicUrl}/authorize`,
        token_endpoint: `${publicUrl}/token`,
        revocation_endpoint: `${publicUrl}/revoke`,
        introspection_endpoint: `${publicUrl}/introspect`,
        device_authorization_endpoint: `${publicUrl}/device_authorization`,
        scopes_supported: ['photos.read', 'offline_access', 'gallery.read'],
        response_types_supported: ['code', 'token'],
        grant_types_supported: [
          'authorization_code',
          'refresh_token',
          'client_credentials',
          'password',
          'urn:ietf:params:oauth:grant-type:device_code',
        ],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        ...stub.metadata,
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const recorded = record();
      stub.tokenRequests.push(recorded);
      if (stub.tokenBusy > 0) {
        stub.tokenBusy--;
        res.setHeader('Retry-After', '1');
        json(res, 503, { error: 'temporarily_unavailable', error_description: 'The stub is busy.' });
        return;
      }
      if (stub.tokenError) {
        json(res, 400, { error: stub.tokenError, error_description: 'The stub was told to refuse.' });
        return;
      }
      const grant = recorded.form.get('grant_type');
      if (grant === 'authorization_code') {
        issue(res);
        return;
      }
      if (grant === 'client_credentials') {
        const form = recorded.form;
        if (
          form.get('client_id') !== 'print-lab' ||
          form.get('client_secret') !== PRINT_LAB_SECRET ||
          recorded.headers.authorization
        ) {
          json(res, 401, { error: 'invalid_client', error_description: 'client_secret_post expected.' });
          return;
        }
        const scope = form.get('scope') ?? 'gallery.read';
        const now = Math.floor(Date.now() / 1000);
        issue(res, {
          scope,
          subject: 'print-lab',
          refresh: false,
          jwt: {
            iss: publicUrl,
            sub: 'print-lab',
            client_id: 'print-lab',
            scope,
            aud: 'drive',
            iat: now,
            exp: now + stub.expiresIn,
          },
        });
        return;
      }
      if (grant === 'urn:ietf:params:oauth:grant-type:device_code') {
        if (recorded.form.get('device_code') !== DEVICE_CODE || recorded.form.get('client_id') !== 'photo-kiosk') {
          json(res, 400, { error: 'invalid_grant' });
          return;
        }
        const next = stub.devicePolls.shift() ?? { status: 400, error: 'authorization_pending' };
        if (next === 'tokens') {
          const now = Math.floor(Date.now() / 1000);
          const jwt = stub.accessTokenSubject
            ? { sub: stub.accessTokenSubject, client_id: 'photo-kiosk', scope: 'photos.read', iat: now, exp: now + 600 }
            : undefined;
          issue(res, { scope: 'photos.read', refresh: false, jwt });
        } else json(res, next.status, { error: next.error }, { 'Cache-Control': 'no-store' });
        return;
      }
      if (grant === 'refresh_token') {
        const rt = recorded.form.get('refresh_token') ?? '';
        if (tokens.refresh.get(rt) !== 'live') {
          json(res, 400, { error: 'invalid_grant', error_description: 'Refresh token reused or unknown.' });
          return;
        }
        tokens.refresh.set(rt, 'rotated');
        issue(res);
        return;
      }
      json(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/device_authorization') {
      stub.deviceAuthorizationRequests.push(record());
      if (stub.deviceAuthorizationError) {
        const { status, error } = stub.deviceAuthorizationError;
        json(res, status, { error, error_description: 'The stub was told to refuse.' });
        return;
      }
      json(res, 200, {
        device_code: DEVICE_CODE,
        user_code: USER_CODE,
        verification_uri: `${publicUrl}/device`,
        verification_uri_complete: `${publicUrl}/device?user_code=${USER_CODE}`,
        expires_in: 600,
        interval: 0,
        ...stub.deviceAuthorization,
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/introspect') {
      const recorded = record();
      stub.introspections.push(recorded);
      const token = recorded.form.get('token') ?? '';
      const state = tokens.refresh.get(token);
      json(res, 200, state === 'live' ? { active: true, token_type: 'refresh_token' } : { active: false });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/revoke') {
      stub.revocations.push(record());
      res.writeHead(200).end();
      return;
    }
    json(res, 404, { error: 'not_found' });
  });
  publicUrl = `http://auth.test:${server.port}`;
  return Object.assign(stub, server, { publicUrl });
}

export interface StubPhoto {
  id: string;
  title: string;
}

export const PHOTOS: StubPhoto[] = [
  { id: 'p-lake', title: 'Lake at dawn' },
  { id: 'p-fox', title: 'A fox in the snow' },
  { id: 'p-city', title: 'City lights' },
];

export function svgFor(id: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><title>${id}</title><rect width="300" height="200" fill="#4a8"/></svg>`;
}

export const GALLERY: StubPhoto[] = [
  { id: 'g-colour-chart', title: 'Colour chart' },
  { id: 'g-skin-tones', title: 'Skin tones test print' },
];

export interface StubDrive extends StubServer {
  publicUrl: string;
  requests: RecordedRequest[];
  /** Answer /api/gallery with 404, as a Drive without the gallery would. */
  galleryMissing: boolean;
  extra: ExtraRoute | undefined;
}

export async function startStubDrive(tokens: TokenRegistry): Promise<StubDrive> {
  const requests: RecordedRequest[] = [];
  const stub = { galleryMissing: false, extra: undefined as ExtraRoute | undefined };
  let publicUrl = '';
  const server = await startStub((req, _body, res) => {
    if (stub.extra?.(req, new URL(req.url ?? '/', 'http://stub'), _body, res)) return;
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, form: new URLSearchParams() });
    const auth = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    if (!token || !tokens.valid.has(token)) {
      res
        .writeHead(401, {
          'WWW-Authenticate':
            'Bearer realm="drive", error="invalid_token", error_description="The access token expired"',
        })
        .end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    const scope = (tokens.scopes.get(token) ?? 'photos.read').split(' ');
    const needs = path.startsWith('/api/gallery') ? 'gallery.read' : 'photos.read';
    if (!scope.includes(needs)) {
      res
        .writeHead(403, {
          'Content-Type': 'application/json',
          'WWW-Authenticate': `Bearer realm="drive", error="insufficient_scope", scope="${needs}"`,
        })
        .end(JSON.stringify({ error: 'insufficient_scope' }));
      return;
    }
    if (path === '/api/gallery') {
      if (stub.galleryMissing) {
        json(res, 404, { error: 'not_found' });
        return;
      }
      json(res, 200, {
        photos: GALLERY.map((g) => ({
          ...g,
          content_type: 'image/svg+xml',
          content_url: `${publicUrl}/api/gallery/${g.id}/content`,
        })),
      });
      return;
    }
    const galleryContent = /^\/api\/gallery\/([^/]+)\/content$/.exec(path);
    if (galleryContent) {
      res.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end(svgFor(galleryContent[1] ?? ''));
      return;
    }
    const meta = (p: StubPhoto) => ({
      ...p,
      taken_on: '2026-05-01',
      width: 300,
      height: 200,
      content_type: 'image/svg+xml',
      href: `${publicUrl}/api/photos/${p.id}`,
      content_url: `${publicUrl}/api/photos/${p.id}/content`,
    });
    if (path === '/api/photos') {
      json(res, 200, { owner: 'alice', photos: PHOTOS.map(meta) });
      return;
    }
    const m = /^\/api\/photos\/([^/]+)(\/content)?$/.exec(path);
    const photo = PHOTOS.find((p) => p.id === m?.[1]);
    if (!m || !photo) {
      json(res, 404, { error: 'not_found' });
      return;
    }
    if (m[2]) {
      res.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end(svgFor(photo.id));
      return;
    }
    json(res, 200, meta(photo));
  });
  publicUrl = `http://drive.test:${server.port}`;
  return Object.assign(stub, server, { publicUrl, requests });
}

export interface RunningPrinter {
  base: string;
  printer: PrinterApp;
  close(): Promise<void>;
}

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'printer-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function printerEnv(
  dataDir: string,
  auth: { publicUrl: string; internalUrl: string },
  drive: { publicUrl: string; internalUrl: string },
): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    PRINTER_PUBLIC_URL: PRINTER_PUBLIC_URL,
    AUTH_PUBLIC_URL: auth.publicUrl,
    AUTH_INTERNAL_URL: auth.internalUrl,
    DRIVE_PUBLIC_URL: drive.publicUrl,
    DRIVE_INTERNAL_URL: drive.internalUrl,
    PRINTER_CLIENT_ID: CLIENT_ID,
    PRINTER_CLIENT_SECRET: CLIENT_SECRET,
    PRINT_LAB_CLIENT_SECRET: PRINT_LAB_SECRET,
    TRACE_SECRET: TEST_TRACE_SECRET,
  };
}

export async function startPrinter(env: Record<string, string>): Promise<RunningPrinter> {
  const printer = createApp(loadConfig(env));
  const started = await listen(printer.app, 0, '127.0.0.1');
  return {
    base: `http://127.0.0.1:${started.port}`,
    printer,
    async close() {
      await started.close();
      await printer.close();
    },
  };
}

export interface StubStackOptions {
  /** Printer environment on top of printerEnv() (e.g. INSTRUCTOR_KEY, another PRINTER_PUBLIC_URL). */
  env?: Record<string, string>;
  /** Stub behaviour that must be in place before the printer starts: metadata overrides, extra routes. */
  configureStubs?: (stubs: { tokens: TokenRegistry; auth: StubAuth; drive: StubDrive }) => void | Promise<void>;
}

/** A printer under test with its own temporary DATA_DIR, wired to a stub auth server and a stub Drive. */
export interface StubStack {
  tokens: TokenRegistry;
  auth: StubAuth;
  drive: StubDrive;
  /** The printer under test; restartPrinter() replaces it. */
  printer: RunningPrinter;
  dataDir: string;
  /** Put the stubs' per-test knobs back to their defaults and forget what they recorded (metadata and extra routes stay). */
  reset(): void;
  /** Stop the printer and start it again on the same DATA_DIR and environment. */
  restartPrinter(): Promise<RunningPrinter>;
  /** A second printer against the same stubs, with a DATA_DIR of its own that its close() removes. */
  startAnotherPrinter(env?: Record<string, string>): Promise<RunningPrinter>;
  /** Stop the printer and both stubs, and remove the DATA_DIR. */
  stop(): Promise<void>;
}

export async function startStubStack(options: StubStackOptions = {}): Promise<StubStack> {
  const tokens = new TokenRegistry();
  const auth = await startStubAuth(tokens);
  const drive = await startStubDrive(tokens);
  const data = tempDataDir();
  const stopStubs = async () => {
    await auth.close();
    await drive.close();
    data.remove();
  };
  const env = { ...printerEnv(data.dir, auth, drive), ...options.env };
  let printer: RunningPrinter;
  try {
    await options.configureStubs?.({ tokens, auth, drive });
    printer = await startPrinter(env);
  } catch (error) {
    await stopStubs();
    throw error;
  }
  const stack: StubStack = {
    tokens,
    auth,
    drive,
    printer,
    dataDir: data.dir,
    reset() {
      auth.tokenRequests.length = 0;
      auth.revocations.length = 0;
      auth.introspections.length = 0;
      auth.deviceAuthorizationRequests.length = 0;
      auth.tokenError = undefined;
      auth.tokenBusy = 0;
      auth.grantScope = DEFAULT_GRANT_SCOPE;
      auth.expiresIn = DEFAULT_EXPIRES_IN;
      auth.deviceAuthorization = {};
      auth.deviceAuthorizationError = undefined;
      auth.accessTokenSubject = undefined;
      auth.devicePolls = [];
      drive.requests.length = 0;
      drive.galleryMissing = false;
    },
    async restartPrinter() {
      await stack.printer.close();
      stack.printer = await startPrinter(env);
      return stack.printer;
    },
    async startAnotherPrinter(extraEnv = {}) {
      const otherData = tempDataDir();
      let other: RunningPrinter;
      try {
        other = await startPrinter({ ...printerEnv(otherData.dir, auth, drive), ...options.env, ...extraEnv });
      } catch (error) {
        otherData.remove();
        throw error;
      }
      return {
        ...other,
        async close() {
          await other.close();
          otherData.remove();
        },
      };
    },
    async stop() {
      await stack.printer.close();
      await stopStubs();
    },
  };
  return stack;
}

export interface Page {
  status: number;
  headers: Headers;
  /**
   * The page as sent, with its glossary term links unwrapped to their words (the pass of @oauth-demo/teaching's
   * glossary_marks.ts links the first occurrence of each term on every page): what the page says, for assertions
   * about wording. `html` is the page exactly as sent.
   */
  text: string;
  html: string;
  location: string | null;
}

/** A page's words without the glossary's term links around them, emphasis inside one kept (see Page.text). */
export function withoutTermLinks(html: string): string {
  return html.replace(/<a class="term" href="[^"]*" title="[^"]*">([\s\S]*?)<\/a>/g, '$1');
}

/** A browser: one cookie jar, no automatic redirects (tests look at each hop). */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(public base: string) {}

  async get(path: string): Promise<Page> {
    return this.request('GET', path);
  }

  async post(path: string, form: Record<string, string | string[]>): Promise<Page> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return this.request('POST', path, body.toString());
  }

  async request(method: string, path: string, body?: string): Promise<Page> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const html = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text: withoutTermLinks(html),
      html,
      location: response.headers.get('location'),
    };
  }

  /** The CSRF token of the first form on a page. */
  static csrf(page: Page): string {
    const match = /name="csrf" value="([^"]+)"/.exec(page.text);
    if (!match?.[1]) throw new Error(`no csrf field in:\n${page.text.slice(0, 500)}`);
    return match[1];
  }
}

/** Steps 1-2: open the home page and press "Import photos from Drive"; returns the authorization request URL. */
export async function startFlow(browser: Browser): Promise<URL> {
  const home = await browser.get('/');
  const page = await browser.post('/import', { csrf: Browser.csrf(home) });
  if (page.status !== 303 || !page.location)
    throw new Error(`POST /import answered ${page.status}: ${page.text.slice(0, 300)}`);
  return new URL(page.location);
}

/** Steps 1-6: a whole successful flow; the browser ends connected. */
export async function connect(browser: Browser, issuer: string): Promise<Page> {
  const request = await startFlow(browser);
  const state = request.searchParams.get('state') ?? '';
  const callback = await browser.get(`/callback?${new URLSearchParams({ code: 'code-1', state, iss: issuer })}`);
  if (callback.status !== 303) throw new Error(`callback answered ${callback.status}: ${callback.text.slice(0, 500)}`);
  return callback;
}

/** The step bars of a page (packages/teaching/views/partials/steps.ejs): each one's grant, steps, lit and refused steps. */
export function stepBars(html: string): { grant: string; steps: number[]; active: number[]; refused: number[] }[] {
  return [...html.matchAll(/<nav class="steps"[^>]*data-grant="([a-z_]+)">([\s\S]*?)<\/nav>/g)].map((m) => {
    const pills = [...(m[2] ?? '').matchAll(/<li class="([^"]*)" data-step="(\d)"/g)].map((p) => ({
      cls: p[1] ?? '',
      n: Number(p[2]),
    }));
    return {
      grant: m[1] ?? '',
      steps: pills.map((p) => p.n),
      active: pills.filter((p) => /\bon\b/.test(p.cls)).map((p) => p.n),
      refused: pills.filter((p) => /\brefused\b/.test(p.cls)).map((p) => p.n),
    };
  });
}
