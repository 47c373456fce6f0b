/**
 * @module express/trace
 *
 * One W3C trace (https://www.w3.org/TR/trace-context/) per flow the learner starts: "Import photos from Drive",
 * the print lab, the kiosk, a re-order. The trace id lives in the browser's server-side session; every
 * back-channel call made while serving that browser sends it in a `traceparent` header (back_channel_recording.ts), so the
 * auth server and Drive file what they see under the same id, and the timeline page can ask them for it.
 *
 * The request being served is found through an AsyncLocalStorage (set by `traceContext()`), so the one place
 * that builds back-channel calls needs no trace argument threaded through every function.
 *
 * A flow ends when its last step is done, or when it fails (`endTrace`): every grant ends with the resource
 * server's answer (steps.ts), so the back channel ends the flow when Drive has answered one of its calls
 * (`endFlowOfCall`, wired by the client), and a refusal or an error page of the flow ends it too. The request
 * during which it ended still belongs to it (its remaining calls, its page); later requests of the same browser
 * session start no flow, or their own: they are never filed under a finished one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { capFlows, type PinResult, pinFlow } from '../pinned_flows.js';
import { isTraceId, newTraceId } from '../recorder.js';
import type { GrantKey } from '../steps.js';
import './session.js';

/**
 * Which grant a flow runs: the timeline explains each differently. `reorder` is a re-order that found its access
 * token still valid: no grant ran, only steps 7-8 of the Authorization Code flow that got the token. `photos` is a
 * later visit to "Your photos" (not the import's finishing page): the same steps 7-8 with the token the client holds;
 * `order` is placing an order: Photo Printer fetches the chosen photos from Drive with that token (steps 7-8 again).
 */
export type FlowKind =
  | 'authorization_code'
  | 'client_credentials'
  | 'device_code'
  | 'refresh_token'
  | 'reorder'
  | 'photos'
  | 'order'
  | 'claims_editor';

/** The grant whose steps (steps.ts) number a flow of this kind. */
export const FLOW_GRANT: Record<FlowKind, GrantKey> = {
  authorization_code: 'authorization_code',
  client_credentials: 'client_credentials',
  device_code: 'device_code',
  refresh_token: 'refresh_token',
  reorder: 'authorization_code',
  photos: 'authorization_code',
  order: 'authorization_code',
  claims_editor: 'authorization_code',
};

export interface TraceInfo {
  id: string;
  kind: FlowKind;
  label: string;
  startedAt: number;
  /** When its last step was done, or it failed; from then on it is no browser request's current flow. */
  endedAt?: number;
  /** Pinned in the timeline: never forgotten by the session's cap (pinned_flows.ts). */
  pinned?: boolean;
}

/**
 * The flows of one session the timeline can show (newest last). Older ones are forgotten, and the timeline says
 * how many: never a silent cap. Pinned flows are not forgotten (and count towards it).
 */
export const MAX_TRACES_PER_SESSION = 20;

/** How many forgotten flow ids a session remembers, so a link to one says "forgotten", not "not yours". */
const MAX_FORGOTTEN_TRACES = 100;

/** For each request during which a flow ended: that flow's id (it stays the request's flow until it is answered). */
const endedDuring = new WeakMap<Request, string>();

/** The request being served, and the flow its calls join when a route chose one (null: explicitly none). */
const storage = new AsyncLocalStorage<{ req: Request; traceId?: string | null }>();

/** Middleware (after the session): back-channel calls made while serving this request join its flow's trace. */
export function traceContext(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    // A browser has no business naming our trace: only the printer starts traces (see recordExchanges).
    delete req.headers.traceparent;
    storage.run({ req }, next);
  };
}

/**
 * The trace of the flow this browser is in right now, if any (read at call time: /callback regenerates the
 * session): what a back-channel call joins unless a route chose (runInTrace).
 */
export function currentTraceId(): string | undefined {
  const store = storage.getStore();
  if (store?.traceId !== undefined) return store.traceId ?? undefined;
  return store?.req.session ? activeTrace(store.req)?.id : undefined;
}

/**
 * Run `fn` with its back-channel calls filed under `traceId` (e.g. the kiosk's own flow, while another is current),
 * unless that flow has ended (then under none). `evenIfEnded`: a deliberate part of a finished flow (the
 * thumbnails of the page that finished it; the inspector's tampered copy of its token).
 */
export function runInTrace<T>(
  traceId: string | undefined,
  fn: () => Promise<T>,
  options: { evenIfEnded?: boolean } = {},
): Promise<T> {
  const store = storage.getStore();
  if (!store || !traceId) return fn();
  const known = store.req.session?.traces?.find((t) => t.id === traceId);
  const over = known?.endedAt !== undefined && endedDuring.get(store.req) !== traceId && !options.evenIfEnded;
  return storage.run({ ...store, traceId: over ? null : traceId }, fn);
}

/** The session's newest flow, running or ended (the timeline's default, the one the lesson pins). */
export function currentTrace(req: Request): TraceInfo | undefined {
  return req.session.traces?.at(-1);
}

/**
 * The flow this browser is in: its newest flow while it runs. Once it has ended, none (except for the request
 * during which it ended): later requests are never filed under a finished flow.
 */
export function activeTrace(req: Request): TraceInfo | undefined {
  const last = currentTrace(req);
  if (!last || last.endedAt === undefined) return last;
  return endedDuring.get(req) === last.id ? last : undefined;
}

function end(req: Request, trace: TraceInfo, now: number): void {
  if (trace.endedAt !== undefined) return;
  trace.endedAt = now;
  endedDuring.set(req, trace.id);
}

/** The current flow of this browser is over: its last step is done, or it failed. */
export function endTrace(req: Request, now = Date.now()): void {
  const trace = activeTrace(req);
  if (trace) end(req, trace, now);
}

/**
 * For the back channel: a call of flow `traceId` got the answer that ends its flow (the resource server's, the
 * last step of every grant; or a refusal). Ends that flow of the session being served.
 */
export function endFlowOfCall(traceId: string): void {
  const req = storage.getStore()?.req;
  const trace = req?.session?.traces?.find((t) => t.id === traceId);
  if (req && trace) end(req, trace, Date.now());
}

/** The flow that ended while serving this request, if one did: its page may load its own parts in it. */
export function traceEndedDuring(req: Request): string | undefined {
  return endedDuring.get(req);
}

/**
 * For an error page: when the request that failed was an exchange of the current flow (a route filed it under
 * the flow with describeExchange), the flow failed, and is over.
 */
export function endTraceOnFailure(req: Request, res: Response): void {
  const key = (res.locals.recording as { key?: unknown } | undefined)?.key;
  if (req.session && key !== undefined && activeTrace(req)?.id === key) endTrace(req);
}

/** The session's trace with this id, or the current one; never another session's (the id is the capability). */
export function findTrace(req: Request, id: unknown): TraceInfo | undefined {
  const traces = req.session.traces ?? [];
  if (id === undefined || id === '') return traces.at(-1);
  return isTraceId(id) ? traces.find((t) => t.id === id) : undefined;
}

/** A new flow begins: a fresh random trace id (128 bits) becomes this session's current trace. */
export function startTrace(req: Request, kind: FlowKind, label: string, now = Date.now()): TraceInfo {
  const trace: TraceInfo = { id: newTraceId(), kind, label, startedAt: now };
  const { kept, dropped } = capFlows([...(req.session.traces ?? []), trace], MAX_TRACES_PER_SESSION);
  req.session.traces = kept;
  if (dropped.length > 0)
    req.session.forgottenTraces = [...(req.session.forgottenTraces ?? []), ...dropped.map((t) => t.id)].slice(
      -MAX_FORGOTTEN_TRACES,
    );
  return trace;
}

/** Whether `id` names a flow this session once had and has since forgotten (it keeps MAX_TRACES_PER_SESSION). */
export function isForgottenTrace(req: Request, id: unknown): boolean {
  return typeof id === 'string' && (req.session.forgottenTraces ?? []).includes(id);
}

/** Pin or unpin one of this session's flows (the id is the capability: never another session's). */
export function pinTrace(req: Request, id: unknown, pin: boolean): PinResult {
  if (!isTraceId(id)) return 'unknown';
  const { flows, result } = pinFlow(req.session.traces ?? [], id, pin);
  req.session.traces = flows;
  return result;
}
