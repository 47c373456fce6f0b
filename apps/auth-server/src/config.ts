/**
 * @module config
 *
 * The auth server's configuration, read from the environment once at start-up and validated.
 * The issuer is the PUBLIC URL (what the browser uses), everywhere: metadata, tokens, the `iss` response
 * parameter. Other services may reach this server at another, internal URL (docs/design.md, "Public vs internal URLs").
 */
import {
  readMaxInFlight,
  type Env,
  loadOrCreateSecret,
  readBoolean,
  readDataDir,
  readHost,
  readSeconds,
  readServiceUrls,
  readSharedSecret,
  readTrustProxy,
  readString,
} from '@oauth-demo/web';

export interface AuthConfig {
  host: string;
  /** MAX_IN_FLIGHT (default 256, 0 = off): past it, requests are answered 503 + Retry-After at once (load_shedding.ts). */
  maxInFlight: number;
  port: number;
  /** RFC 8414 §2: the issuer identifier, an https (or, for a local demo, http) URL with no query or fragment. */
  issuer: string;
  dataDir: string;
  sessionSecret: string;
  /** The resource server's identifier: the `aud` of the access tokens for the photo scopes (RFC 9068 §3). */
  driveResource: string;
  /** The printer's public URL, to register its exact redirect URI. */
  printerUrl: string;
  /**
   * Mallory's site (apps/attacker, ATTACKER_PUBLIC_URL): the attack lab registers it as a second API, the
   * "Free photo filters API", whose identifier `${attackerUrl}/api` is the `aud` of tokens made for it
   * (lab/lab_clients.ts).
   */
  attackerUrl: string;
  printerClientId: string;
  printerClientSecret: string;
  /** Drive's own client registration, used only to call the introspection endpoint (RFC 7662 §2.1). */
  driveClientId: string;
  driveClientSecret: string;
  /** The printer's print lab, acting for itself with client credentials (client_secret_post). */
  printLabClientSecret: string;
  /** Drive's own first-party web app, the one client allowed the password grant. */
  driveWebClientSecret: string;
  /** RFC 8628 §3.2: the minimum seconds between two polls of the token endpoint by a device. */
  devicePollInterval: number;
  /** Record exchanges for the printer's behind-the-scenes timeline (TIMELINE_RECORDING=off to stop). */
  recording: boolean;
  /** TRACE_SECRET, shared with the printer: a traceparent counts only with its proof (@oauth-demo/teaching recorder.ts). */
  traceSecret: string;
  /** express "trust proxy" (TRUST_PROXY): off unless behind a TLS-terminating reverse proxy. */
  trustProxy: boolean | number | string;
  /** CLASS_SIGNUP (default on): learners may join the class from the sign-in page (join.ts). */
  classSignup: boolean;
  /** MAX_USERS (default 200): how many users there may be in all, alice and bob included. */
  maxUsers: number;
  /**
   * SIGN_IN_MAX_WAIT (seconds, default 10): a sign-in that would wait longer for its turn at the password hash
   * is answered 503 with Retry-After at once (passwords.ts), instead of hanging.
   */
  signInMaxWaitS: number;
  lifetimes: {
    /** Access tokens: short, because a bearer token works for whoever holds it. */
    accessToken: number;
    /** Authorization codes: at most a minute (RFC 6749 §4.1.2 recommends ≤ 10 minutes). */
    authorizationCode: number;
    /** Refresh tokens: absolute lifetime of a refresh-token family. */
    refreshToken: number;
    /** Device codes (RFC 8628 §3.2 expires_in): time for the user to find a phone and approve. */
    deviceCode: number;
  };
}

export function loadConfig(env: Env = process.env): AuthConfig {
  const auth = readServiceUrls(env, 'AUTH');
  const drive = readServiceUrls(env, 'DRIVE');
  const printer = readServiceUrls(env, 'PRINTER');
  const dataDir = readDataDir(env, 'auth-server');
  return {
    host: readHost(env),
    maxInFlight: readMaxInFlight(env),
    port: auth.port,
    issuer: auth.publicUrl,
    dataDir,
    sessionSecret: env.SESSION_SECRET || loadOrCreateSecret(dataDir, 'session'),
    driveResource: drive.publicUrl,
    printerUrl: printer.publicUrl,
    attackerUrl: readServiceUrls(env, 'ATTACKER').publicUrl,
    printerClientId: readString(env, 'PRINTER_CLIENT_ID', 'photo-printer'),
    printerClientSecret: readSharedSecret(env, 'PRINTER_CLIENT_SECRET'),
    driveClientId: readString(env, 'DRIVE_CLIENT_ID', 'drive'),
    driveClientSecret: readSharedSecret(env, 'DRIVE_CLIENT_SECRET'),
    printLabClientSecret: readSharedSecret(env, 'PRINT_LAB_CLIENT_SECRET'),
    driveWebClientSecret: readSharedSecret(env, 'DRIVE_WEB_CLIENT_SECRET'),
    devicePollInterval: readSeconds(env, 'DEVICE_POLL_INTERVAL', 5),
    recording: readBoolean(env, 'TIMELINE_RECORDING', true),
    traceSecret: readSharedSecret(env, 'TRACE_SECRET'),
    trustProxy: readTrustProxy(env),
    classSignup: readBoolean(env, 'CLASS_SIGNUP', true),
    maxUsers: readSeconds(env, 'MAX_USERS', 200), // a positive whole number (readSeconds checks exactly that)
    signInMaxWaitS: readSeconds(env, 'SIGN_IN_MAX_WAIT', 10),
    lifetimes: {
      accessToken: readSeconds(env, 'ACCESS_TOKEN_TTL', 600),
      authorizationCode: readSeconds(env, 'AUTHORIZATION_CODE_TTL', 60),
      refreshToken: readSeconds(env, 'REFRESH_TOKEN_TTL', 30 * 24 * 60 * 60),
      deviceCode: readSeconds(env, 'DEVICE_CODE_TTL', 600),
    },
  };
}
