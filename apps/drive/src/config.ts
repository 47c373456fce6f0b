/**
 * @module config
 *
 * Drive's configuration, read from the environment once at start-up and validated (a wrong variable stops
 * the service with one clear line, see server.ts). Nothing else in the drive reads `process.env`.
 *
 * Two URLs of the auth server matter here, and mixing them up is the classic OAuth-in-Docker bug
 * (DESIGN.md, "Public vs internal URLs"):
 * - its PUBLIC URL is the issuer identifier: what every token's `iss` says and what its metadata says;
 * - its INTERNAL URL is where the drive actually connects to fetch that metadata and the signing keys
 *   (`http://auth:9000` inside docker-compose, where `localhost` would be the drive's own container).
 */
import { type Env, readDataDir, readHost, readServiceUrls } from '@oauth-demo/web';

export interface DriveConfig {
  host: string;
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
}

export function loadConfig(env: Env = process.env): DriveConfig {
  const drive = readServiceUrls(env, 'DRIVE');
  const auth = readServiceUrls(env, 'AUTH');
  const printer = readServiceUrls(env, 'PRINTER');
  return {
    host: readHost(env),
    port: drive.port,
    publicUrl: drive.publicUrl,
    issuer: auth.publicUrl,
    authInternalUrl: auth.internalUrl,
    printerUrl: printer.publicUrl,
    dataDir: readDataDir(env, 'drive'),
  };
}
