/**
 * @module lab
 *
 * The attack lab's copy of ONE Drive API route with ONE check left out (scenario 5 of the printer's /lab, RFC 9068
 * §4): `GET /lab/no-aud/api/photos` verifies a token exactly like the real API (signature with the auth server's
 * published keys, `typ`, `iss`, expiry, scope photos.read) except its audience: it believes whatever `aud` the
 * token names. So a token the auth server issued for ANOTHER API opens the photos here. The real `/api` checks that
 * `aud` is Drive (docs/security.md §R3), always.
 */
import type { AxiosInstance } from 'axios';
import { Router } from 'express';
import { rememberSuccess } from '@oauth-demo/back-channel';
import { createRemoteJWKSet, decodeJwt, type JWTVerifyGetKey } from 'jose';
import { InvalidToken, parseBearerAuthorization, verifyAccessToken } from '@oauth-demo/tokens';
import { noStore } from '@oauth-demo/web';
import type { DriveConfig } from './config.js';
import { type Db, listPhotosOf } from './db.js';
import { discoverEndpoint } from './discovery.js';
import { MissingAccessToken } from './errors.js';
import { resourceOwnerOf } from './middleware/require_token.js';

export const NO_AUD_PHOTOS_PATH = '/lab/no-aud/api/photos';

export function labRouter({ config, db, http }: { config: DriveConfig; db: Db; http: AxiosInstance }): Router {
  const router = Router();
  const keys = rememberSuccess(
    async (): Promise<JWTVerifyGetKey> =>
      createRemoteJWKSet(
        await discoverEndpoint({ issuer: config.issuer, authInternalUrl: config.authInternalUrl, http }, 'jwks_uri'),
      ),
  );

  router.get(NO_AUD_PHOTOS_PATH, noStore, async (req, res) => {
    const token = parseBearerAuthorization(req.headers.authorization);
    if (token === null) throw new MissingAccessToken();
    let aud: unknown;
    try {
      aud = decodeJwt(token).aud;
    } catch {
      throw new InvalidToken('The token is malformed.');
    }
    const audience = Array.isArray(aud) ? aud[0] : aud;
    if (typeof audience !== 'string') throw new InvalidToken('The token names no audience.');
    // THE LEFT-OUT CHECK: the audience we verify against is the token's own, so any audience passes.
    const claims = await verifyAccessToken(token, {
      issuer: config.issuer,
      audience,
      keys: await keys(),
      requiredScope: 'photos.read',
    });
    const owner = resourceOwnerOf(claims);
    const photos = owner === null ? [] : listPhotosOf(db, owner);
    res.json({ owner, aud: claims.aud, photos: photos.map((p) => ({ id: p.id, title: p.title })) });
  });

  return router;
}
