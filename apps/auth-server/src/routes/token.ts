/**
 * @module routes/token
 *
 * The token endpoint, RFC 6749 §3.2 (steps 5 and 6 of the notes: the client, server to server, trades what
 * it holds for an access token). One file per grant type in ../grants/.
 */
import { Router } from 'express';
import { InvalidRequest, optionalParam, UnauthorizedClient, UnsupportedGrantType, type ParamSource } from '@oauth-demo/tokens';
import type { Db } from '@oauth-demo/web';
import { authenticateClient, type Client } from '../clients.js';
import type { AuthContext } from '../context.js';
import { backChannel } from './back_channel.js';
import { authorizationCodeGrant } from '../grants/authorization_code.js';
import { refreshTokenGrant } from '../grants/refresh_token.js';
import type { Issuer, TokenResponse } from '../issuance.js';

type GrantHandler = (params: ParamSource, client: Client, db: Db, issuer: Issuer) => Promise<TokenResponse>;

/** grant_type → its handler. A learner reads each in grants/<grant_type>.ts next to its RFC section. */
const GRANTS: Record<string, GrantHandler> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
};

export function tokenRouter({ clients, db, issuer }: AuthContext): Router {
  const router = Router();

  router.post(
    '/token',
    ...backChannel,
    async (req, res) => {
      const client = authenticateClient(req, clients);
      const grantType = optionalParam(req.body, 'grant_type');
      if (grantType === undefined) throw new InvalidRequest('grant_type is missing.');
      const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
      if (!grant) throw new UnsupportedGrantType(`grant_type "${grantType}" is not supported.`);
      if (!client.grant_types.includes(grantType)) throw new UnauthorizedClient(`This client may not use ${grantType}.`);
      res.json(await grant(req.body, client, db, issuer));
    },
  );

  return router;
}
