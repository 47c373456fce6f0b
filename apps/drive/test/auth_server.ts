/**
 * Test helpers: the REAL auth server (its compiled server, through @oauth-demo/testkit) on a free port with a
 * throw-away DATA_DIR, and the few browser steps of the Authorization Code flow that get a real access token from it
 * (the same walk as apps/auth-server/test/helpers.ts `codeFlowTokens`).
 *
 * Its issuer is the public URL of helpers.ts (`http://auth.test:9000`, which nothing resolves): the drive
 * must reach it at its internal URL, exactly as in docker-compose.
 */
import { rmSync } from 'node:fs';
import { createStack, internalUrls, startService, stopService } from '@oauth-demo/testkit';
import { buildBasicAuthorization, calculateCodeChallenge, generateCodeVerifier } from '@oauth-demo/tokens';
import { DRIVE_URL, DRIVE_WEB_SECRET, ISSUER, PRINTER_URL } from './helpers.js';

/** Shared secrets, as both services would read them (≥ 43 characters: 256 bits, see readSharedSecret). */
export const PRINTER_SECRET = 'printer-secret-for-drive-tests-0123456789-abcdefghij';
export const DRIVE_SECRET = 'drive-secret-for-drive-tests-0123456789-abcdefghijkl';
export const PRINT_LAB_SECRET = 'print-lab-secret-for-drive-tests-0123456789-abcdefg';
export { DRIVE_WEB_SECRET };
export const PRINTER = { clientId: 'photo-printer', redirectUri: `${PRINTER_URL}/callback` } as const;

export interface RunningAuthServer {
  /** Where the tests and the drive connect: the auth server's INTERNAL URL. */
  url: string;
  /** Stop it (the data stays until destroy). */
  stop(): Promise<void>;
  /** Stop, and delete the data. */
  destroy(): Promise<void>;
}

/**
 * The auth server as users run it (its compiled server.js, started and stopped by PID by @oauth-demo/testkit, as
 * e2e/ and conformance/ do), on a free port with a fresh data directory, its public URLs those of helpers.ts.
 */
export async function startAuthServer(): Promise<RunningAuthServer> {
  const stack = await createStack({
    name: 'drive-test-auth',
    secrets: {
      printerClientSecret: PRINTER_SECRET,
      driveClientSecret: DRIVE_SECRET,
      printLabClientSecret: PRINT_LAB_SECRET,
      driveWebClientSecret: DRIVE_WEB_SECRET,
    },
    extraEnv: {
      'auth-server': { AUTH_PUBLIC_URL: ISSUER, DRIVE_PUBLIC_URL: DRIVE_URL, PRINTER_PUBLIC_URL: PRINTER_URL },
    },
  });
  await startService('auth-server', stack);
  const stop = () => stopService('auth-server', stack);
  return {
    url: internalUrls(stack).auth,
    stop,
    async destroy() {
      await stop();
      rmSync(stack.runDir, { recursive: true, force: true });
    },
  };
}

/** A minimal browser: one cookie jar, redirects not followed. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  /** A cookie's value in the jar (undefined when there is none, or when the server cleared it). */
  cookie(name: string): string | undefined {
    const value = this.cookies.get(name);
    return value === undefined || value === '' ? undefined : value;
  }

  /** Put a cookie in the jar by hand: e.g. replay an old session cookie. */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(new URL(path, this.base), { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  }

  post(path: string, form: Record<string, string | string[]>): Promise<Response> {
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
  if (!match?.[1]) throw new Error('no csrf field in the page');
  return match[1];
}

async function expectRedirect(res: Response, step: string): Promise<string> {
  const location = res.headers.get('location');
  if (res.status !== 303 || !location)
    throw new Error(`${step} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return location;
}

/**
 * Steps 1-6 as the printer: authorize, sign in, allow every requested scope, redeem the code. Returns the
 * access token (an RFC 9068 JWT whose `aud` is the drive).
 */
export async function codeFlowAccessToken(
  auth: RunningAuthServer,
  {
    scope = 'photos.read',
    user = 'alice',
    password = 'wonderland',
  }: { scope?: string; user?: string; password?: string } = {},
): Promise<string> {
  const verifier = generateCodeVerifier();
  const browser = new Browser(auth.url);
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: PRINTER.clientId,
    redirect_uri: PRINTER.redirectUri,
    scope,
    state: 'drive-test',
    code_challenge: calculateCodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const interaction = await expectRedirect(await browser.request(`/authorize?${query}`), 'authorize');

  let page = await browser.request(interaction);
  if (page.status === 200) {
    let html = await page.text();
    if (html.includes('name="password"')) {
      await expectRedirect(
        await browser.post(`${interaction}/login`, { csrf: csrfFrom(html), username: user, password }),
        'login',
      );
      page = await browser.request(interaction);
      html = page.status === 200 ? await page.text() : '';
    }
    // A consent screen, unless this user already allowed these scopes (then the code comes at once).
    if (page.status === 200) {
      page = await browser.post(`${interaction}/consent`, {
        csrf: csrfFrom(html),
        decision: 'allow',
        scope: scope.split(' '),
      });
    }
  }
  const code = new URL(await expectRedirect(page, 'consent')).searchParams.get('code');
  if (!code) throw new Error('the authorization response carries no code');

  const res = await fetch(`${auth.url}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: buildBasicAuthorization(PRINTER.clientId, PRINTER_SECRET),
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: PRINTER.redirectUri,
      code_verifier: verifier,
    }),
  });
  if (res.status !== 200) throw new Error(`token answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** RFC 7009 §2.1: the printer revokes its own access token. */
export async function revokeAsPrinter(auth: RunningAuthServer, token: string): Promise<void> {
  const res = await fetch(`${auth.url}/revoke`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: buildBasicAuthorization(PRINTER.clientId, PRINTER_SECRET),
    },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
  });
  if (res.status !== 200) throw new Error(`revoke answered ${res.status}: ${await res.text()}`);
}

/**
 * RFC 6749 §4.4 as Photo Printer's print lab: a token for the client itself (sub = client_id = print-lab),
 * authenticated with client_secret_post (client_id and client_secret in the form, RFC 6749 §2.3.1).
 */
export async function clientCredentialsToken(
  auth: RunningAuthServer,
  { scope }: { scope?: string } = {},
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: 'print-lab',
    client_secret: PRINT_LAB_SECRET,
  });
  if (scope !== undefined) form.set('scope', scope);
  const res = await fetch(`${auth.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  if (res.status !== 200) throw new Error(`client_credentials answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** RFC 7662 as the drive (client `drive`): is this token still active at the auth server? */
export async function isActive(auth: RunningAuthServer, token: string): Promise<boolean> {
  const res = await fetch(`${auth.url}/introspect`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: buildBasicAuthorization('drive', DRIVE_SECRET),
    },
    body: new URLSearchParams({ token }),
  });
  if (res.status !== 200) throw new Error(`introspect answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { active: boolean }).active;
}
