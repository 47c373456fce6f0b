/**
 * @module timeline
 *
 * "Behind the scenes": the whole flow as one sequence diagram. Photo Printer merges three recordings of the same
 * W3C trace: its own (the hops it served, the back-channel calls it made), the auth server's and Drive's (asked
 * for over the back channel at `/_demo/recordings/<traceId>`). A call the printer made and its peer received is
 * recorded twice: the peer's copy names the printer's span in its `traceparent` header, so the two are joined
 * into one arrow, not guessed from times.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import type { ServiceUrls } from '@oauth-demo/web';
import { type Exchange, type Party, type RecordedMessage, parseTraceparent } from './recorder.js';
import { type GrantKey, type StepNumber, stepNumbersOf } from './steps.js';

const LANES: { party: Party; name: string; role: string }[] = [
  { party: 'browser', name: 'Browser', role: 'Resource Owner' },
  { party: 'printer', name: 'Photo Printer', role: 'Client' },
  { party: 'auth', name: 'Auth server', role: 'Authorization Server' },
  { party: 'drive', name: 'Drive', role: 'Resource Server' },
];

/** The fifth lane, shown only for a flow of the attack lab that involves Mallory's site. */
const MALLORY_LANE: { party: Party; name: string; role: string } = {
  party: 'mallory',
  name: 'Mallory',
  role: 'Attacker (attack lab)',
};

const ALL_LANES = [...LANES, MALLORY_LANE];

/** The lanes of one flow's diagram: the four roles, and Mallory's lane when a row involves her. */
export function lanesFor(rows: readonly { from: Party; to: Party }[]): { party: Party; name: string; role: string }[] {
  return rows.some((r) => r.from === 'mallory' || r.to === 'mallory') ? ALL_LANES : LANES;
}

export function laneIndex(party: Party): number {
  return ALL_LANES.findIndex((l) => l.party === party) + 1;
}

export function laneName(party: Party): string {
  return ALL_LANES.find((l) => l.party === party)?.name ?? party;
}

export type SourceState = 'ok' | 'off' | 'down' | 'refused';

export interface SourceStatus {
  party: 'auth' | 'drive';
  name: string;
  state: SourceState;
  detail: string;
  count: number;
  /** Whether this source's records are shown unmasked. */
  revealed: boolean;
}

/** One exchange as the page shows it: possibly seen by two parties (the caller's copy and the callee's). */
export interface MergedExchange extends Exchange {
  /** Photo Printer's own copy of a call its peer also recorded: the request as sent, the response as received. */
  clientCopy?: Exchange;
  /** Later calls of the same kind, folded under this one (see foldRepeats). */
  repeats?: MergedExchange[];
}

export interface TimelineRow {
  kind: 'request' | 'response';
  at: number;
  from: Party;
  to: Party;
  step?: number;
  /** What happens, in words. */
  label: string;
  /** "POST /token" or "303 → http://…" */
  summary: string;
  channel: 'front' | 'back';
  note?: string;
  exchange: MergedExchange;
}

const PARTIES: Party[] = ['browser', 'printer', 'auth', 'drive'];
const MAX_REMOTE = 200;

function str(v: unknown, max = 20_000): string | undefined {
  return typeof v === 'string' ? v.slice(0, max) : undefined;
}

function message(v: unknown): RecordedMessage {
  const m = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const headers: Record<string, string> = {};
  if (typeof m.headers === 'object' && m.headers !== null) {
    for (const [k, val] of Object.entries(m.headers as Record<string, unknown>).slice(0, 60))
      if (typeof val === 'string') headers[k.toLowerCase()] = val.slice(0, 4000);
  }
  const out: RecordedMessage = { headers };
  const method = str(m.method, 10);
  const url = str(m.url, 4000);
  const body = str(m.body);
  if (method) out.method = method;
  if (url) out.url = url;
  if (typeof m.status === 'number') out.status = m.status;
  if (body !== undefined) out.body = body;
  return out;
}

/** A peer's recording, checked field by field: it is data from another service, shown in our page. */
function sanitizeExchange(v: unknown, recordedBy: Party): Exchange | null {
  if (typeof v !== 'object' || v === null) return null;
  const e = v as Record<string, unknown>;
  const from = PARTIES.find((p) => p === e.from);
  const to = PARTIES.find((p) => p === e.to);
  if (!from || !to || typeof e.at !== 'number' || typeof e.id !== 'string') return null;
  const out: Exchange = {
    id: e.id.slice(0, 64),
    traceId: str(e.traceId, 200) ?? '',
    recordedBy,
    from,
    to,
    channel: e.channel === 'back' ? 'back' : 'front',
    label: str(e.label, 300) ?? '',
    at: e.at,
    durationMs: typeof e.durationMs === 'number' && e.durationMs >= 0 ? e.durationMs : 0,
    request: message(e.request),
    response: message(e.response),
  };
  if (typeof e.step === 'number' && Number.isInteger(e.step) && e.step >= 1 && e.step <= 8) out.step = e.step;
  const note = str(e.note, 500);
  if (note) out.note = note;
  return out;
}

export interface RemoteSource {
  party: 'auth' | 'drive';
  urls: ServiceUrls;
}

/**
 * Ask a peer what it recorded of this trace. A peer that is down, or has recording off (404), is a state shown
 * on the page, not an error. `reveal` (instructor mode) authenticates as the printer to get unmasked records.
 */
export async function fetchRecordings(
  http: AxiosInstance,
  source: RemoteSource,
  traceId: string,
  reveal?: { clientId: string; clientSecret: string },
  /** Keys of authorization requests of this flow the auth server may have refused (authorizationRequestKey). */
  refusedKeys: readonly string[] = [],
): Promise<{ status: SourceStatus; exchanges: Exchange[] }> {
  const name = source.party === 'auth' ? 'Auth server' : 'Drive';
  const query = new URLSearchParams(refusedKeys.slice(0, 4).map((k) => ['authorize', k]));
  if (reveal) query.set('reveal', '1');
  const url = `${source.urls.internalUrl}/_demo/recordings/${traceId}${query.size > 0 ? `?${query}` : ''}`;
  const status: SourceStatus = { party: source.party, name, state: 'ok', detail: '', count: 0, revealed: false };
  let response: AxiosResponse<unknown>;
  try {
    response = await http.get<unknown>(url, {
      trace: false,
      responseType: 'json',
      ...(reveal ? { headers: { Authorization: buildBasicAuthorization(reveal.clientId, reveal.clientSecret) } } : {}),
    });
  } catch {
    return {
      status: {
        ...status,
        state: 'down',
        detail: `${name} is not reachable at ${source.urls.internalUrl}: its side of the flow cannot be shown.`,
      },
      exchanges: [],
    };
  }
  if (response.status === 404) {
    return {
      status: {
        ...status,
        state: 'off',
        detail: `${name} does not record exchanges (TIMELINE_RECORDING=off there), or runs a version without recordings.`,
      },
      exchanges: [],
    };
  }
  if (response.status !== 200) {
    return {
      status: {
        ...status,
        state: 'refused',
        detail: `${name} answered HTTP ${response.status} when asked for its recordings.`,
      },
      exchanges: [],
    };
  }
  const data = response.data as { exchanges?: unknown } | null;
  const list = Array.isArray(data?.exchanges) ? data.exchanges.slice(0, MAX_REMOTE) : [];
  const exchanges = list.map((e) => sanitizeExchange(e, source.party)).filter((e): e is Exchange => e !== null);
  // Say who made the calls a peer recorded: "Drive: 23 exchanges" read as if Drive had made them.
  const callers = [...new Set(exchanges.map((e) => laneName(e.from)))];
  const detail =
    exchanges.length === 0
      ? `${name} recorded nothing of this flow.`
      : `${name} recorded ${exchanges.length} request${exchanges.length === 1 ? '' : 's'} it received in this flow, from ${callers.join(' and ')}.`;
  return { status: { ...status, count: exchanges.length, revealed: reveal !== undefined, detail }, exchanges };
}

function header(message: RecordedMessage, name: string): string | undefined {
  const found = Object.entries(message.headers).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

/**
 * One list of exchanges, without duplicates, oldest first. A peer's record of a call the printer made (its
 * `traceparent` names the printer's span id) replaces the printer's record, which stays attached as the
 * client's copy: the peer knows the step and its verdict, the printer knows what it sent.
 */
export function mergeExchanges(own: Exchange[], remote: Exchange[]): MergedExchange[] {
  const bySpan = new Map(
    own.filter((e) => e.recordedBy === 'printer' && e.channel === 'back').map((e) => [e.id, e] as const),
  );
  const joined = new Set<string>();
  const seen = new Set<string>();
  const merged: MergedExchange[] = [];
  for (const e of remote) {
    const key = `${e.recordedBy}:${e.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const parent = parseTraceparent(header(e.request, 'traceparent'))?.parentId;
    const mine = parent ? bySpan.get(parent) : undefined;
    if (mine && !joined.has(mine.id)) {
      joined.add(mine.id);
      merged.push({ ...e, from: 'printer', clientCopy: mine });
    } else {
      merged.push(e);
    }
  }
  for (const e of own) if (!joined.has(e.id)) merged.push(e);
  return merged.sort((a, b) => a.at - b.at || b.durationMs - a.durationMs);
}

/**
 * The same read again and again (one Drive call per thumbnail: GET /api/photos/<id>/content) says nothing new
 * after the first: such calls are folded under the first of their kind, which the page shows with "and N more
 * like this". Only back-channel GETs with the same answer status are folded; everything that changes state
 * (token requests, polls, consent) stays on the timeline, each in its place.
 */
export function foldRepeats(exchanges: MergedExchange[]): MergedExchange[] {
  const firstOfKind = new Map<string, MergedExchange>();
  const repeats = new Map<MergedExchange, MergedExchange[]>();
  const shown: MergedExchange[] = [];
  for (const e of exchanges) {
    const kind = e.channel === 'back' && e.request.method === 'GET' ? repeatKind(e) : undefined;
    const first = kind === undefined ? undefined : firstOfKind.get(kind);
    if (first) {
      repeats.set(first, [...(repeats.get(first) ?? []), e]);
      continue;
    }
    if (kind !== undefined) firstOfKind.set(kind, e);
    shown.push(e);
  }
  // New objects: the exchanges may be the recorder's own, which must not change.
  return shown.map((e) => (repeats.has(e) ? { ...e, repeats: repeats.get(e)! } : e));
}

/** Who calls whom, for which step, on which path (ids replaced by `:id`), and the answer's status. */
function repeatKind(e: Exchange): string {
  return [e.from, e.to, e.step ?? '', genericPath(e.request.url), e.response.status ?? ''].join(' ');
}

/**
 * `/api/photos/4f1c…/content` → `/api/photos/:id/content`: Drive's API names each resource
 * `/api/<collection>/<id>`, so the segment after the collection is the id.
 */
export function genericPath(url: string | undefined): string {
  let path = url ?? '';
  try {
    path = new URL(path, 'http://x').pathname;
  } catch {
    // keep the raw text
  }
  const segments = path.split('/');
  if (segments[1] === 'api' && segments.length > 3) segments[3] = ':id';
  return segments.join('/');
}

const STEP_NOTE = /^Step ([1-8])\b/;

function isRedirect(status: number | undefined): boolean {
  return status !== undefined && status >= 300 && status < 400;
}

/** The notes' step of each arrow: the request's, and the answer's (a note "Step N: …", or the code coming back). */
export function stepsOf(e: Exchange): { request?: number; response?: number } {
  const fromNote = e.note ? STEP_NOTE.exec(e.note)?.[1] : undefined;
  if (fromNote) return { ...(e.step !== undefined ? { request: e.step } : {}), response: Number(fromNote) };
  // The auth server files the consent answer as step 4: the request is your decision (step 3), the redirect
  // carrying the code back to the client is step 4.
  if (e.step === 4 && e.recordedBy === 'auth' && e.channel === 'front' && isRedirect(e.response.status))
    return { request: 3, response: 4 };
  return e.step !== undefined ? { request: e.step } : {};
}

/**
 * A URL as a reader should see it: percent-escapes of text decoded (a masked value reads `abc123…(43 chars, masked)`,
 * not `abc123%E2%80%A6(43%20chars…`), while the escapes that carry structure (`%26` for &, `%3D` for =, `%2F`…)
 * stay, so the query still reads as it was sent. Display only: the recorded value is unchanged.
 */
export function readableUrl(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

function pathOf(url: string | undefined): string {
  if (!url) return '';
  try {
    const u = new URL(url, 'http://x');
    return readableUrl(url.startsWith('/') ? `${u.pathname}${u.search}` : url);
  } catch {
    return readableUrl(url);
  }
}

/**
 * HTML for a URL or path that may break only after / ? & = (never mid-word): each such character is followed by a
 * <wbr>. The text is escaped first.
 */
export function breakableHtml(text: string): string {
  const escaped = text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
  return escaped.replace(/(\/|\?|&amp;|=|,)/g, '$1<wbr>');
}

function shorten(text: string, max = 110): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Each exchange is two arrows: the request, and the answer going back; ordered by time. */
export function buildRows(exchanges: MergedExchange[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const e of exchanges) {
    const steps = stepsOf(e);
    const request: TimelineRow = {
      kind: 'request',
      at: e.at,
      from: e.from,
      to: e.to,
      label: e.label,
      summary: shorten(`${e.request.method ?? ''} ${pathOf(e.request.url)}`.trim()),
      channel: e.channel,
      exchange: e,
    };
    if (steps.request !== undefined) request.step = steps.request;
    rows.push(request);
    const location = header(e.response, 'location');
    const status = e.response.status;
    const response: TimelineRow = {
      kind: 'response',
      at: e.at + e.durationMs,
      from: e.to,
      to: e.from,
      label: e.note
        ? e.note.replace(STEP_NOTE, '').replace(/^[:,]\s*/, '')
        : isRedirect(status)
          ? 'Redirect'
          : 'Answer',
      summary: shorten(status === undefined ? 'no answer' : `${status}${location ? ` → ${location}` : ''}`),
      channel: e.channel,
      exchange: e,
    };
    if (steps.response !== undefined) response.step = steps.response;
    if (e.note) response.note = e.note;
    rows.push(response);
  }
  const rank = (r: TimelineRow) => (r.kind === 'response' ? 0 : 1);
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      if (a.r.at !== b.r.at) return a.r.at - b.r.at;
      // An exchange answered within the same millisecond: its request still comes before its own response.
      if (a.r.exchange === b.r.exchange) return a.r.kind === 'request' ? -1 : 1;
      if (rank(a.r) !== rank(b.r)) return rank(a.r) - rank(b.r);
      // Same instant, same kind: the outer call opens first and closes last.
      const d = a.r.exchange.durationMs - b.r.exchange.durationMs;
      return (a.r.kind === 'request' ? -d : d) || a.i - b.i;
    })
    .map(({ r }) => r);
}

/**
 * The rows as one grant's timeline: a step number the grant does not have (docs/notes.md, the grants table) is
 * dropped rather than shown with another grant's meaning, and the arrow keeps its label. Returns the rows and the
 * steps that occur, in order, for the step bar.
 */
export function rowsForGrant(rows: TimelineRow[], grant: GrantKey): { rows: TimelineRow[]; steps: StepNumber[] } {
  const own = new Set<number>(stepNumbersOf(grant));
  const fitted = rows.map((r): TimelineRow => {
    if (r.step === undefined || own.has(r.step)) return r;
    const rest: TimelineRow = { ...r };
    delete rest.step;
    return rest;
  });
  const steps = [...new Set(fitted.map((r) => r.step).filter((s): s is StepNumber => s !== undefined))].sort(
    (a, b) => a - b,
  );
  return { rows: fitted, steps };
}

/**
 * How a flow ended, in words the flow list can show: `denied` is the user's Deny (error=access_denied), `refused`
 * another error sent back to the client (`error` names it, e.g. invalid_scope), `stopped` an authorization request
 * the auth server had to answer with its own error page, `unfinished` one nothing came back for (abandoned at the
 * sign-in or consent screen).
 */
export interface FlowOutcome {
  kind: 'ok' | 'failed' | 'denied' | 'refused' | 'stopped' | 'unfinished' | 'unrecorded';
  /** The error code of a refusal (RFC 6749 §4.1.2.1), as the callback received it. */
  error?: string;
}

/** What the client registered: an authorization request naming anything else ends on the auth server's error page. */
export interface RegisteredClient {
  clientId: string;
  redirectUri: string;
}

/** The query of a URL (absolute or a path), or none. */
function queryOf(url: string | undefined): URLSearchParams | undefined {
  if (!url) return undefined;
  try {
    return new URL(url, 'http://x').searchParams;
  } catch {
    return undefined;
  }
}

/** The authorization requests a flow sent through the browser (client_id and state), from the client's records. */
export function sentAuthorizationRequests(own: Exchange[]): { clientId: string; state: string }[] {
  const sent: { clientId: string; state: string }[] = [];
  for (const e of own) {
    if (e.recordedBy !== 'printer' || e.channel !== 'front') continue;
    const q = queryOf(e.response.headers.location);
    const clientId = q?.get('client_id');
    const state = q?.get('state');
    if (q?.has('response_type') && clientId && state) sent.push({ clientId, state });
  }
  return sent;
}

/**
 * How a flow ended, from the client's own records of it:
 * - a callback carrying `error=` is a refusal: access_denied is the user's Deny, any other code is the auth
 *   server's (named, e.g. invalid_scope);
 * - a page the browser got with a 4xx/5xx is a failed flow;
 * - an authorization request sent through the browser (a redirect whose query has response_type) that no answer
 *   came back for: if it named a client_id or redirect_uri other than the registered ones, the auth server must
 *   not redirect and shows its own error page (RFC 6749 §4.1.2.1: `stopped`); otherwise the user left it at the
 *   sign-in or consent screen (`unfinished`);
 * - otherwise it went through.
 */
export function flowOutcome(own: Exchange[], registered: RegisteredClient): FlowOutcome {
  const front = own.filter((e) => e.recordedBy === 'printer' && e.channel === 'front');
  if (front.length === 0) return { kind: 'unrecorded' };
  const queries = front.map((e) => queryOf(e.request.url));
  const error = queries.find((q) => q?.has('error'))?.get('error');
  if (typeof error === 'string')
    return error === 'access_denied' ? { kind: 'denied' } : { kind: 'refused', error: error.slice(0, 64) };
  if (front.some((e) => (e.response.status ?? 0) >= 400)) return { kind: 'failed' };
  const sent = front
    .map((e) => queryOf(e.response.headers.location))
    .find((q): q is URLSearchParams => q?.has('response_type') === true);
  const answered = queries.some((q) => q?.has('code') || q?.has('state'));
  if (sent && !answered) {
    const redirectUri = sent.get('redirect_uri');
    const unregistered =
      sent.get('client_id') !== registered.clientId || (redirectUri !== null && redirectUri !== registered.redirectUri);
    return { kind: unregistered ? 'stopped' : 'unfinished' };
  }
  return { kind: 'ok' };
}
