/**
 * Test helpers: run the real auth server app on a free port with a temporary data directory, and drive it
 * like a browser would (cookies kept, redirects not followed, so every hop can be checked).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBasicAuthorization, calculateCodeChallenge, generateCodeVerifier } from '@oauth-demo/tokens';
import { listen } from '@oauth-demo/web';
import { createApp, type AuthServerApp } from '../src/app.js';
import { loadConfig, type AuthConfig } from '../src/config.js';

export const PRINTER_SECRET = 'test-secret-0123456789-0123456789-0123456789-abcdef';
export const DRIVE_SECRET = 'drive-secret-0123456789-0123456789-0123456789-abcdef';
export const PRINT_LAB_SECRET = 'print-lab-secret-0123456789-0123456789-0123456789';
export const DRIVE_WEB_SECRET = 'drive-web-secret-0123456789-0123456789-0123456789';
/** TRACE_SECRET, shared with the printer: a traceparent counts only with its proof (issue 12 item 5). */
export const TEST_TRACE_SECRET = 'trace-secret-for-tests-0123456789-abcdefghijklmnopq';
export const PRINTER = { clientId: 'photo-printer', redirectUri: 'http://localhost:3000/callback' };
export const BROWSER_CLIENT = {
  clientId: 'photo-printer-browser',
  redirectUri: 'http://localhost:3000/quick-print/callback',
};

export interface TestServer {
  url: string;
  config: AuthConfig;
  app: AuthServerApp;
  dataDir: string;
  /** Stop the server (keep the data, to restart on it). */
  stop(): Promise<void>;
  /** Stop and delete the data. */
  destroy(): Promise<void>;
}

export async function startAuthServer(
  options: { dataDir?: string; env?: Record<string, string> } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'auth-test-'));
  const config = {
    ...loadConfig({
      DATA_DIR: dataDir,
      PRINTER_CLIENT_SECRET: PRINTER_SECRET,
      DRIVE_CLIENT_SECRET: DRIVE_SECRET,
      PRINT_LAB_CLIENT_SECRET: PRINT_LAB_SECRET,
      DRIVE_WEB_CLIENT_SECRET: DRIVE_WEB_SECRET,
      DEVICE_POLL_INTERVAL: '1',
      AUTH_PORT: '0',
      TRACE_SECRET: TEST_TRACE_SECRET,
      ...options.env,
    }),
  };
  const app = await createApp(config);
  const started = await listen(app.app, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${started.port}`;
  const stop = async () => {
    await started.close();
    app.close();
  };
  return {
    url,
    config,
    app,
    dataDir,
    stop,
    destroy: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A minimal browser: one cookie jar, manual redirects. */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(new URL(path, this.base), { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return res;
  }

  get(path: string) {
    return this.request(path);
  }

  post(path: string, form: Record<string, string | string[]>) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
    return this.request(path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
}

export function csrfFrom(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no csrf field in page');
  return match[1]!;
}

export interface AuthorizeParams {
  client_id?: string;
  redirect_uri?: string;
  response_type?: string;
  scope?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  /** OpenID Connect Core §3.1.2.1: none, login, consent, select_account (space-separated). */
  prompt?: string;
}

export function authorizePath(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) query.append(k, v);
  return `/authorize?${query}`;
}

export function validAuthorizeParams(
  overrides: AuthorizeParams = {},
  verifier = generateCodeVerifier(),
): Record<string, string | undefined> {
  return {
    response_type: 'code',
    client_id: PRINTER.clientId,
    redirect_uri: PRINTER.redirectUri,
    scope: 'photos.read offline_access',
    state: 'state-123',
    code_challenge: calculateCodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...overrides,
  };
}

/** Walk the whole front channel (steps 2-4) as alice and return the redirect back to the client. */
export async function authorize(
  server: TestServer,
  options: {
    params?: AuthorizeParams;
    user?: string;
    password?: string;
    decision?: 'allow' | 'deny';
    scopes?: string[];
    browser?: Browser;
    /** Keep the user's remembered consent (default: forget it first, as if they had removed the app). */
    keepConsent?: boolean;
  } = {},
): Promise<{ location: URL; verifier: string; browser: Browser }> {
  if (!options.keepConsent)
    forgetConsent(server, options.user ?? 'alice', options.params?.client_id ?? PRINTER.clientId);
  const verifier = generateCodeVerifier();
  const browser = options.browser ?? new Browser(server.url);
  const start = await browser.get(authorizePath(validAuthorizeParams(options.params, verifier)));
  if (start.status !== 303) throw new Error(`authorize answered ${start.status}: ${await start.text()}`);
  const interaction = start.headers.get('location')!;
  const first = await browser.get(interaction);
  if (first.status === 303) return { location: new URL(first.headers.get('location')!), verifier, browser };
  let page = await first.text();
  if (page.includes('name="password"')) {
    const login = await browser.post(`${interaction}/login`, {
      csrf: csrfFrom(page),
      username: options.user ?? 'alice',
      password: options.password ?? 'wonderland',
    });
    if (login.status !== 303) throw new Error(`login answered ${login.status}`);
    const afterLogin = await browser.get(interaction);
    if (afterLogin.status === 303) return { location: new URL(afterLogin.headers.get('location')!), verifier, browser };
    page = await afterLogin.text();
  }
  const consent = await browser.post(`${interaction}/consent`, {
    csrf: csrfFrom(page),
    decision: options.decision ?? 'allow',
    scope: options.scopes ?? ['offline_access'],
  });
  if (consent.status !== 303) throw new Error(`consent answered ${consent.status}: ${await consent.text()}`);
  return { location: new URL(consent.headers.get('location')!), verifier, browser };
}

export function tokenRequest(
  server: TestServer,
  form: Record<string, string>,
  init: { auth?: string | null; contentType?: string; body?: string } = {},
) {
  const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/x-www-form-urlencoded' };
  const auth = init.auth === undefined ? buildBasicAuthorization(PRINTER.clientId, PRINTER_SECRET) : init.auth;
  if (auth) headers.authorization = auth;
  return fetch(`${server.url}/token`, { method: 'POST', headers, body: init.body ?? new URLSearchParams(form) });
}

/** A code flow all the way to the token response. */
export async function codeFlowTokens(server: TestServer, scopes: string[] = ['offline_access']) {
  const { location, verifier } = await authorize(server, { scopes });
  const res = await tokenRequest(server, {
    grant_type: 'authorization_code',
    code: location.searchParams.get('code')!,
    redirect_uri: PRINTER.redirectUri,
    code_verifier: verifier,
  });
  if (res.status !== 200) throw new Error(`token answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as {
    access_token: string;
    refresh_token?: string;
    scope: string;
    expires_in: number;
    token_type: string;
  };
}

/** As if the user had removed the app on the Connected apps page. */
export function forgetConsent(server: TestServer, userId: string, clientId: string): void {
  const { grants } = server.app.context.store;
  const grant = grants.findActive(userId, clientId);
  if (grant) grants.revoke(grant.id);
}
