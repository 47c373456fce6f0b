/**
 * @module servers/oidc_peer
 *
 * The peer of benchmark 2: node-oidc-provider (panva), configured like our auth server for the same request.
 * One confidential client `print-lab` (client_secret_post, client_credentials only, scope gallery.read), the
 * Client Credentials grant enabled, and a resource indicator (RFC 8707) for the drive whose access tokens are
 * JWTs (RFC 9068, `typ: at+jwt`) signed ES256 — the same format, algorithm and lifetime as ours. Started by
 * the benchmark on loopback, like our server, from compiled output.
 */
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';

const host = '127.0.0.1';
const port = Number(process.env.BENCH_LISTEN_PORT);
const issuer = process.env.BENCH_ISSUER ?? `http://${host}:${port}`;
const clientSecret = process.env.PRINT_LAB_CLIENT_SECRET;
const resource = process.env.BENCH_RESOURCE ?? 'http://127.0.0.1:9001';
const ttl = Number(process.env.ACCESS_TOKEN_TTL ?? 600);
if (!clientSecret || !Number.isInteger(port))
  throw new Error('PRINT_LAB_CLIENT_SECRET and BENCH_LISTEN_PORT must be set');

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench-es256' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'print-lab',
      client_secret: clientSecret,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'gallery.read',
    },
  ],
  // Our only key is ES256; without this, the default (RS256 ID tokens) makes every client invalid.
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  jwks: { keys: [signingKey] },
  scopes: ['gallery.read'],
  ttl: { ClientCredentials: ttl },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== resource) throw new errors.InvalidTarget();
        return {
          scope: 'gallery.read',
          audience: resource,
          accessTokenTTL: ttl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        };
      },
    },
  },
});

const handle = provider.callback();
const server = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  void handle(req, res);
});
server.listen(port, host, () => console.log(`oidc-provider peer on ${issuer}`));

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
