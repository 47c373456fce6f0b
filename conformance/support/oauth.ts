/**
 * The OAuth moves the suite makes against the real auth server: authorization requests through a browser
 * (sign-in and consent included), and the back-channel endpoints (token, introspection, revocation).
 */
import assert from 'node:assert/strict';
import { buildBasicAuthorization, calculateCodeChallenge, generateCodeVerifier } from '@oauth-demo/tokens';
import { Browser, csrfFrom, json, postForm, type Page, type RawResponse } from './http.js';
import { BROWSER_CLIENT, INTERNAL, ISSUER, PRINTER, USERS, type UserName } from './stack.js';

export const basic = (clientId: string, secret: string) => buildBasicAuthorization(clientId, secret);
export const PRINTER_AUTH = basic(PRINTER.clientId, PRINTER.secret);

export type ClientName = 'printer' | 'browser';

const CLIENT = {
  printer: { clientId: PRINTER.clientId, redirectUri: PRINTER.redirectUri, scope: PRINTER.scope },
  browser: { clientId: BROWSER_CLIENT.clientId, redirectUri: BROWSER_CLIENT.redirectUri, scope: BROWSER_CLIENT.scope },
} as const;

/** A valid authorization request of `client`, with `overrides` (undefined removes a parameter). */
export function authorizeParams(
  client: ClientName,
  verifier: string,
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const c = CLIENT[client];
  return {
    response_type: 'code',
    client_id: c.clientId,
    redirect_uri: c.redirectUri,
    scope: c.scope,
    state: `st-${generateCodeVerifier().slice(0, 16)}`,
    code_challenge: calculateCodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...overrides,
  };
}

/** The authorization endpoint URL with these parameters; a `[name, value]` list allows repeated names. */
export function authorizeUrl(params: Record<string, string | undefined> | [string, string][]): string {
  const query = new URLSearchParams();
  const entries = Array.isArray(params) ? params : Object.entries(params);
  for (const [k, v] of entries) if (v !== undefined) query.append(k, v);
  return `${ISSUER}/authorize?${query}`;
}

export interface AuthorizationResult {
  /** Where the auth server sent the browser back (step 4). */
  location: URL;
  /** The response that carried it. */
  response: Page;
  verifier: string;
  state: string | undefined;
  browser: Browser;
  interaction: string;
}

/** The sign-in form of an interaction: post the credentials, expect the redirect back to the interaction. */
export async function signIn(
  browser: Browser,
  interaction: string,
  page: Page,
  user: string,
  password: string,
): Promise<Page> {
  const login = await browser.post(`${interaction}/login`, { csrf: csrfFrom(page.text), username: user, password });
  assert.equal(login.status, 303, `sign-in as ${user} answered ${login.status}: ${login.text.slice(0, 300)}`);
  return browser.get(interaction);
}

/** The scope fields the consent form would send: hidden ones always, checkboxes when ticked. */
function consentScopes(html: string, ticked: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const [input] of html.matchAll(/<input[^>]*name="scope"[^>]*>/g)) {
    const value = /value="([^"]*)"/.exec(input)?.[1];
    if (!value) continue;
    if (/type="hidden"/.test(input)) out.push(value);
    else if (ticked === undefined ? /\bchecked\b/.test(input) : ticked.includes(value)) out.push(value);
  }
  return out;
}

export interface AuthorizeOptions {
  client?: ClientName;
  /** Overrides of the authorization request's parameters. */
  params?: Record<string, string | undefined>;
  user?: UserName;
  decision?: 'allow' | 'deny';
  /** Optional scopes left ticked on the consent screen (default: as the page offers them). */
  scopes?: readonly string[];
  browser?: Browser;
  verifier?: string;
}

/**
 * Steps 2-4 as a browser does them: the authorization request, sign-in (unless this browser is signed in),
 * consent (unless the auth server remembers it), and the redirect back to the client, which is not followed.
 */
export async function authorize(options: AuthorizeOptions = {}): Promise<AuthorizationResult> {
  const client = options.client ?? 'printer';
  const verifier = options.verifier ?? generateCodeVerifier();
  const browser = options.browser ?? new Browser();
  const params = authorizeParams(client, verifier, options.params);
  const start = await browser.get(authorizeUrl(params));
  assert.equal(start.status, 303, `authorize answered ${start.status}: ${start.text.slice(0, 300)}`);
  const interaction = start.location!;
  assert.match(interaction, new RegExp(`^${ISSUER}/interaction/`));
  let page = await browser.get(interaction);
  if (page.status === 200 && page.text.includes('name="password"')) {
    const user = options.user ?? 'alice';
    page = await signIn(browser, interaction, page, user, USERS[user]);
  }
  let response = page;
  if (page.status === 200) {
    assert.match(page.text, /name="decision"/, `expected the consent screen, got: ${page.text.slice(0, 300)}`);
    response = await browser.post(`${interaction}/consent`, {
      csrf: csrfFrom(page.text),
      decision: options.decision ?? 'allow',
      scope: consentScopes(page.text, options.scopes),
    });
  }
  assert.ok(
    [302, 303].includes(response.status) && response.location,
    `expected the redirect back to the client, got ${response.status}: ${response.text.slice(0, 300)}`,
  );
  return { location: new URL(response.location), response, verifier, state: params.state, browser, interaction };
}

/** The code from a successful authorization response. */
export function codeOf(result: AuthorizationResult): string {
  const code = result.location.searchParams.get('code');
  assert.ok(code, `no code in ${result.location.href}`);
  return code;
}

export function tokenRequest(
  fields: Record<string, string | readonly string[] | undefined>,
  auth: string | null = PRINTER_AUTH,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return postForm(INTERNAL.auth, '/token', fields, { ...(auth ? { authorization: auth } : {}), ...headers });
}

export function redeem(
  code: string,
  verifier: string,
  options: { client?: ClientName; redirectUri?: string; auth?: string | null } = {},
): Promise<RawResponse> {
  const client = options.client ?? 'printer';
  const c = CLIENT[client];
  const auth = options.auth !== undefined ? options.auth : client === 'printer' ? PRINTER_AUTH : null;
  return tokenRequest(
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: options.redirectUri ?? c.redirectUri,
      code_verifier: verifier,
      ...(auth ? {} : { client_id: c.clientId }),
    },
    auth,
  );
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/** The whole Authorization Code flow to the token response (asserted 200). */
export async function codeFlowTokens(options: AuthorizeOptions = {}): Promise<TokenResponse & { browser: Browser }> {
  const result = await authorize(options);
  const res = await redeem(codeOf(result), result.verifier, { client: options.client ?? 'printer' });
  assert.equal(res.status, 200, `token endpoint answered ${res.status}: ${res.body}`);
  return { ...json<TokenResponse>(res), browser: result.browser };
}

export function refresh(
  refreshToken: string,
  options: { scope?: string; auth?: string | null } = {},
): Promise<RawResponse> {
  return tokenRequest(
    { grant_type: 'refresh_token', refresh_token: refreshToken, scope: options.scope },
    options.auth === undefined ? PRINTER_AUTH : options.auth,
  );
}

export function introspect(
  token: string,
  options: { auth?: string | null; hint?: string; fields?: Record<string, string> } = {},
): Promise<RawResponse> {
  const auth = options.auth === undefined ? PRINTER_AUTH : options.auth;
  return postForm(
    INTERNAL.auth,
    '/introspect',
    { token, token_type_hint: options.hint, ...options.fields },
    auth ? { authorization: auth } : {},
  );
}

export async function isActive(token: string, auth: string | null = PRINTER_AUTH): Promise<boolean> {
  const res = await introspect(token, { auth });
  assert.equal(res.status, 200, `introspection answered ${res.status}: ${res.body}`);
  return json<{ active: boolean }>(res).active;
}

export function revoke(
  token: string,
  options: { auth?: string | null; hint?: string; fields?: Record<string, string> } = {},
): Promise<RawResponse> {
  const auth = options.auth === undefined ? PRINTER_AUTH : options.auth;
  return postForm(
    INTERNAL.auth,
    '/revoke',
    { token, token_type_hint: options.hint, ...options.fields },
    auth ? { authorization: auth } : {},
  );
}

/** Assert an RFC 6749 §5.2 error response. */
export function assertOAuthError(
  res: RawResponse,
  status: number | number[],
  error: string | string[],
  what = '',
): Record<string, unknown> {
  const statuses = [status].flat();
  const errors = [error].flat();
  assert.ok(
    statuses.includes(res.status),
    `${what} expected HTTP ${statuses.join('/')}, got ${res.status}: ${res.body.slice(0, 300)}`,
  );
  const body = json(res);
  assert.ok(
    errors.includes(String(body.error)),
    `${what} expected error ${errors.join('/')}, got ${res.body.slice(0, 300)}`,
  );
  return body;
}
