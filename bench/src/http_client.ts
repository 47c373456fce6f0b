/**
 * @module http_client
 *
 * A scripted browser, just enough of one: node:http with keep-alive, one cookie jar and one connection pool per
 * learner, redirects followed by hand (each step is checked), forms posted as application/x-www-form-urlencoded.
 */
import http from 'node:http';

/**
 * Each learner's own connections, as each learner's browser keeps its own: at most 6 per host (what browsers open
 * per origin over HTTP/1.1), kept alive while idle, so a learner back from a long sign-in at the auth server finds
 * its connection to the printer still open (the printer keeps idle connections 65 s). One pool shared by the whole
 * class (as this client had before issue 15) would hold only as many connections as were busy at once, and send
 * learners coming back together through new connections, each queued for an accept (bench/README.md).
 */
const BROWSER_SOCKETS_PER_HOST = 6;
const learnerAgents = new Set<http.Agent>();
/** For the one retry after a reset on a reused connection: a new connection, never another idle one. */
const freshAgent = new http.Agent({ keepAlive: false });

/** Cookies by host, as a browser keeps them (not by port); the services use distinct cookie names. */
export class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();
  /** This learner's connection pool (see BROWSER_SOCKETS_PER_HOST). */
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: BROWSER_SOCKETS_PER_HOST });

  constructor() {
    learnerAgents.add(this.agent);
  }

  header(url: URL): string | undefined {
    const jar = this.byHost.get(url.hostname);
    if (!jar || jar.size === 0) return undefined;
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  store(url: URL, setCookie: string[] | undefined): void {
    if (!setCookie) return;
    let jar = this.byHost.get(url.hostname);
    if (!jar) {
      jar = new Map();
      this.byHost.set(url.hostname, jar);
    }
    for (const line of setCookie) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k = '', v = ''] = a.trim().split('=');
        if (k.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k.toLowerCase() === 'expires') return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  clear(): void {
    this.byHost.clear();
  }
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  url: URL;
}

export type Form = Record<string, string | readonly string[]>;

function encodeForm(form: Form): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const item of typeof v === 'string' ? [v] : v) params.append(k, item);
  return params.toString();
}

/**
 * One request. Like a browser, a request that fails on a reused keep-alive connection before any answer (the
 * server closed the idle connection just as it was reused) is sent once more on a new one; see Node's docs on
 * `request.reusedSocket`.
 */
export async function request(
  jar: CookieJar,
  method: 'GET' | 'POST',
  url: URL,
  form?: Form,
  timeoutMs = 30_000,
  step = '',
): Promise<Reply> {
  try {
    return await send(jar, method, url, form, timeoutMs, jar.agent, step);
  } catch (err) {
    // A server whose event loop was busy for longer than its keep-alive timeout closes "idle" connections that
    // already carry a new request: a reset on a reused connection, before any answer. Browsers retry those.
    if ((err as { reusedSocket?: boolean }).reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET') {
      retries++;
      return send(jar, method, url, form, timeoutMs, freshAgent, step);
    }
    throw err;
  }
}

let retries = 0;

/** How many requests were sent again after a reset on a reused keep-alive connection. */
export function retriedRequests(): number {
  return retries;
}

function send(
  jar: CookieJar,
  method: 'GET' | 'POST',
  url: URL,
  form: Form | undefined,
  timeoutMs: number,
  via: http.Agent,
  step: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = form ? encodeForm(form) : undefined;
    const headers: Record<string, string> = { accept: 'text/html,application/json' };
    const now = () => performance.timeOrigin + performance.now();
    const timing: ClientTiming | undefined = recording ? { id: String(++nextId), step, start: now() } : undefined;
    if (timing) {
      timings.push(timing);
      headers['x-bench-request'] = timing.id;
    }
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = http.request(url, { method, headers, agent: via, timeout: timeoutMs }, (res) => {
      if (timing) {
        timing.res = now();
        timing.status = res.statusCode ?? 0;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        if (timing) timing.end = now();
        const setCookie = res.headers['set-cookie'];
        jar.store(url, setCookie);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          url,
        });
      });
      res.once('error', reject);
    });
    if (timing)
      req.once('socket', (socket) => {
        timing.sock = now();
        timing.reused = req.reusedSocket;
        if (socket.connecting) socket.once('connect', () => (timing.con = now()));
      });
    req.once('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.once('error', (err) => {
      if (timing) {
        timing.error = err.message;
        timing.end = now();
      }
    });
    req.once('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

/** The Location of a redirect, resolved against the URL that answered. */
export function location(reply: Reply): URL | undefined {
  const loc = reply.headers.location;
  return loc ? new URL(loc, reply.url) : undefined;
}

/** Decode the few entities ejs escapes in attribute values. */
export function unescapeHtml(value: string): string {
  return value
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * The load generator's side of one request (ms since the epoch, the clock the services' timings use): when it was
 * started, when the agent gave it a socket, when a new socket's TCP handshake completed (the kernel's, before the
 * server accepts it), the response head, and the end. `id` is sent as `x-bench-request` (servers/timings.ts).
 */
export interface ClientTiming {
  id: string;
  step: string;
  start: number;
  sock?: number;
  con?: number;
  res?: number;
  end?: number;
  status?: number;
  reused?: boolean;
  error?: string;
}

let nextId = 0;
const timings: ClientTiming[] = [];
let recording = false;

/** Keep the timings of every request from now on (benchmark 3), or stop and forget them. */
export function recordTimings(on: boolean): void {
  recording = on;
  timings.length = 0;
}

export function clientTimings(): readonly ClientTiming[] {
  return timings;
}

export function closeAgent(): void {
  for (const agent of learnerAgents) agent.destroy();
  learnerAgents.clear();
  freshAgent.destroy();
}
