/**
 * @module config
 *
 * Drive's configuration, read from the environment once at start-up and validated (a wrong variable stops
 * the service with one clear line, see server.ts). Nothing else in the drive reads `process.env`.
 *
 * Two URLs of the auth server matter here, and mixing them up is the classic OAuth-in-Docker bug
 * (docs/design.md, "Public vs internal URLs"):
 * - its PUBLIC URL is the issuer identifier: what every token's `iss` says and what its metadata says;
 * - its INTERNAL URL is where the drive actually connects to fetch that metadata and the signing keys
 *   (`http://auth:9000` inside docker-compose, where `localhost` would be the drive's own container).
 *
 * `DRIVE_TOKEN_VALIDATION` chooses how step 8 is done (token_validator.ts): `jwt` (the default) verifies each
 * token locally; `introspection` asks the auth server about each token (RFC 7662), as the registered client
 * `DRIVE_CLIENT_ID` (default `drive`) with the secret `DRIVE_CLIENT_SECRET` that the auth server also reads.
 *
 * `DRIVE_TOKEN_ALGORITHMS` (comma-separated) narrows the signature algorithms accepted on access tokens in
 * `jwt` mode. The default is every asymmetric algorithm of @oauth-demo/tokens' ACCESS_TOKEN_ALGORITHMS (RS256,
 * PS256, ES256, EdDSA and their larger variants), so that a token of any standard authorization server verifies;
 * `none` and HMAC are refused, here and in the verifier (RFC 8725 §3.1).
 *
 * Drive's own first-party web app (the password-grant sign-in at /signin) is another client of the auth
 * server: `drive-web`, with the secret `DRIVE_WEB_CLIENT_SECRET`, read the same way by both services (from the
 * environment, or made once in the shared secrets folder for a native run). `SESSION_SECRET` signs that web
 * app's session cookie (`drive.sid`); without it, a random one is made once in the data directory.
 */
import { ACCESS_TOKEN_ALGORITHMS, type AccessTokenAlgorithm, isAccessTokenAlgorithm } from '@oauth-demo/tokens';
import {
  readMaxInFlight,
  ConfigError,
  type Env,
  readBoolean,
  readDataDir,
  readHost,
  readServiceUrls,
  readSharedSecret,
  readString,
  readTrustProxy,
} from '@oauth-demo/web';

/** Drive's own web app as a client of the auth server (RFC 6749 §2): first party, allowed the password grant. */
export interface WebClientConfig {
  clientId: string;
  /** Sent with HTTP Basic (`client_secret_basic`, RFC 6749 §2.3.1), server to server only. */
  clientSecret: string;
  /** What the web app asks for: it shows the user's photos, nothing more. */
  scope: string;
}

/** The two ways of validating a token, and what introspection needs on top. */
export type TokenValidationConfig =
  | { mode: 'jwt' }
  | {
      mode: 'introspection';
      /** The drive's own client registration at the auth server (RFC 7662 §2.1: the endpoint needs client authentication). */
      clientId: string;
      clientSecret: string;
    };

export type TokenValidationMode = TokenValidationConfig['mode'];

export const TOKEN_VALIDATION_MODES: readonly TokenValidationMode[] = ['jwt', 'introspection'];

export interface DriveConfig {
  host: string;
  /** MAX_IN_FLIGHT (default 256, 0 = off): past it, requests are answered 503 + Retry-After at once (load_shedding.ts). */
  maxInFlight: number;
  port: number;
  /**
   * Drive's public URL. It is also the resource identifier (RFC 9728 §2, `resource`) and therefore the
   * audience every access token for the drive must carry in `aud` (RFC 9068 §4, RFC 8707 §2).
   */
  publicUrl: string;
  /** The one authorization server the drive trusts: its issuer identifier (RFC 8414 §2), its public URL. */
  issuer: string;
  /** Where the drive reaches that authorization server over the back channel (metadata, JWKS). */
  authInternalUrl: string;
  /** Photo Printer's public URL: linked from the home page, and the one browser origin allowed to call the API. */
  printerUrl: string;
  /** SQLite database and the photo files live here. */
  dataDir: string;
  /** How step 8 is done: local JWT verification or introspection. */
  tokenValidation: TokenValidationConfig;
  /** The signature algorithms accepted on JWT access tokens (RFC 8725 §3.1), `DRIVE_TOKEN_ALGORITHMS`. */
  tokenAlgorithms: readonly AccessTokenAlgorithm[];
  /** Drive's own first-party web app (the password-grant sign-in). */
  webClient: WebClientConfig;
  /** `SESSION_SECRET`, when set; otherwise app.ts makes one in the data directory. */
  sessionSecret?: string;
  /** Record API calls for the printer's behind-the-scenes timeline (TIMELINE_RECORDING=off to stop). */
  recording: boolean;
  /** TRACE_SECRET, shared with the printer: a traceparent counts only with its proof (@oauth-demo/teaching recorder.ts). */
  traceSecret: string;
  /** express "trust proxy" (TRUST_PROXY): off unless behind a TLS-terminating reverse proxy. */
  trustProxy: boolean | number | string;
}

/**
 * `warn` receives what is accepted but worth knowing at start-up: a client secret shorter than the 256 bits our
 * auth server makes, which another authorization server may have issued (issue 17).
 */
export function loadConfig(
  env: Env = process.env,
  warn: (message: string) => void = (message) => console.warn(`Drive: warning: ${message}`),
): DriveConfig {
  const issuedElsewhere = { warn };
  const drive = readServiceUrls(env, 'DRIVE');
  const auth = readServiceUrls(env, 'AUTH');
  const printer = readServiceUrls(env, 'PRINTER');
  return {
    recording: readBoolean(env, 'TIMELINE_RECORDING', true),
    traceSecret: readSharedSecret(env, 'TRACE_SECRET'),
    trustProxy: readTrustProxy(env),
    host: readHost(env),
    maxInFlight: readMaxInFlight(env),
    port: drive.port,
    publicUrl: drive.publicUrl,
    issuer: auth.publicUrl,
    authInternalUrl: auth.internalUrl,
    printerUrl: printer.publicUrl,
    dataDir: readDataDir(env, 'drive'),
    tokenValidation: readTokenValidation(env, issuedElsewhere),
    tokenAlgorithms: readTokenAlgorithms(env),
    webClient: {
      clientId: readString(env, 'DRIVE_WEB_CLIENT_ID', 'drive-web'),
      clientSecret: readSharedSecret(env, 'DRIVE_WEB_CLIENT_SECRET', { issuedElsewhere }),
      scope: 'photos.read',
    },
    ...(env.SESSION_SECRET ? { sessionSecret: env.SESSION_SECRET } : {}),
  };
}

/**
 * `DRIVE_TOKEN_VALIDATION`: `jwt` (default) or `introspection`, nothing else. The client secret is read only
 * in introspection mode: a drive that verifies JWTs has no use for it, and should not hold it.
 */
function readTokenValidation(env: Env, issuedElsewhere: { warn(message: string): void }): TokenValidationConfig {
  const name = 'DRIVE_TOKEN_VALIDATION';
  const mode = env[name] || 'jwt';
  if (mode === 'jwt') return { mode };
  if (mode === 'introspection') {
    return {
      mode,
      clientId: readString(env, 'DRIVE_CLIENT_ID', 'drive'),
      clientSecret: readSharedSecret(env, 'DRIVE_CLIENT_SECRET', { issuedElsewhere }),
    };
  }
  throw new ConfigError(
    `${name} must be one of ${TOKEN_VALIDATION_MODES.map((m) => `"${m}"`).join(' or ')}, got "${mode}"`,
  );
}

/**
 * `DRIVE_TOKEN_ALGORITHMS`: a comma-separated subset of ACCESS_TOKEN_ALGORITHMS, all of them when unset. A
 * name outside that list stops the drive at start-up: `none` and HMAC (HS256...) are never accepted on an
 * access token (RFC 8725 §3.1: with HMAC, whoever verifies could also sign).
 */
function readTokenAlgorithms(env: Env): readonly AccessTokenAlgorithm[] {
  const name = 'DRIVE_TOKEN_ALGORITHMS';
  const value = env[name]?.trim();
  if (!value) return ACCESS_TOKEN_ALGORITHMS;
  const listed = value
    .split(',')
    .map((alg) => alg.trim())
    .filter((alg) => alg !== '');
  const unknown = listed.filter((alg) => !isAccessTokenAlgorithm(alg));
  if (unknown.length > 0 || listed.length === 0) {
    throw new ConfigError(
      `${name} may list only asymmetric algorithms (${ACCESS_TOKEN_ALGORITHMS.join(', ')}), got ${unknown.map((alg) => `"${alg}"`).join(', ') || '""'}; "none" and HMAC are never accepted on an access token`,
    );
  }
  return [...new Set(listed as AccessTokenAlgorithm[])];
}
