/**
 * @module flows
 *
 * Authorization requests Mallory crafts herself and sends the victim to (she is an ordinary client here, with
 * her own PKCE verifier: PKCE protects the one who started the request, and she did). Kept in memory by run,
 * bounded and short-lived.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface CraftedRequest {
  run: string;
  code_verifier: string;
  /** The redirect_uri exactly as she put it in the request: the token request must repeat it (RFC 6749 §4.1.3). */
  redirect_uri: string;
  createdAt: number;
}

const TTL_MS = 10 * 60 * 1000;
const MAX = 500;

export class CraftedRequests {
  private readonly byRun = new Map<string, CraftedRequest>();

  create(run: string, redirect_uri: string): { request: CraftedRequest; code_challenge: string; state: string } {
    const code_verifier = randomBytes(32).toString('base64url');
    const request = { run, code_verifier, redirect_uri, createdAt: Date.now() };
    this.byRun.delete(run);
    this.byRun.set(run, request);
    while (this.byRun.size > MAX) this.byRun.delete(this.byRun.keys().next().value!);
    return {
      request,
      code_challenge: createHash('sha256').update(code_verifier).digest('base64url'),
      state: randomBytes(16).toString('base64url'),
    };
  }

  get(run: string): CraftedRequest | undefined {
    const request = this.byRun.get(run);
    return request && Date.now() - request.createdAt < TTL_MS ? request : undefined;
  }
}
