/**
 * @module recorder
 *
 * "Behind the scenes": each service records the HTTP exchanges it takes part in, so the printer can draw the
 * whole flow, front channel and back channel, as one sequence diagram.
 *
 * Exchanges are grouped by a W3C Trace Context trace id (https://www.w3.org/TR/trace-context/): the printer
 * starts a trace per flow and sends `traceparent` on every back-channel call, so the auth server and the
 * drive file what they see under the same id. The store is in memory and bounded (traces, exchanges per
 * trace, body sizes, age), and can be switched off. A trace id is 128 random bits known only to the
 * learner's own printer session, so nobody can read someone else's flow by guessing.
 */
import { randomBytes } from 'node:crypto';

/** The four roles of the demo, and Mallory, the attack lab's attacker (apps/attacker), who plays none of them. */
export type Party = 'browser' | 'printer' | 'auth' | 'drive' | 'mallory';

export interface RecordedMessage {
  method?: string;
  url?: string;
  status?: number;
  headers: Record<string, string>;
  body?: string;
}

export interface Exchange {
  /** This exchange's span id (16 hex). */
  id: string;
  traceId: string;
  /** Which service recorded it. */
  recordedBy: Party;
  from: Party;
  to: Party;
  channel: 'front' | 'back';
  /** The notes' step (1-8), when the exchange is one. */
  step?: number;
  label: string;
  /** Epoch milliseconds. */
  at: number;
  durationMs: number;
  request: RecordedMessage;
  response: RecordedMessage;
  /** e.g. the drive's verdict on a token. */
  note?: string;
}

export interface RecorderOptions {
  enabled: boolean;
  maxTraces?: number;
  maxExchangesPerTrace?: number;
  maxBodyBytes?: number;
  maxAgeMs?: number;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

export function newSpanId(): string {
  return randomBytes(8).toString('hex');
}

/** W3C Trace Context §3.2: version-traceid-parentid-flags; `01` = sampled. */
export function formatTraceparent(traceId: string, spanId: string = newSpanId()): string {
  return `00-${traceId}-${spanId}-01`;
}

/** The trace id of a valid `traceparent` header; all-zero ids are invalid (§3.2.2.3, §3.2.2.4). */
export function parseTraceparent(value: string | undefined): { traceId: string; parentId: string } | undefined {
  const match = value ? TRACEPARENT.exec(value.trim()) : null;
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined;
  return { traceId: match[1]!, parentId: match[2]! };
}

export function isTraceId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value) && !/^0+$/.test(value);
}

export class Recorder {
  private readonly traces = new Map<string, { updatedAt: number; exchanges: Exchange[] }>();
  /** Other keys whose exchanges belong to a trace (e.g. an authorization request recorded before its trace was known). */
  private readonly aliases = new Map<string, string>();
  readonly enabled: boolean;
  private readonly maxTraces: number;
  private readonly maxExchanges: number;
  private readonly maxBody: number;
  private readonly maxAgeMs: number;

  constructor(options: RecorderOptions) {
    this.enabled = options.enabled;
    this.maxTraces = options.maxTraces ?? 500;
    this.maxExchanges = options.maxExchangesPerTrace ?? 100;
    this.maxBody = options.maxBodyBytes ?? 8 * 1024;
    this.maxAgeMs = options.maxAgeMs ?? 60 * 60 * 1000;
  }

  /** Follow aliases (they may chain: interaction → code → trace), a bounded number of hops. */
  private resolve(key: string): string {
    let current = key;
    for (let hops = 0; hops < 5; hops++) {
      const next = this.aliases.get(current);
      if (next === undefined) break;
      current = next;
    }
    return current;
  }

  add(exchange: Exchange): void {
    if (!this.enabled) return;
    const key = this.resolve(exchange.traceId);
    let trace = this.traces.get(key);
    if (!trace) {
      this.evict();
      trace = { updatedAt: Date.now(), exchanges: [] };
      this.traces.set(key, trace);
    }
    trace.updatedAt = Date.now();
    if (trace.exchanges.length >= this.maxExchanges) trace.exchanges.shift();
    trace.exchanges.push({ ...exchange, traceId: key, request: this.clip(exchange.request), response: this.clip(exchange.response) });
  }

  /** File everything recorded under `key` (and later under it) as part of `traceId`. */
  link(key: string, traceId: string): void {
    if (!this.enabled || key === traceId) return;
    const moved = this.traces.get(this.resolve(key));
    if (moved) this.traces.delete(this.resolve(key));
    if (this.aliases.size >= this.maxTraces * 4) this.aliases.delete(this.aliases.keys().next().value as string);
    this.aliases.set(key, traceId);
    if (moved) for (const exchange of moved.exchanges) this.add({ ...exchange, traceId });
  }

  list(traceId: string): Exchange[] {
    const trace = this.traces.get(traceId);
    if (!trace || Date.now() - trace.updatedAt > this.maxAgeMs) return [];
    return [...trace.exchanges];
  }

  /** Forget everything (Reset demo). */
  clear(): void {
    this.traces.clear();
    this.aliases.clear();
  }

  /** How many traces are kept (for the benchmarks' memory checks). */
  get size(): number {
    return this.traces.size;
  }

  private evict(): void {
    const now = Date.now();
    for (const [key, trace] of this.traces) if (now - trace.updatedAt > this.maxAgeMs) this.traces.delete(key);
    while (this.traces.size >= this.maxTraces) this.traces.delete(this.traces.keys().next().value as string);
  }

  private clip(message: RecordedMessage): RecordedMessage {
    if (message.body === undefined || message.body.length <= this.maxBody) return message;
    return { ...message, body: `${message.body.slice(0, this.maxBody)}… (${message.body.length - this.maxBody} more characters)` };
  }
}

/** Names whose values are secrets: masked unless an instructor reveals them. */
const SECRET_PARAMS = ['client_secret', 'password', 'code_verifier', 'access_token', 'refresh_token', 'code', 'device_code', 'token', 'csrf'];
const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie'];

/** Keep the first characters, so two values can still be told apart, and hide the rest. */
export function maskValue(value: string): string {
  // Long random values (tokens, codes, secrets) keep a short prefix so two can be told apart; short ones
  // (passwords) are hidden whole.
  if (value.length < 20) return `•••• (${value.length} chars, masked)`;
  return `${value.slice(0, 6)}…(${value.length} chars, masked)`;
}

/** Cookie attributes (RFC 6265 §5.2), which are not secrets; every other `name=value` in a cookie header is. */
const COOKIE_ATTRIBUTES = ['expires', 'max-age', 'domain', 'path', 'secure', 'httponly', 'samesite', 'priority', 'partitioned'];

/**
 * `Cookie: a=1; b=2` and `Set-Cookie: a=1; Path=/; HttpOnly` (several Set-Cookie joined with ", "): every
 * cookie value masked, names and attributes kept. A session cookie on the projector is a session anyone can take.
 */
function maskCookies(value: string): string {
  return value.replace(/(^|;\s*|,\s*)([^=;,\s]+)=([^;,]*)/g, (all, sep: string, name: string, cookie: string) =>
    COOKIE_ATTRIBUTES.includes(name.toLowerCase()) ? all : `${sep}${name}=${maskValue(cookie)}`,
  );
}

/** Hidden form fields of a recorded page (`<input … name="csrf" value="…">`): masked like the same parameter in a URL. */
function maskFormFields(html: string): string {
  return html.replace(/(<input\b[^>]*\bname="([^"]+)"[^>]*\bvalue=")([^"]*)(")/g, (all, before: string, name: string, value: string, after: string) =>
    SECRET_PARAMS.includes(name) ? `${before}${maskValue(value)}${after}` : all,
  );
}

function maskUrlEncoded(text: string): string {
  return text.replace(/(^|[?&#])([^=&#?]+)=([^&#]*)/g, (all, sep: string, name: string, value: string) =>
    SECRET_PARAMS.includes(decodeURIComponentSafe(name)) ? `${sep}${name}=${encodeURIComponent(maskValue(decodeURIComponentSafe(value)))}` : all,
  );
}

function maskJson(text: string): string {
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return text;
    const masked = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_PARAMS.includes(k) && typeof v === 'string' ? maskValue(v) : v]));
    return JSON.stringify(masked, null, 2);
  } catch {
    return maskFormFields(maskUrlEncoded(text));
  }
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function maskMessage(message: RecordedMessage): RecordedMessage {
  const headers = Object.fromEntries(
    Object.entries(message.headers).map(([name, value]) => {
      const lower = name.toLowerCase();
      if (!SECRET_HEADERS.includes(lower)) return [name, lower === 'location' ? maskUrlEncoded(value) : value];
      if (lower === 'cookie' || lower === 'set-cookie') return [name, maskCookies(value)];
      const [scheme, ...rest] = value.split(' ');
      return [name, rest.length > 0 ? `${scheme} ${maskValue(rest.join(' '))}` : maskValue(value)];
    }),
  );
  return {
    ...message,
    ...(message.url !== undefined ? { url: maskUrlEncoded(message.url) } : {}),
    headers,
    ...(message.body !== undefined ? { body: maskJson(message.body) } : {}),
  };
}

/** The exchange as a learner sees it by default: secrets (passwords, client secrets, tokens, codes) masked. */
export function maskExchange(exchange: Exchange): Exchange {
  return { ...exchange, request: maskMessage(exchange.request), response: maskMessage(exchange.response) };
}
