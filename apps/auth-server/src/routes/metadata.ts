/**
 * @module routes/metadata
 *
 * RFC 8414: Authorization Server Metadata, and the JWKS it points to. Clients and resource servers discover
 * everything else from here.
 */
import { Router } from 'express';
import { describeExchange } from '@oauth-demo/teaching';
import { AUTHORIZATION_SERVER_METADATA_PATH, CODE_CHALLENGE_METHOD, SIGNING_ALG } from '@oauth-demo/tokens';
import { PROMPT_VALUES } from '../authorize/authorization_request.js';
import type { AuthContext } from '../context.js';
import { DEVICE_CODE_GRANT_TYPE } from '../grants/device_code.js';
import { SCOPES } from '../scopes.js';

/** RFC 8414 §3, declared once in @oauth-demo/tokens. */
export const METADATA_PATH = AUTHORIZATION_SERVER_METADATA_PATH;
const JWKS_PATH = '/.well-known/jwks.json';

export function metadataRouter({ config, key }: AuthContext): Router {
  const router = Router();
  const issuer = config.issuer;

  // RFC 8414 §2 and §3.2. Every URL is the public one: the issuer must be identical everywhere (§3.3).
  const metadata = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    introspection_endpoint: `${issuer}/introspect`,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
    revocation_endpoint: `${issuer}/revoke`,
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
    scopes_supported: Object.keys(SCOPES),
    device_authorization_endpoint: `${issuer}/device_authorization`,
    response_types_supported: ['code', 'token'],
    response_modes_supported: ['query', 'fragment'],
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      'client_credentials',
      'password',
      'implicit',
      DEVICE_CODE_GRANT_TYPE,
    ],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    code_challenge_methods_supported: [CODE_CHALLENGE_METHOD],
    // The `prompt` values the authorization endpoint honours (OpenID Connect Core §3.1.2.1; the metadata name is
    // from OpenID Connect Prompt Create 1.0 §4.1). authorize/authorization_request.ts refuses any other.
    prompt_values_supported: [...PROMPT_VALUES],
    // RFC 9207 §3: we send `iss` in every authorization response.
    authorization_response_iss_parameter_supported: true,
    // RFC 9068 §2.1: what access tokens are signed with.
    access_token_signing_alg_values_supported: [SIGNING_ALG],
    service_documentation: `${issuer}/`,
    // Not a standard field (RFC 8414 §2 allows others; a client ignores what it does not know): how long an
    // authorization code lives here (AUTHORIZATION_CODE_TTL), so that the printer's step-through mode can show a
    // paused code's real remaining lifetime instead of guessing. RFC 6749 has no way to tell a client.
    demo_authorization_code_lifetime: config.lifetimes.authorizationCode,
  };

  router.get(METADATA_PATH, (_req, res) => {
    describeExchange(res, { label: 'Metadata discovery (RFC 8414)' });
    res.set('Cache-Control', 'public, max-age=60').json(metadata);
  });

  // RFC 7517 §5: the public keys only. Resource servers cache this and verify tokens without calling us.
  const jwks = { keys: [key.publicJwk] };
  router.get(JWKS_PATH, (_req, res) => {
    describeExchange(res, { step: 8, label: 'JWKS: the public keys that verify tokens' });
    res.set('Cache-Control', 'public, max-age=300').json(jwks);
  });

  return router;
}
