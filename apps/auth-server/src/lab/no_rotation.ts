/**
 * @module lab/no_rotation
 *
 * The attack lab's copy of the token endpoint for ONE grant with ONE check left out (scenario 7, RFC 9700
 * §4.14.2): `POST /lab/no-rotation/token` refreshes without rotating, so a refresh token works again and again,
 * for whoever holds a copy. It serves the attack lab's copies of the printer only (lab/lab_clients.ts) and only
 * grant_type=refresh_token; the real `/token` always rotates (docs/security.md §T9).
 */
import { Router } from 'express';
import { InvalidRequest, optionalParam, UnauthorizedClient, UnsupportedGrantType } from '@oauth-demo/tokens';
import { authenticateClient } from '../clients.js';
import type { AuthContext } from '../context.js';
import { refreshTokenGrantWithoutRotation } from '../grants/refresh_token.js';
import { backChannel } from '../routes/back_channel.js';
import { pkceOptional } from './lab_clients.js';

const NO_ROTATION_TOKEN_PATH = '/lab/no-rotation/token';

export function noRotationRouter(ctx: AuthContext): Router {
  const router = Router();
  router.post(NO_ROTATION_TOKEN_PATH, backChannel, async (req, res) => {
    const client = authenticateClient(req, ctx.clients);
    if (!pkceOptional(client))
      throw new UnauthorizedClient('This lab endpoint serves the attack lab’s copies of Photo Printer only.');
    const grantType = optionalParam(req.body, 'grant_type');
    if (grantType === undefined) throw new InvalidRequest('grant_type is missing.');
    if (grantType !== 'refresh_token')
      throw new UnsupportedGrantType('This lab endpoint only refreshes (grant_type=refresh_token).');
    res.json(await refreshTokenGrantWithoutRotation(req.body, client, ctx));
  });
  return router;
}
