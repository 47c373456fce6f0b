/**
 * @module attribution
 *
 * Where the slowest requests of benchmark 3 waited. Joins the load generator's timings of each request
 * (http_client.ts ClientTiming) with the services' own (servers/timings.ts, NDJSON) by the `x-bench-request` id,
 * and cuts each request's time into consecutive parts:
 * - `client queue`: waiting in the load generator's agent for a socket;
 * - `connect`: the TCP handshake of a new connection (a SYN dropped by a full listen queue costs 1, 3, 7, 15 s…);
 * - `accept queue`: handshake done, connection not yet accepted by the service (kernel queue + its busy loop);
 * - `before handler`: accepted (or sent on a kept connection), head not yet parsed: the service's event loop;
 * - `back channel`: the service's calls to its peers, split into waiting for an agent socket, and the rest;
 * - `thread pool`: scrypt and WebCrypto work (queue included) done for this request;
 * - `in handler`: the rest of the service's time on the request (its code and the event-loop turns in between);
 * - `to client`: response finished on the server, not yet read by the load generator (its own event loop).
 */
import { readFileSync } from 'node:fs';
import type { ClientTiming } from './http_client.js';
import { median, percentile, round } from './stats.js';

/** One back-channel call in a ServerTiming line (written by servers/timings.ts). */
export interface ServerCall {
  path: string;
  start: number;
  sock?: number;
  con?: number;
  res?: number;
  end?: number;
  status?: number;
  reused?: boolean;
}

export interface ServerTiming {
  svc: string;
  id?: string;
  parent?: string;
  method: string;
  path: string;
  acc: number;
  req: number;
  fin?: number;
  status?: number;
  nth: number;
  bc: ServerCall[];
  tp: { kind: string; start: number; end: number }[];
}

interface LoopSample {
  svc: string;
  loop: number;
  maxMs: number;
}

export const PARTS = [
  'client queue',
  'connect',
  'accept queue',
  'before handler',
  'back-channel socket wait',
  'back channel',
  'thread pool',
  'in handler',
  'to client',
  'no answer',
] as const;
export type Part = (typeof PARTS)[number];

export interface SlowRequest {
  step: string;
  totalMs: number;
  newConnection: boolean;
  status: number | string;
  parts: Partial<Record<Part, number>>;
}

export interface StepAttribution {
  step: string;
  count: number;
  p99Ms: number;
  maxMs: number;
  /** Requests at or above the step's p99: how many, and the median of each part among them. */
  slow: number;
  slowOnNewConnection: number;
  slowMedianParts: Partial<Record<Part, number>>;
}

export interface Attribution {
  requests: number;
  joined: number;
  steps: StepAttribution[];
  slowest: SlowRequest[];
  /** New connections whose handshake took ≥ 1 s (a dropped SYN, sent again): the listen queue was full. */
  slowConnects: number;
  /** Connections that waited ≥ 1 s between the handshake and the service's accept. */
  slowAccepts: number;
  /** Per service: the longest event-loop delay seen in any second, and the seconds with a delay over 500 ms. */
  loops: { service: string; maxMs: number; secondsOver500Ms: number }[];
}

export function readServerTimings(files: readonly string[]): { requests: ServerTiming[]; loops: LoopSample[] } {
  const requests: ServerTiming[] = [];
  const loops: LoopSample[] = [];
  for (const file of files) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      const value = JSON.parse(line) as ServerTiming | LoopSample;
      if ('loop' in value) loops.push(value);
      else requests.push(value);
    }
  }
  return { requests, loops };
}

const span = (from: number | undefined, to: number | undefined) =>
  from === undefined || to === undefined ? 0 : Math.max(0, to - from);

/** The parts of one request (see the module comment); they add up to its whole time. */
export function partsOf(client: ClientTiming, server: ServerTiming | undefined): Partial<Record<Part, number>> {
  const parts: Partial<Record<Part, number>> = {};
  const add = (part: Part, ms: number) => {
    if (ms > 0) parts[part] = (parts[part] ?? 0) + ms;
  };
  const end = client.end ?? client.start;
  add('client queue', span(client.start, client.sock ?? end));
  const sent = client.con ?? client.sock;
  if (client.con !== undefined) add('connect', span(client.sock, client.con));
  else if (client.sock !== undefined && !client.reused && client.error) add('connect', span(client.sock, end));
  if (!server) {
    add('no answer', span(sent, end));
    return parts;
  }
  const newConnection = client.con !== undefined && server.nth === 1;
  if (newConnection) add('accept queue', span(sent, server.acc));
  const parsedFrom = newConnection ? Math.max(server.acc, sent ?? server.acc) : (sent ?? server.req);
  add('before handler', span(parsedFrom, server.req));
  let elsewhere = 0;
  for (const call of server.bc) {
    const socketWait = span(call.start, call.sock);
    const total = span(call.start, call.end);
    add('back-channel socket wait', socketWait);
    add('back channel', total - socketWait);
    elsewhere += total;
  }
  for (const work of server.tp) {
    const ms = span(work.start, work.end);
    add('thread pool', ms);
    elsewhere += ms;
  }
  const fin = server.fin ?? end;
  add('in handler', span(server.req, fin) - elsewhere);
  if (client.error && server.fin === undefined) add('no answer', span(server.req, end) - elsewhere);
  else add('to client', span(fin, end));
  return parts;
}

export function attribute(
  clients: readonly ClientTiming[],
  servers: { requests: ServerTiming[]; loops: LoopSample[] },
): Attribution {
  const byId = new Map<string, ServerTiming>();
  for (const s of servers.requests) if (s.id) byId.set(s.id, s);
  const byStep = new Map<string, ClientTiming[]>();
  for (const c of clients) {
    const list = byStep.get(c.step) ?? [];
    list.push(c);
    byStep.set(c.step, list);
  }
  const total = (c: ClientTiming) => span(c.start, c.end);
  const toSlow = (c: ClientTiming): SlowRequest => {
    const s = byId.get(c.id);
    const parts = partsOf(c, s);
    for (const k of Object.keys(parts) as Part[]) parts[k] = round(parts[k]!, 1);
    return {
      step: c.step,
      totalMs: round(total(c), 1),
      newConnection: c.con !== undefined,
      status: c.error ?? c.status ?? 0,
      parts,
    };
  };
  const steps: StepAttribution[] = [];
  for (const [step, list] of byStep) {
    const totals = list.map(total);
    const p99 = percentile(totals, 99);
    const slow = list.filter((c) => total(c) >= p99).map(toSlow);
    const slowMedianParts: Partial<Record<Part, number>> = {};
    for (const part of PARTS) {
      const m = median(slow.map((r) => r.parts[part] ?? 0));
      if (m > 0) slowMedianParts[part] = round(m, 1);
    }
    steps.push({
      step,
      count: list.length,
      p99Ms: round(p99, 1),
      maxMs: round(Math.max(...totals), 1),
      slow: slow.length,
      slowOnNewConnection: slow.filter((r) => r.newConnection).length,
      slowMedianParts,
    });
  }
  const slowest = [...clients]
    .sort((a, b) => total(b) - total(a))
    .slice(0, 12)
    .map(toSlow);
  const loops = new Map<string, { maxMs: number; secondsOver500Ms: number }>();
  for (const l of servers.loops) {
    const entry = loops.get(l.svc) ?? { maxMs: 0, secondsOver500Ms: 0 };
    entry.maxMs = Math.max(entry.maxMs, l.maxMs);
    if (l.maxMs > 500) entry.secondsOver500Ms++;
    loops.set(l.svc, entry);
  }
  let slowAccepts = 0;
  for (const c of clients) {
    const s = byId.get(c.id);
    if (c.con !== undefined && s && s.nth === 1 && s.acc - c.con >= 1000) slowAccepts++;
  }
  return {
    requests: clients.length,
    joined: clients.filter((c) => byId.has(c.id)).length,
    steps,
    slowest,
    slowConnects: clients.filter((c) => c.con !== undefined && c.sock !== undefined && c.con - c.sock >= 1000).length,
    slowAccepts,
    loops: [...loops].map(([service, v]) => ({ service, ...v, maxMs: round(v.maxMs, 1) })),
  };
}
