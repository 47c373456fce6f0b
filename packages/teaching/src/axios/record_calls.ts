/**
 * @module axios/record_calls
 *
 * The axios side of the recorder: a client's back channel (an axios instance) instrumented so that every call
 * made for a flow carries the flow's W3C `traceparent`, and the client's own view of the call is recorded for the
 * timeline. The client's code knows nothing of it: the app wiring calls `recordBackChannel(http, …)` once.
 */
import type { AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { isAxiosError } from 'axios';
import type { ServiceUrls } from '@oauth-demo/web';
import { describeOutgoing } from '../outgoing.js';
import { type Exchange, type Recorder, formatTraceparent, formatTracestate, newSpanId } from '../recorder.js';

export interface BackChannelTracing {
  /** The trace of the flow being served (express/trace.ts), or undefined outside any flow. */
  traceId(): string | undefined;
  /** Where the client files its own side of each traced call (TIMELINE_RECORDING). */
  recorder: Recorder;
  auth: ServiceUrls;
  drive: ServiceUrls;
  /** How the client names itself to its peers (they file our calls under the Client's lane: partyFromUserAgent). */
  userAgent: string;
  /** TRACE_SECRET, shared with the peers: each traced call proves it comes from us (tracestate, recorder.ts). */
  traceSecret: string;
  /** Why a call got no HTTP answer, in words a learner can act on (the client's own wording). */
  describeFailure(error: unknown): string;
  /**
   * Called when a call of flow `traceId` got the answer that ends its flow: the resource server answered (every
   * grant's last step, steps.ts), or the token endpoint refused (the flow failed). express/trace.ts endFlowOfCall.
   */
  flowEnded?(traceId: string): void;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** false: not part of the learner's flow (the timeline fetching recordings, the inspector fetching the JWKS). */
    trace?: false;
    /** Set by the back channel on a traced call: which trace and span it was sent as, and when. */
    traced?: { traceId: string; spanId: string; started: number };
  }
}

/**
 * Every back-channel call made for a flow carries the flow's trace as a W3C `traceparent` (a new span id per
 * call), and the printer records its own view of the call (request as sent, response as received) for the
 * timeline. This is the one place that does it, for every peer and every grant.
 */
export function recordBackChannel(http: AxiosInstance, tracing: BackChannelTracing): void {
  http.interceptors.request.use((config) => {
    config.headers.set('User-Agent', tracing.userAgent);
    if (config.trace === false) return config;
    const traceId = tracing.traceId();
    if (!traceId) return config;
    const spanId = newSpanId();
    config.headers.set('traceparent', formatTraceparent(traceId, spanId));
    // The peers record a traced call only with this proof (express/record_http.ts acceptTraceFromPrinter).
    config.headers.set('tracestate', formatTracestate(tracing.traceSecret, traceId));
    config.traced = { traceId, spanId, started: Date.now() };
    return config;
  });
  http.interceptors.response.use(
    (response) => {
      recordCall(tracing, response.config, response);
      const traced = response.config.traced;
      if (traced && tracing.flowEnded && endsFlow(response, tracing)) tracing.flowEnded(traced.traceId);
      return response;
    },
    (error: unknown) => {
      if (isAxiosError(error) && error.config)
        recordCall(tracing, error.config, undefined, tracing.describeFailure(error));
      throw error;
    },
  );
}

/** Drive answered (the last step of every grant), or the token endpoint refused a grant (the flow failed). */
function endsFlow(response: AxiosResponse, tracing: BackChannelTracing): boolean {
  const { config } = response;
  const described = describeOutgoing(
    config.url ?? '',
    (config.method ?? 'get').toUpperCase(),
    typeof config.data === 'string' ? config.data : undefined,
    response.status,
    tracing,
  );
  if (described.to === 'drive') return true;
  if (described.step === undefined || response.status < 400) return false;
  // A polling device's "not yet" is no refusal (RFC 8628 §3.5): the flow goes on.
  const error = (response.data as { error?: unknown } | null)?.error;
  return error !== 'authorization_pending' && error !== 'slow_down';
}

function recordCall(
  tracing: BackChannelTracing,
  config: InternalAxiosRequestConfig,
  response: AxiosResponse | undefined,
  failure?: string,
): void {
  const traced = config.traced;
  if (!traced || !tracing.recorder.enabled) return;
  const url = config.url ?? '';
  const method = (config.method ?? 'get').toUpperCase();
  const body = typeof config.data === 'string' ? config.data : undefined;
  const described = describeOutgoing(url, method, body, response?.status, tracing);
  const exchange: Exchange = {
    id: traced.spanId,
    traceId: traced.traceId,
    recordedBy: 'printer',
    from: 'printer',
    to: described.to,
    channel: 'back',
    label: described.label,
    at: traced.started,
    durationMs: Date.now() - traced.started,
    request: { method, url, headers: plainHeaders(config.headers), ...(body !== undefined ? { body } : {}) },
    response: response
      ? { status: response.status, headers: plainHeaders(response.headers), ...responseText(response) }
      : { headers: {}, body: `(no answer: ${failure ?? 'the connection failed'})` },
  };
  if (described.step !== undefined) exchange.step = described.step;
  const note = response ? described.note : `No answer: ${failure ?? 'the connection failed'}`;
  if (note !== undefined) exchange.note = note;
  tracing.recorder.add(exchange);
}

function plainHeaders(headers: unknown): Record<string, string> {
  const source =
    headers && typeof (headers as { toJSON?: unknown }).toJSON === 'function'
      ? (headers as { toJSON(): unknown }).toJSON()
      : headers;
  const out: Record<string, string> = {};
  if (source && typeof source === 'object') {
    for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
      if (value === undefined || value === null || typeof value === 'object') continue;
      out[name.toLowerCase()] = String(value);
    }
  }
  return out;
}

function responseText(response: AxiosResponse): { body?: string } {
  const data: unknown = response.data;
  const contentType = String(response.headers['content-type'] ?? '');
  if (data === undefined || data === null || data === '') return {};
  if (typeof data === 'string') return { body: data };
  if (data instanceof ArrayBuffer || Buffer.isBuffer(data)) {
    const bytes = Buffer.from(data as ArrayBuffer);
    if (/json|text/.test(contentType)) return { body: bytes.toString('utf8') };
    return { body: `(${bytes.length} bytes of ${contentType.split(';')[0] || 'data'})` };
  }
  return { body: JSON.stringify(data) };
}
