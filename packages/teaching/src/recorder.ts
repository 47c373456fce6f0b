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
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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
  /** The byte budget of everything held (default 8 MiB): the recorder never holds more (see `bytes`). */
  maxBytes?: number;
  /** One trace's share (default 256 KiB): its oldest exchanges go first. */
  maxBytesPerTrace?: number;
  /** How many traces may be pinned (default 100; the oldest pin goes first): kept past maxTraces and maxAgeMs, never past maxBytes. */
  maxPinnedTraces?: number;
  /** What one untrusted source (a browser's address) may hold: traces (default 20) and bytes (default maxBytes / 16). */
  maxTracesPerSource?: number;
  maxBytesPerSource?: number;
}

/**
 * Where an exchange came from, for the quotas: `undefined` for what is trusted (the printer's own calls, and the
 * back-channel calls that prove they come from the printer: traceOriginProof), else an untrusted key such as
 * the browser's address (`ip:192.168.1.7`). A flood from one source evicts only that source's own traces.
 */
export type RecordingSource = string | undefined;

/** Clipping of what is kept of each message (besides the body: maxBodyBytes). */
export const CLIP = { url: 2048, headers: 40, headerName: 64, headerValue: 1024, label: 300, note: 1000 } as const;

/** Fixed cost counted per exchange besides its strings (ids, numbers, objects). */
const EXCHANGE_OVERHEAD_BYTES = 512;

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

interface TraceEntry {
  updatedAt: number;
  exchanges: { exchange: Exchange; bytes: number }[];
  bytes: number;
  source: RecordingSource;
}

/**
 * In memory, bounded (issue 12 item 5): at most `maxBytes` held in all (strings counted at 2 bytes a character, an
 * upper bound, plus a fixed overhead per exchange), `maxBytesPerTrace` per trace, and for an untrusted source
 * `maxTracesPerSource` traces and `maxBytesPerSource` bytes. Every URL, header and body is clipped first (CLIP).
 * When a limit is reached, the source over its quota loses its own oldest trace; when the whole budget is reached,
 * the untrusted source holding the most loses its oldest, and trusted flows go last. So a flood of requests from
 * one address can neither grow the memory nor push other learners' flows out.
 */
export class Recorder {
  private readonly traces = new Map<string, TraceEntry>();
  /** Other keys whose exchanges belong to a trace (e.g. an authorization request recorded before its trace was known). */
  private readonly aliases = new Map<string, string>();
  readonly enabled: boolean;
  private readonly maxTraces: number;
  private readonly maxExchanges: number;
  private readonly maxBody: number;
  private readonly maxAgeMs: number;
  readonly maxBytes: number;
  private readonly maxBytesPerTrace: number;
  private readonly maxTracesPerSource: number;
  private readonly maxBytesPerSource: number;
  private heldBytes = 0;
  private readonly perSource = new Map<string, { traces: number; bytes: number }>();
  /** Pinned traces (a flow pinned in the timeline, issue 18 item 2): evicted last, and only for the byte budget. */
  private readonly pinned = new Set<string>();
  private readonly maxPinned: number;

  constructor(options: RecorderOptions) {
    this.enabled = options.enabled;
    this.maxTraces = options.maxTraces ?? 500;
    this.maxExchanges = options.maxExchangesPerTrace ?? 100;
    this.maxBody = options.maxBodyBytes ?? 8 * 1024;
    this.maxAgeMs = options.maxAgeMs ?? 60 * 60 * 1000;
    this.maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
    this.maxBytesPerTrace = Math.min(options.maxBytesPerTrace ?? 256 * 1024, this.maxBytes);
    this.maxTracesPerSource = options.maxTracesPerSource ?? 20;
    this.maxBytesPerSource = Math.min(options.maxBytesPerSource ?? Math.floor(this.maxBytes / 16), this.maxBytes);
    this.maxPinned = options.maxPinnedTraces ?? 100;
  }

  /**
   * Keep this trace past the trace count and the age limits (a flow pinned in the timeline). At most
   * `maxPinnedTraces` are pinned: a new pin releases the oldest (a session that ended never unpins). The byte
   * budget still holds over pinned traces: memory stays bounded.
   */
  pin(traceId: string): void {
    if (!this.enabled) return;
    const key = this.resolve(traceId);
    this.pinned.delete(key);
    if (this.pinned.size >= this.maxPinned) this.pinned.delete(this.pinned.values().next().value as string);
    this.pinned.add(key);
  }

  unpin(traceId: string): void {
    this.pinned.delete(this.resolve(traceId));
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

  add(exchange: Exchange, source?: RecordingSource): void {
    if (!this.enabled) return;
    const key = this.resolve(exchange.traceId);
    const clipped = this.clipExchange({ ...exchange, traceId: key });
    const bytes = sizeOf(clipped);
    let trace = this.traces.get(key);
    if (!trace) {
      this.evictExpired();
      if (source !== undefined)
        while ((this.perSource.get(source)?.traces ?? 0) >= this.maxTracesPerSource) this.dropOldestOf(source);
      while (this.traces.size >= this.maxTraces) this.dropOldest();
      trace = { updatedAt: Date.now(), exchanges: [], bytes: 0, source };
      this.traces.set(key, trace);
      this.account(source, 1, 0);
    }
    trace.updatedAt = Date.now();
    trace.exchanges.push({ exchange: clipped, bytes });
    trace.bytes += bytes;
    this.heldBytes += bytes;
    this.account(trace.source, 0, bytes);
    while (
      trace.exchanges.length > this.maxExchanges ||
      (trace.bytes > this.maxBytesPerTrace && trace.exchanges.length > 1)
    )
      this.shiftExchange(trace);
    if (trace.bytes > this.maxBytesPerTrace) this.dropTrace(key);
    const own = trace.source;
    if (own !== undefined)
      while ((this.perSource.get(own)?.bytes ?? 0) > this.maxBytesPerSource) this.dropOldestOf(own);
    while (this.heldBytes > this.maxBytes && this.traces.size > 0) this.dropForBudget();
  }

  /** File everything recorded under `key` (and later under it) as part of `traceId`. */
  link(key: string, traceId: string): void {
    if (!this.enabled || key === traceId) return;
    const from = this.resolve(key);
    const moved = this.traces.get(from);
    if (moved) this.dropTrace(from);
    if (this.aliases.size >= this.maxTraces * 4) this.aliases.delete(this.aliases.keys().next().value as string);
    this.aliases.set(key, traceId);
    if (moved) {
      // Joining a trusted flow (the printer's trace) makes the moved exchanges trusted too.
      const target = this.traces.get(this.resolve(traceId));
      const source = target ? target.source : moved.source;
      for (const { exchange } of moved.exchanges) this.add({ ...exchange, traceId }, source);
    }
  }

  /** Has this key been joined to a trace (link)? Its later exchanges would go to that trace. */
  isLinked(key: string): boolean {
    return this.aliases.has(key);
  }

  list(traceId: string): Exchange[] {
    const trace = this.traces.get(traceId);
    if (!trace || (!this.pinned.has(traceId) && Date.now() - trace.updatedAt > this.maxAgeMs)) return [];
    return trace.exchanges.map((e) => e.exchange);
  }

  /** Forget everything (Reset demo). */
  clear(): void {
    this.traces.clear();
    this.aliases.clear();
    this.perSource.clear();
    this.pinned.clear();
    this.heldBytes = 0;
  }

  /** How many traces are kept (for the benchmarks' memory checks). */
  get size(): number {
    return this.traces.size;
  }

  /** The bytes held, as counted against `maxBytes` (issue 12 item 5: the bound a flood cannot pass). */
  get bytes(): number {
    return this.heldBytes;
  }

  private account(source: RecordingSource, traces: number, bytes: number): void {
    if (source === undefined) return;
    const entry = this.perSource.get(source) ?? { traces: 0, bytes: 0 };
    entry.traces += traces;
    entry.bytes += bytes;
    if (entry.traces <= 0 && entry.bytes <= 0) this.perSource.delete(source);
    else this.perSource.set(source, entry);
  }

  private shiftExchange(trace: TraceEntry): void {
    const first = trace.exchanges.shift();
    if (!first) return;
    trace.bytes -= first.bytes;
    this.heldBytes -= first.bytes;
    this.account(trace.source, 0, -first.bytes);
  }

  private dropTrace(key: string): void {
    const trace = this.traces.get(key);
    if (!trace) return;
    this.traces.delete(key);
    this.pinned.delete(key);
    this.heldBytes -= trace.bytes;
    this.account(trace.source, -1, -trace.bytes);
  }

  /** The oldest trace of one source (Map order is insertion order: the first found is the oldest), pinned ones last. */
  private dropOldestOf(source: string): void {
    let pinned: string | undefined;
    for (const [key, trace] of this.traces) {
      if (trace.source !== source) continue;
      if (!this.pinned.has(key)) {
        this.dropTrace(key);
        return;
      }
      pinned ??= key;
    }
    if (pinned !== undefined) this.dropTrace(pinned);
    else this.perSource.delete(source);
  }

  /** The oldest unpinned trace; the oldest pinned one only when every trace is pinned. */
  private dropOldest(): void {
    for (const key of this.traces.keys()) {
      if (!this.pinned.has(key)) {
        this.dropTrace(key);
        return;
      }
    }
    const first = this.traces.keys().next().value;
    if (first !== undefined) this.dropTrace(first);
  }

  /** Over the whole budget: the untrusted source holding the most gives up its oldest trace; trusted flows last. */
  private dropForBudget(): void {
    let largest: string | undefined;
    for (const [source, entry] of this.perSource)
      if (largest === undefined || entry.bytes > this.perSource.get(largest)!.bytes) largest = source;
    if (largest !== undefined) this.dropOldestOf(largest);
    else this.dropOldest();
  }

  private evictExpired(): void {
    const now = Date.now();
    for (const [key, trace] of this.traces)
      if (!this.pinned.has(key) && now - trace.updatedAt > this.maxAgeMs) this.dropTrace(key);
  }

  private clipExchange(exchange: Exchange): Exchange {
    return {
      ...exchange,
      label: clipText(exchange.label, CLIP.label),
      ...(exchange.note !== undefined ? { note: clipText(exchange.note, CLIP.note) } : {}),
      request: this.clip(exchange.request),
      response: this.clip(exchange.response),
    };
  }

  private clip(message: RecordedMessage): RecordedMessage {
    const headers: Record<string, string> = {};
    const entries = Object.entries(message.headers);
    for (const [name, value] of entries.slice(0, CLIP.headers))
      headers[name.slice(0, CLIP.headerName)] = clipText(String(value), CLIP.headerValue);
    if (entries.length > CLIP.headers)
      headers['x-recorder-clipped'] = `${entries.length - CLIP.headers} more headers not kept`;
    const clipped: RecordedMessage = { ...message, headers };
    if (message.url !== undefined) clipped.url = clipText(message.url, CLIP.url);
    if (message.body !== undefined && message.body.length > this.maxBody) {
      clipped.body = `${message.body.slice(0, this.maxBody)}… (${message.body.length - this.maxBody} more characters)`;
    }
    return clipped;
  }
}

function clipText(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}… (${value.length - max} more characters)`;
}

/** An upper bound of what an exchange holds: every string at 2 bytes a character, plus a fixed overhead. */
function sizeOf(exchange: Exchange): number {
  let chars = exchange.id.length + exchange.traceId.length + exchange.label.length + (exchange.note?.length ?? 0);
  for (const message of [exchange.request, exchange.response]) {
    chars += (message.method?.length ?? 0) + (message.url?.length ?? 0) + (message.body?.length ?? 0);
    for (const [name, value] of Object.entries(message.headers)) chars += name.length + value.length;
  }
  return EXCHANGE_OVERHEAD_BYTES + 2 * chars;
}

/**
 * Proof that a back-channel call comes from the printer (issue 12 item 5): the printer sends, beside
 * `traceparent`, a W3C `tracestate` entry `oauthdemo=<HMAC-SHA256 of the trace id>` keyed with TRACE_SECRET, a
 * secret it shares with the auth server and Drive like its client secret. Without it, a `traceparent` is
 * ignored: anyone can send one, and recording their requests would let them fill the recorder.
 */
const TRACESTATE_KEY = 'oauthdemo';

function traceOriginProof(secret: string, traceId: string): string {
  return createHmac('sha256', secret).update(`trace|${traceId}`).digest('base64url');
}

/** The `tracestate` header carrying the proof (W3C Trace Context §3.3: list-member `key=value`). */
export function formatTracestate(secret: string, traceId: string): string {
  return `${TRACESTATE_KEY}=${traceOriginProof(secret, traceId)}`;
}

/**
 * The key under which the auth server files an authorization request it refused (its error page, or the error
 * redirect): nothing comes back from such a request to link it to the client's flow by a code, so the client
 * names it when it asks for the flow's recordings (routes/recordings.ts of the auth server). Keyed with the shared
 * TRACE_SECRET: someone who saw the request's URL (client_id and state) cannot compute it.
 */
export function authorizationRequestKey(secret: string, clientId: string, state: string): string {
  return createHmac('sha256', secret).update(`authorize|${clientId}|${state}`).digest('base64url');
}

/** Does this `tracestate` prove that `traceId` was sent by the holder of `secret`? */
export function verifyTraceOrigin(secret: string, traceId: string, tracestate: string | undefined): boolean {
  if (!tracestate || tracestate.length > 512) return false;
  const expected = Buffer.from(traceOriginProof(secret, traceId));
  for (const member of tracestate.split(',')) {
    const eq = member.indexOf('=');
    if (eq < 0 || member.slice(0, eq).trim() !== TRACESTATE_KEY) continue;
    const given = Buffer.from(member.slice(eq + 1).trim());
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  }
  return false;
}

/** Names whose values are secrets: masked unless an instructor reveals them. */
const SECRET_PARAMS = [
  'client_secret',
  'password',
  'code_verifier',
  'access_token',
  'refresh_token',
  'code',
  'device_code',
  'token',
  'csrf',
];
const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie'];

/** Keep the first characters, so two values can still be told apart, and hide the rest. */
export function maskValue(value: string): string {
  // Long random values (tokens, codes, secrets) keep a short prefix so two can be told apart; short ones
  // (passwords) are hidden whole.
  if (value.length < 20) return `•••• (${value.length} chars, masked)`;
  return `${value.slice(0, 6)}…(${value.length} chars, masked)`;
}

/** Cookie attributes (RFC 6265 §5.2), which are not secrets; every other `name=value` in a cookie header is. */
const COOKIE_ATTRIBUTES = [
  'expires',
  'max-age',
  'domain',
  'path',
  'secure',
  'httponly',
  'samesite',
  'priority',
  'partitioned',
];

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
  return html.replace(
    /(<input\b[^>]*\bname="([^"]+)"[^>]*\bvalue=")([^"]*)(")/g,
    (all, before: string, name: string, value: string, after: string) =>
      SECRET_PARAMS.includes(name) ? `${before}${maskValue(value)}${after}` : all,
  );
}

function maskUrlEncoded(text: string): string {
  return text.replace(/(^|[?&#])([^=&#?]+)=([^&#]*)/g, (all, sep: string, name: string, value: string) =>
    SECRET_PARAMS.includes(decodeURIComponentSafe(name))
      ? `${sep}${name}=${encodeURIComponent(maskValue(decodeURIComponentSafe(value)))}`
      : all,
  );
}

function maskJson(text: string): string {
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return text;
    const masked = Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_PARAMS.includes(k) && typeof v === 'string' ? maskValue(v) : v,
      ]),
    );
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

/**
 * A token request's `code_verifier` once the auth server has answered it: the code it proves is spent (a code works
 * once, RFC 6749 §4.1.2), so the verifier opens nothing any more, and a learner may read their own in the timeline
 * (the exercise "Hash your own code_verifier", RFC 7636 §4.2). `masked` is `original` after maskExchange.
 */
export function showSpentCodeVerifier(original: Exchange, masked: Exchange): Exchange {
  if (original.channel !== 'back' || original.response.status === undefined || !original.request.body) return masked;
  const form = new URLSearchParams(original.request.body);
  const verifier = form.get('code_verifier');
  if (form.get('grant_type') !== 'authorization_code' || !verifier || masked.request.body === undefined) return masked;
  const body = masked.request.body.replace(
    /(^|&)code_verifier=[^&]*/,
    (_all, sep: string) => `${sep}code_verifier=${encodeURIComponent(verifier)}`,
  );
  return { ...masked, request: { ...masked.request, body } };
}
