/**
 * @module back_channel
 *
 * Server-to-server HTTP: the printer talking to the auth server (metadata, token endpoint) and to Drive (the
 * API). The browser never sees these requests, which is why the client secret, the code_verifier and the
 * tokens can travel here and nowhere else (RFC 6749 §1.3.1, §10.3).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { type ServiceUrls, isUnder } from '@oauth-demo/web';

/** How the printer names itself to its peers: they file our calls under the Client's lane (partyFromUserAgent). */
export const USER_AGENT = 'photo-printer/1.0';

export interface BackChannel {
  http: AxiosInstance;
  close(): void;
}

/**
 * `instrument`, when given, is called once with the axios instance before any call is made: the app wiring uses it
 * to let the teaching layer trace and record the calls (the timeline), without the client's code knowing.
 */
export function createBackChannel(timeoutMs: number, instrument?: (http: AxiosInstance) => void): BackChannel {
  // Keep-alive: the printer makes many small calls to the same two peers (one per thumbnail).
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16 });
  const http = axios.create({
    timeout: timeoutMs,
    httpAgent,
    httpsAgent,
    // Every status is an answer we handle ourselves (errors of RFC 6749 §5.2 and RFC 6750 §3 come as 4xx).
    validateStatus: () => true,
    // Never follow a redirect on the back channel: it would carry our credentials somewhere we did not choose.
    maxRedirects: 0,
    // Back-channel peers are on a local or compose network; an HTTP(S)_PROXY from the shell must not reroute them.
    proxy: false,
    maxContentLength: 5 * 1024 * 1024,
    headers: { Accept: 'application/json', 'User-Agent': USER_AGENT },
  });
  instrument?.(http);
  return {
    http,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
<<<<<<< HEAD
 * Is `url` the service's public or internal base URL, or below it? Compared on whole path segments, so
 * `http://localhost:9001` does not cover `http://localhost:90010` nor `http://localhost:9001.evil.test`.
 */
export function isUnder(url: string, base: string): boolean {
  return url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`);
}

/**
 * The docker-compose split of docs/design.md ("Public vs internal URLs"): the other services advertise their PUBLIC
=======
 * The docker-compose split of DESIGN.md ("Public vs internal URLs"): the other services advertise their PUBLIC
>>>>>>> 115a145
 * URL (the issuer's metadata names its token endpoint under the issuer; Drive's JSON names its images under
 * Drive's public URL), because that is what a browser can open. Inside docker-compose the printer cannot reach
 * `http://localhost:9000` (that is its own container); it must use `http://auth:9000`. So before a
 * back-channel call, a URL under the public base is rewritten to the same path under the internal base.
 * Locally both bases name the same process and the rewrite changes nothing that matters.
 *
 * Returns null for a URL under neither base: the caller must not send anything to it (see drive_client.ts).
 */
export function toInternalUrl(url: string, service: ServiceUrls): string | null {
  if (isUnder(url, service.publicUrl)) return service.internalUrl + url.slice(service.publicUrl.length);
  if (isUnder(url, service.internalUrl)) return url;
  return null;
}

/** Why a back-channel call got no HTTP answer, in words a learner can act on. */
export function describeNetworkError(error: unknown): string {
  if (axios.isAxiosError(error)) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') return 'it did not answer in time';
    if (error.code === 'ECONNREFUSED') return 'nothing is listening there (connection refused)';
    if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return 'the host name does not resolve';
    if (error.code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED' || /maxContentLength/.test(error.message)) return 'the answer was too large';
    if (error.code) return error.code;
  }
  return 'the connection failed';
}
<<<<<<< HEAD

/**
 * Every back-channel call made for a flow carries the flow's trace as a W3C `traceparent` (a new span id per
 * call), and the printer records its own view of the call (request as sent, response as received) for the
 * timeline. This is the one place that does it, for every peer and every grant.
 */
function traceCalls(http: AxiosInstance, tracing: BackChannelTracing): void {
  http.interceptors.request.use((config) => {
    config.headers.set('User-Agent', USER_AGENT);
    if (config.trace === false) return config;
    const traceId = tracing.traceId();
    if (!traceId) return config;
    const spanId = newSpanId();
    config.headers.set('traceparent', formatTraceparent(traceId, spanId));
    config.traced = { traceId, spanId, started: Date.now() };
    return config;
  });
  http.interceptors.response.use(
    (response) => {
      recordCall(tracing, response.config, response);
      return response;
    },
    (error: unknown) => {
      if (axios.isAxiosError(error) && error.config) recordCall(tracing, error.config, undefined, describeNetworkError(error));
      throw error;
    },
  );
}

function recordCall(tracing: BackChannelTracing, config: InternalAxiosRequestConfig, response: AxiosResponse | undefined, failure?: string): void {
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
  const source = headers && typeof (headers as { toJSON?: unknown }).toJSON === 'function' ? (headers as { toJSON(): unknown }).toJSON() : headers;
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

export interface OutgoingDescription {
  to: 'auth' | 'drive';
  step?: number;
  label: string;
  note?: string;
}

/** What a back-channel call is, in the notes' terms (the step numbers of docs/notes.md). */
export function describeOutgoing(url: string, method: string, body: string | undefined, status: number | undefined, peers: { auth: ServiceUrls; drive: ServiceUrls }): OutgoingDescription {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // keep the raw text
  }
  if (isUnder(url, peers.drive.internalUrl) || isUnder(url, peers.drive.publicUrl)) {
    const verdict = status === undefined ? undefined : status < 300 ? 'Drive accepted the token and answered' : status === 401 ? 'Drive refused the token (401)' : status === 403 ? 'Drive refused: the token lacks the scope (403)' : `Drive answered HTTP ${status}`;
    return { to: 'drive', step: 7, label: `Drive API call: ${method} ${path}`, ...(verdict ? { note: `Step 8: ${verdict}` } : {}) };
  }
  const form = body !== undefined ? new URLSearchParams(body) : undefined;
  const grant = form?.get('grant_type');
  const ok = status !== undefined && status < 300;
  const tokenNote = ok ? 'Step 6: the token response' : status !== undefined ? `Refused (HTTP ${status})` : undefined;
  const withNote = (d: OutgoingDescription): OutgoingDescription => (tokenNote ? { ...d, note: tokenNote } : d);
  switch (grant) {
    case 'authorization_code':
      return withNote({ to: 'auth', step: 5, label: 'Token request: the code and its code_verifier' });
    case 'refresh_token':
      return withNote({ to: 'auth', step: 5, label: 'Token request: refresh (rotation)' });
    case 'client_credentials':
      return withNote({ to: 'auth', step: 2, label: 'Token request: client credentials, no user' });
    case 'urn:ietf:params:oauth:grant-type:device_code':
      return withNote({ to: 'auth', step: 5, label: 'The kiosk polls the token endpoint' });
    default:
  }
  if (path.endsWith('/.well-known/oauth-authorization-server')) return { to: 'auth', label: 'Metadata discovery (RFC 8414)' };
  if (/device_authorization/.test(path)) return { to: 'auth', step: 2, label: 'Device authorization request (RFC 8628)' };
  if (/introspect/.test(path)) return { to: 'auth', label: 'Introspection: is this token active? (RFC 7662)' };
  if (/revo/.test(path)) return { to: 'auth', label: 'Revocation (RFC 7009)' };
  if (/jwks/.test(path)) return { to: 'auth', label: 'JWKS: the public keys that verify tokens' };
  return { to: 'auth', label: `${method} ${path}` };
}
=======
>>>>>>> 115a145
