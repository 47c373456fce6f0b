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
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { capFlows, type PinResult, pinFlow } from '../pinned_flows.js';
import { isTraceId, newTraceId } from '../recorder.js';
import type { GrantKey } from '../steps.js';
import './session.js';

/**
 * Which grant a flow runs: the timeline explains each differently. `reorder` is a re-order that found its access
 * token still valid: no grant ran, only steps 7-8 of the Authorization Code flow that got the token.
 */
export type FlowKind =
  | 'authorization_code'
  | 'client_credentials'
  | 'device_code'
  | 'refresh_token'
  | 'reorder'
  | 'claims_editor';

/** The grant whose steps (steps.ts) number a flow of this kind. */
export const FLOW_GRANT: Record<FlowKind, GrantKey> = {
  authorization_code: 'authorization_code',
  client_credentials: 'client_credentials',
  device_code: 'device_code',
  refresh_token: 'refresh_token',
  reorder: 'authorization_code',
  claims_editor: 'authorization_code',
};

export interface TraceInfo {
  id: string;
  kind: FlowKind;
  label: string;
  startedAt: number;
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

const storage = new AsyncLocalStorage<{ req: Request; traceId?: string }>();

/** Middleware (after the session): back-channel calls made while serving this request join its flow's trace. */
export function traceContext(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    // A browser has no business naming our trace: only the printer starts traces (see recordExchanges).
    delete req.headers.traceparent;
    storage.run({ req }, next);
  };
}

/** The trace of the flow this browser is in, if any (read at call time: /callback regenerates the session). */
export function currentTraceId(): string | undefined {
  const store = storage.getStore();
  if (store?.traceId) return store.traceId;
  return store?.req.session ? currentTrace(store.req)?.id : undefined;
}

/** Run `fn` with its back-channel calls filed under `traceId` (e.g. the kiosk's own flow, while another is current). */
export function runInTrace<T>(traceId: string | undefined, fn: () => Promise<T>): Promise<T> {
  const store = storage.getStore();
  if (!store || !traceId) return fn();
  return storage.run({ ...store, traceId }, fn);
}

export function currentTrace(req: Request): TraceInfo | undefined {
  return req.session.traces?.at(-1);
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
