/**
 * HTTP as the suite needs it: raw requests (exact bytes on the wire, one connection each, so parallel requests
 * are really parallel) and a minimal browser (one cookie jar per host and port, redirects never followed
 * automatically so every hop can be checked, and a log of everything it was sent).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Header value as one string (joined when repeated). */
export function header(res: RawResponse, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * One request on its own connection (`agent: false`): the path and headers go out exactly as written, which
 * is how malformed requests reach the server unaltered, and how N requests run in parallel for real.
 */
export function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...headers },
        agent: false,
        timeout: 10_000,
        insecureHTTPParser: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path.slice(0, 80)}: no answer within 10 s`)));
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** `application/x-www-form-urlencoded`, with repeated names for array values. */
function form(fields: Record<string, string | readonly string[] | undefined>): string {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    for (const one of typeof v === 'string' ? [v] : v) body.append(k, one);
  }
  return body.toString();
}

export function postForm(
  base: string,
  path: string,
  fields: Record<string, string | readonly string[] | undefined>,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return raw(base, 'POST', path, { 'content-type': 'application/x-www-form-urlencoded', ...headers }, form(fields));
}

export function json<T = Record<string, unknown>>(res: RawResponse): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    assert.fail(`expected JSON, got ${res.status}: ${res.body.slice(0, 300)}`);
  }
}

/** A page as the browser saw it. */
export interface Page {
  url: string;
  status: number;
  headers: Headers;
  setCookies: string[];
  text: string;
  /** The absolute Location of a redirect, if any. */
  location: string | undefined;
}

/** A minimal browser: cookies per host and port (as the services set them), manual redirects. */
export class Browser {
  readonly jars = new Map<string, Map<string, string>>();
  /** Everything this browser received, to check that no token ever reached it. */
  readonly seen: Page[] = [];

  constructor(readonly extraHeaders: Record<string, string> = {}) {}

  private jar(url: URL): Map<string, string> {
    let jar = this.jars.get(url.host);
    if (!jar) {
      jar = new Map();
      this.jars.set(url.host, jar);
    }
    return jar;
  }

  cookie(base: string, name: string): string | undefined {
    return this.jar(new URL(base)).get(name);
  }

  setCookie(base: string, name: string, value: string): void {
    this.jar(new URL(base)).set(name, value);
  }

  async request(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Page> {
    const target = new URL(url);
    const headers = new Headers({ ...this.extraHeaders, ...init.headers });
    const jar = this.jar(target);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(target, { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const location = res.headers.get('location') ?? undefined;
    const page: Page = {
      url: target.href,
      status: res.status,
      headers: res.headers,
      setCookies,
      text: await res.text(),
      location: location === undefined ? undefined : new URL(location, target).href,
    };
    this.seen.push(page);
    return page;
  }

  get(url: string, headers: Record<string, string> = {}): Promise<Page> {
    return this.request(url, { headers });
  }

  post(
    url: string,
    fields: Record<string, string | readonly string[] | undefined>,
    headers: Record<string, string> = {},
  ): Promise<Page> {
    return this.request(url, {
      method: 'POST',
      body: form(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  /** Follow a redirect the way a browser does after a 303 (a GET to the absolute Location). */
  async follow(page: Page): Promise<Page> {
    assert.ok(page.location, `expected a redirect from ${page.url}, got ${page.status}: ${page.text.slice(0, 300)}`);
    assert.ok([301, 302, 303].includes(page.status), `expected 302/303 from ${page.url}, got ${page.status}`);
    return this.get(page.location);
  }
}

/** The hidden `csrf` field of a form on a page. */
export function csrfFrom(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  assert.ok(match, `no csrf field in page: ${html.slice(0, 300)}`);
  return match[1]!;
}

/** A stack trace, a source path or a raw error message in a body: never for a client's eyes. */
export const LEAK = /\bat [^\n]+\.(?:js|ts|mjs):\d+|node_modules|\bError: |\bTypeError\b|\bSqliteError\b|SQLITE_/;

export function assertNoLeak(body: string, what: string): void {
  assert.equal(LEAK.test(body), false, `${what} leaks internals: ${body.slice(0, 400)}`);
}

/** Run `n` calls at once (each raw() has its own connection) and wait for all. */
export function parallel<T>(n: number, call: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => call(i)));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
