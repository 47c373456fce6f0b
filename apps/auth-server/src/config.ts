/**
 * @module config
 *
 * The auth server's configuration, read from the environment once at start-up and validated.
 * The issuer is the PUBLIC URL (what the browser uses), everywhere: metadata, tokens, the `iss` response
 * parameter. Other services may reach this server at another, internal URL (DESIGN.md).
 */
import {
  type Env,
  loadOrCreateSecret,
  readDataDir,
  readHost,
  readSeconds,
  readServiceUrls,
  readSharedSecret,
  readString,
} from '@oauth-demo/web';

export interface AuthConfig {
  host: string;
  port: number;
  /** RFC 8414 §2: the issuer identifier, an https (or, for a local demo, http) URL with no query or fragment. */
  issuer: string;
  dataDir: string;
  sessionSecret: string;
  /** The resource server's identifier: the `aud` of the access tokens for the photo scopes (RFC 9068 §3). */
  driveResource: string;
  /** The printer's public URL, to register its exact redirect URI. */
  printerUrl: string;
  printerClientId: string;
  printerClientSecret: string;
  /** Drive's own client registration, used only to call the introspection endpoint (RFC 7662 §2.1). */
  driveClientId: string;
  driveClientSecret: string;
  lifetimes: {
    /** Access tokens: short, because a bearer token works for whoever holds it. */
    accessToken: number;
    /** Authorization codes: at most a minute (RFC 6749 §4.1.2 recommends ≤ 10 minutes). */
    authorizationCode: number;
    /** Refresh tokens: absolute lifetime of a refresh-token family. */
    refreshToken: number;
  };
}

export function loadConfig(env: Env = process.env): AuthConfig {
  const auth = readServiceUrls(env, 'AUTH');
  const drive = readServiceUrls(env, 'DRIVE');
  const printer = readServiceUrls(env, 'PRINTER');
  const dataDir = readDataDir(env, 'auth-server');
  return {
    host: readHost(env),
    port: auth.port,
    issuer: auth.publicUrl,
    dataDir,
    sessionSecret: env.SESSION_SECRET || loadOrCreateSecret(dataDir, 'session'),
    driveResource: drive.publicUrl,
    printerUrl: printer.publicUrl,
    printerClientId: readString(env, 'PRINTER_CLIENT_ID', 'photo-printer'),
    printerClientSecret: readSharedSecret(env, 'PRINTER_CLIENT_SECRET'),
    driveClientId: readString(env, 'DRIVE_CLIENT_ID', 'drive'),
    driveClientSecret: readSharedSecret(env, 'DRIVE_CLIENT_SECRET'),
    lifetimes: {
      accessToken: readSeconds(env, 'ACCESS_TOKEN_TTL', 600),
      authorizationCode: readSeconds(env, 'AUTHORIZATION_CODE_TTL', 60),
      refreshToken: readSeconds(env, 'REFRESH_TOKEN_TTL', 30 * 24 * 60 * 60),
    },
  };
}
