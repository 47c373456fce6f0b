/**
 * @module http
 *
 * Server-to-server HTTP: the printer talking to the auth server (metadata, token endpoint) and to Drive (the API),
 * Drive talking to the auth server (metadata, introspection, its own web app's token requests). The browser never
 * sees these requests, which is why client secrets, code verifiers and tokens can travel here and nowhere else
 * (RFC 6749 §1.3.1, §10.3). One axios instance per service, with the same rules for all.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';

export interface BackChannelOptions {
  /** One deadline per request, the body included. */
  timeoutMs: number;
  /** How the service names itself to its peers (they file its calls under its lane of the timeline). */
  userAgent: string;
  /**
   * Called once with the axios instance before any call is made: the app wiring uses it to let the teaching layer
   * trace and record the calls (the timeline), without the protocol code knowing.
   */
  instrument?: (http: AxiosInstance) => void;
}

export interface BackChannel {
  http: AxiosInstance;
  close(): void;
}

export function createBackChannel(options: BackChannelOptions): BackChannel {
  // Keep-alive: many small calls go to the same one or two peers (one per thumbnail, one per introspection).
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16 });
  const http = axios.create({
    timeout: options.timeoutMs,
    httpAgent,
    httpsAgent,
    // Every status is an answer the caller handles itself (errors of RFC 6749 §5.2 and RFC 6750 §3 come as 4xx).
    validateStatus: () => true,
    // Never follow a redirect on the back channel: it would carry our credentials somewhere we did not choose.
    maxRedirects: 0,
    // Back-channel peers are on a local or compose network; an HTTP(S)_PROXY from the shell must not reroute them.
    proxy: false,
    maxContentLength: 5 * 1024 * 1024,
    headers: { Accept: 'application/json', 'User-Agent': options.userAgent },
  });
  options.instrument?.(http);
  return {
    http,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * Why a back-channel call got no HTTP answer, in words a learner can act on. Knows axios's errors and fetch's
 * (whose message is only "fetch failed", the code being in its `cause`), so every service words them alike.
 */
export function describeNetworkError(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'TimeoutError' || code === 'AbortError')
    return 'it did not answer in time';
  if (code === 'ECONNREFUSED') return 'nothing is listening there (connection refused)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code === 'ECONNRESET') return 'the connection was reset';
  if (
    code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED' ||
    (error instanceof Error && /maxContentLength/.test(error.message))
  )
    return 'the answer was too large';
  return code ?? 'the connection failed';
}

function errorCode(error: unknown): string | undefined {
  if (axios.isAxiosError(error)) return error.code;
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return error.name;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}
