/**
 * @module routes/metadata
 *
 * RFC 9728, OAuth 2.0 Protected Resource Metadata: what a client can learn about the drive before it has a
 * token (which authorization server to ask, which scopes exist, how to send the token). Our 401 challenges
 * point here (RFC 9728 §5.1). And a health check for docker-compose.
 */
import { Router } from 'express';
import { PROTECTED_RESOURCE_METADATA_PATH } from '@oauth-demo/tokens';
import type { DriveConfig } from '../config.js';
import { DRIVE_SCOPES } from './api.js';

export function resourceMetadataUrl(config: DriveConfig): string {
  return `${config.publicUrl}${PROTECTED_RESOURCE_METADATA_PATH}`;
}

export function metadataRouter(config: DriveConfig): Router {
  const router = Router();

  // RFC 9728 §2 and §3.2.
  const metadata = {
    // §2: the resource identifier. §3.3: it MUST be identical to the URL the metadata was requested for
    // (minus the well-known part), so a client can check it is talking about the resource it meant.
    resource: config.publicUrl,
    // §2: the issuers whose tokens the drive accepts. One: the auth server (its public URL, the `iss`).
    authorization_servers: [config.issuer],
    scopes_supported: [...DRIVE_SCOPES],
    // §2: RFC 6750 §2.1 only; the query and form-body methods are not supported.
    bearer_methods_supported: ['header'],
    resource_name: 'Drive',
    resource_documentation: `${config.publicUrl}/`,
  };

  router.get(PROTECTED_RESOURCE_METADATA_PATH, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=60').json(metadata);
  });

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  return router;
}
