// An authorization server nobody here wrote: node-oidc-provider (panva, the bench's peer, same version), set up
// the way a newcomer would set up any standard server for Photo Printer and Drive (issue 17):
// - one confidential client, `printer-web` (client_secret_basic, authorization_code + refresh_token, the
//   printer's redirect URI), with a 32-character secret as many providers issue;
// - a resource indicator for Drive (RFC 8707), whose access tokens are RFC 9068 JWTs (`typ: at+jwt`,
//   `aud` = Drive's public URL) signed with INTEROP_ALG (RS256, oidc-provider's default, or ES256), scope
//   `photos.read`; refresh tokens for the printer (see issueRefreshToken);
// - its own development sign-in and consent pages (devInteractions): any login is accepted, the login is the
//   `sub`, so signing in as "alice" opens alice's photos on Drive.
// It publishes RFC 8414 metadata at /.well-known/oauth-authorization-server, with `iss` in authorization
// responses (RFC 9207) and PKCE S256. Test-only addition: GET /interop/grants lists the token requests it
// granted, so the test can count refreshes instead of timing anything.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
};
const port = Number(env('INTEROP_AS_PORT'));
const host = process.env.INTEROP_HOST || '127.0.0.1';
const alg = env('INTEROP_ALG');
const issuer = env('INTEROP_ISSUER');
const driveUrl = env('INTEROP_DRIVE_URL');
const printerUrl = env('INTEROP_PRINTER_URL');
const clientId = env('INTEROP_CLIENT_ID');
const clientSecret = env('INTEROP_CLIENT_SECRET');
if (!['RS256', 'ES256'].includes(alg)) throw new Error(`INTEROP_ALG must be RS256 or ES256, got ${alg}`);

const { privateKey } = await generateKeyPair(alg, { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `interop-${alg.toLowerCase()}` };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [`${printerUrl}/callback`],
    },
  ],
  // With one EC key only, ID tokens (which this flow never asks for) must not default to RS256.
  ...(alg === 'ES256' ? { clientDefaults: { id_token_signed_response_alg: 'ES256' } } : {}),
  jwks: { keys: [signingKey] },
  // oidc-provider keeps `offline_access` only with `prompt=consent` (OpenID Connect Core §11), which the printer
  // does not send: a plain OAuth 2 client asks for offline_access and gets a refresh token. Issue one to every
  // client allowed the refresh_token grant (here: printer-web).
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  cookies: { keys: ['interop-cookie-key-not-a-secret-of-any-real-deployment'] },
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // The printer names no `resource`: Drive is the default, and the only one.
      defaultResource: () => driveUrl,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== driveUrl) throw new errors.InvalidTarget();
        return {
          scope: 'photos.read',
          audience: driveUrl,
          accessTokenTTL: 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg } },
        };
      },
    },
  },
});

/** What the token endpoint granted, in order: `authorization_code`, `refresh_token`... */
const grants = [];
provider.on('grant.success', (ctx) => grants.push(ctx.oidc.params?.grant_type ?? 'unknown'));
provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error', error));

const handle = provider.callback();
const issuerHost = new URL(issuer).host;
const server = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  if (req.url === '/interop/grants') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ grants }));
    return;
  }
  // oidc-provider writes its endpoints (in the metadata too) under the host each request names. The printer and
  // Drive connect at 127.0.0.1 (their internal URL) while browsers use localhost (the issuer): as a reverse proxy
  // in front of a real deployment would, present every request under the issuer's host, so that the metadata
  // names public URLs, which the printer and Drive rewrite to the internal base themselves.
  req.headers.host = issuerHost;
  void handle(req, res);
});
server.listen(port, host, () => console.log(`oidc-provider (${alg} access tokens) on ${issuer}`));

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
