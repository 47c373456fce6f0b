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
 * The docker-compose split of docs/design.md ("Public vs internal URLs"): the other services advertise their PUBLIC
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
