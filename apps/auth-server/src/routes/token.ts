/**
 * @module routes/token
 *
 * The token endpoint, RFC 6749 §3.2 (steps 5 and 6 of the notes: the client, server to server, trades what
 * it holds for an access token). One file per grant type in ../grants/.
 */
import { isIP } from 'node:net';
import { Router, type Request, type Response } from 'express';
import { describeExchange, parseTraceparent, tokenRequestStep, tokenResponseNote } from '@oauth-demo/teaching';
import {
  InvalidRequest,
  optionalParam,
  UnauthorizedClient,
  UnsupportedGrantType,
  type ParamSource,
} from '@oauth-demo/tokens';
import { authenticateClient, type Client } from '../clients.js';
import type { AuthContext, TokenRequestOrigin } from '../context.js';
import { backChannel, postOnly } from './back_channel.js';
import { authorizationCodeGrant } from '../grants/authorization_code.js';
import { refreshTokenGrant } from '../grants/refresh_token.js';
import { clientCredentialsGrant } from '../grants/client_credentials.js';
import { DEVICE_CODE_GRANT_TYPE, deviceCodeGrant } from '../grants/device_code.js';
import { passwordGrant } from '../grants/password.js';
import type { TokenResponse } from '../issuance.js';
import { hashToken } from '../store/index.js';

type GrantHandler = (
  params: ParamSource,
  client: Client,
  ctx: AuthContext,
  origin: TokenRequestOrigin,
) => Promise<TokenResponse>;

/** grant_type → its handler. A learner reads each in grants/<grant_type>.ts next to its RFC section. */
const GRANTS: Record<string, GrantHandler> = {
  authorization_code: authorizationCodeGrant, // RFC 6749 §4.1
  refresh_token: refreshTokenGrant, // RFC 6749 §6
  client_credentials: clientCredentialsGrant, // RFC 6749 §4.4
  password: passwordGrant, // RFC 6749 §4.3 (legacy, first party only)
  [DEVICE_CODE_GRANT_TYPE]: deviceCodeGrant, // RFC 8628 §3.4
};

export function tokenRouter(ctx: AuthContext): Router {
  const { clients } = ctx;
  const router = Router();

  // A public client running in the browser (the printer's quick-print page) posts here with fetch. The
  // browser only lets it read the answer if we name its origin (CORS). No cookies are involved: credentials
  // stay off, and only the origins of registered public clients are named.
  const browserOrigins = new Set([new URL(ctx.config.printerUrl).origin]);
  router.use('/token', (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && browserOrigins.has(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      res.vary('Origin');
      if (req.method === 'OPTIONS') {
        res.set({
          'Access-Control-Allow-Methods': 'POST',
          'Access-Control-Allow-Headers': 'Content-Type',
          'Access-Control-Max-Age': '600',
        });
        res.status(204).end();
        return;
      }
    }
    next();
  });

  router.post('/token', backChannel, async (req, res) => {
    describeTokenRequest(req, res, ctx);
    const client = authenticateClient(req, clients);
    const grantType = optionalParam(req.body, 'grant_type');
    if (grantType === undefined) throw new InvalidRequest('grant_type is missing.');
    const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
    if (!grant) throw new UnsupportedGrantType(`grant_type "${grantType}" is not supported.`);
    if (!client.grant_types.includes(grantType)) throw new UnauthorizedClient(`This client may not use ${grantType}.`);
    // Only the password grant reads the end user's address: worked out when asked, not for every token request.
    const origin: TokenRequestOrigin = {
      get endUserAddress() {
        return endUserAddress(req, client);
      },
    };
    res.json(await grant(req.body, client, ctx, origin));
  });
  router.all('/token', postOnly);

  return router;
}

/**
 * Whose address a token request speaks for. Usually the caller's own (express's `req.ip`, which believes
 * X-Forwarded-For only behind a configured proxy, TRUST_PROXY). A client that posts its users' passwords from its own
 * server (Drive's web app) would make every learner look like one address, so such a client, when it is
 * confidential, authenticated, and registered with `forwards_user_address`, may say whose sign-in this is in an
 * `End-User-Address` header (the same idea as Auth0's `auth0-forwarded-for`). From anyone else the header is
 * ignored, so it cannot buy an attacker fresh guesses (docs/security.md §S6).
 */
function endUserAddress(req: Request, client: Client): string | undefined {
  if (client.forwards_user_address) {
    const claimed = req.get('end-user-address')?.trim();
    if (claimed && isIP(claimed) !== 0) return claimed;
  }
  return req.ip;
}

function describeTokenRequest(req: Request, res: Response, { recorder }: AuthContext): void {
  // The recorder files a back-channel exchange under its traceparent (the printer's, checked by
  // acceptTraceFromPrinter): without one, nothing is recorded and nothing is linked, so there is nothing to describe.
  if (req.headers.traceparent === undefined) return;
  const grantType = typeof req.body?.grant_type === 'string' ? req.body.grant_type : '';
  // Which grant's step this is, and whether step 6 issued or refused: the one definition (@oauth-demo/teaching, steps.ts).
  const known = tokenRequestStep(grantType);
  describeExchange(res, {
    ...(known ? { step: known.step } : {}),
    label: known?.label ?? 'Token request',
    noteFor: (status) => tokenResponseNote(grantType, status),
  });
  // The front-channel part of an authorization-code flow joins the client's trace (W3C traceparent).
  const trace = parseTraceparent(req.get('traceparent'));
  if (trace && grantType === 'authorization_code' && typeof req.body.code === 'string')
    recorder.link(`code:${hashToken(req.body.code)}`, trace.traceId);
}
