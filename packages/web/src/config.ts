/**
 * @module config
 *
 * Reading the environment once, at start-up, with errors that say which variable is wrong. Each service
 * builds its typed config from these and never reads `process.env` anywhere else.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { loadOrCreateSecret } from './secrets.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

export function readPort(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`${name} must be a port number (0-65535), got "${raw}"`);
  return port;
}

/** An absolute http(s) URL without a trailing slash, query or fragment: how we write issuers and bases. */
export function readUrl(env: Env, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`${name} must be http(s), got "${raw}"`);
  if (url.search || url.hash || url.username || url.password)
    throw new ConfigError(`${name} must not carry a query, fragment or credentials`);
  return url.href.replace(/\/$/, '');
}

export function readString(env: Env, name: string, fallback?: string): string {
  const value = env[name] || fallback;
  if (value === undefined) throw new ConfigError(`${name} must be set`);
  return value;
}

export function readSeconds(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(`${name} must be a positive whole number of seconds, got "${raw}"`);
  return n;
}

/** A whole number, 0 included (0 usually means "off"). */
function readCount(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a whole number (0 or more), got "${raw}"`);
  return n;
}

/**
 * MAX_IN_FLIGHT (every service, default 256, 0 = off): requests under way at once before the next is answered 503
 * with Retry-After (load_shedding.ts). A class of 200 has at most one request each under way.
 */
export function readMaxInFlight(env: Env): number {
  return readCount(env, 'MAX_IN_FLIGHT', 256);
}

export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** The repository root, from any file of a package (src/ under tsx, dist/ under node). */
const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** `DATA_DIR`, or `.data/<service>` at the repository root (git-ignored). */
export function readDataDir(env: Env, service: string): string {
  const raw = env.DATA_DIR;
  if (!raw) return join(REPO_ROOT, '.data', service);
  return isAbsolute(raw) ? raw : resolve(raw);
}

export interface ServiceUrls {
  port: number;
  /** Where a browser reaches the service, e.g. http://localhost:9000. For the auth server: the issuer. */
  publicUrl: string;
  /** Where another service reaches it over the back channel, e.g. http://auth:9000 in docker-compose. */
  internalUrl: string;
}

/**
 * Is `url` the service's public or internal base URL, or below it? Compared on whole path segments, so
 * `http://localhost:9001` does not cover `http://localhost:90010` nor `http://localhost:9001.evil.test`.
 */
export function isUnder(url: string, base: string): boolean {
  return url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`);
}

/** The defaults of the three services (docs/design.md, Services). */
export const DEFAULT_PORTS = { PRINTER: 3000, AUTH: 9000, DRIVE: 9001, ATTACKER: 4000 } as const;

/**
 * `CLASS_HOST`: the one switch that serves the demo to a class on the LAN (README, "Teach a class"): the
 * instructor machine's LAN name or address, e.g. `192.168.1.20` or `teacher.local`. With it, every service
 * binds every interface and its public URL is http://CLASS_HOST:<port>; the printer then requires
 * INSTRUCTOR_KEY (apps/printer config.ts). A bare host name or IPv4 address: no scheme, port or path.
 */
export function readClassHost(env: Env): string | undefined {
  const raw = env.CLASS_HOST;
  if (raw === undefined || raw === '') return undefined;
  if (
    !/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(raw)
  ) {
    throw new ConfigError(
      `CLASS_HOST must be this machine's LAN host name or IPv4 address (no scheme, port or path), got "${raw}"`,
    );
  }
  return raw.toLowerCase();
}

/** Is this host name (of a URL, or a bind address) this machine's loopback? */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Is this peer address (express `req.ip`) loopback? IPv4-mapped IPv6 (`::ffff:127.0.0.1`) included. */
export function isLoopbackAddress(ip: string | undefined): boolean {
  if (!ip) return false;
  return ip === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/i.test(ip);
}

/**
 * `<NAME>_PORT`, `<NAME>_PUBLIC_URL` and `<NAME>_INTERNAL_URL` for one service. Public defaults to
 * http://localhost:<port> (what the browser uses), or http://CLASS_HOST:<port> in class mode; internal
 * defaults to http://127.0.0.1:<port>.
 */
export function readServiceUrls(env: Env, name: keyof typeof DEFAULT_PORTS): ServiceUrls {
  const port = readPort(env, `${name}_PORT`, DEFAULT_PORTS[name]);
  const publicUrl = readUrl(env, `${name}_PUBLIC_URL`, `http://${readClassHost(env) ?? 'localhost'}:${port}`);
  const internalUrl = readUrl(env, `${name}_INTERNAL_URL`, `http://127.0.0.1:${port}`);
  return { port, publicUrl, internalUrl };
}

/** 32 random octets in base64url: the length of every secret this demo makes (256 bits). */
const SECRET_MIN_LENGTH = 43;
/** Below this, even a secret issued by another authorization server is refused: it is a password, not a secret. */
const FOREIGN_SECRET_MIN_LENGTH = 16;

export interface SharedSecretOptions {
  /**
   * Set on the CLIENT side (the printer, Drive as a client): the secret may have been issued by another
   * authorization server, whose rules are its own (many issue 32-character secrets). Then a configured secret
   * shorter than 256 bits is accepted and `warn` is told so, once, at start-up. Without it (our auth server,
   * which registers the secret), shorter than 256 bits stops the start-up (docs/security.md §T4).
   */
  issuedElsewhere?: { warn(message: string): void };
}

/**
 * A secret two services must agree on (the printer's client secret): from the environment, or, for a native
 * run, made once with 256 bits of entropy under `.data/` at the repository root (or SHARED_SECRETS_DIR),
 * where both find it. No default secret is ever shipped.
 */
export function readSharedSecret(env: Env, name: string, options: SharedSecretOptions = {}): string {
  const value = env[name];
  if (value) {
    if (value.length >= SECRET_MIN_LENGTH) return value;
    const { issuedElsewhere } = options;
    if (!issuedElsewhere || value.length < FOREIGN_SECRET_MIN_LENGTH) {
      const floor = issuedElsewhere
        ? `, and never fewer than ${FOREIGN_SECRET_MIN_LENGTH} characters even from another server`
        : '';
      throw new ConfigError(
        `${name} must have at least 256 bits of entropy (${SECRET_MIN_LENGTH}+ base64url characters${floor})`,
      );
    }
    // RFC 6749 §10.10 asks the server that MAKES credentials to make them unguessable; this one was made
    // elsewhere, so we use it as given, and say so.
    issuedElsewhere.warn(
      `${name} has ${value.length} characters, fewer than the ${SECRET_MIN_LENGTH} (256 bits) this demo generates. ` +
        'Accepted, as a secret issued by another authorization server; prefer a longer one if you can choose.',
    );
    return value;
  }
  // SHARED_SECRETS_DIR: a folder both services can read (in docker-compose, a volume they share).
  const dir = env.SHARED_SECRETS_DIR || join(REPO_ROOT, '.data');
  return loadOrCreateSecret(dir, name.toLowerCase().replace(/_/g, '-'));
}

/** HOST to bind: 127.0.0.1 by default (loopback only); 0.0.0.0 in containers and in class mode (CLASS_HOST). */
export function readHost(env: Env): string {
  return env.HOST || (readClassHost(env) ? '0.0.0.0' : '127.0.0.1');
}

/**
 * `TRUST_PROXY`: whether to believe X-Forwarded-* headers (express "trust proxy"). Off by default: with it on,
 * any client could claim another address (and dodge per-address login throttling) or another scheme. Set it
 * only behind a reverse proxy that terminates TLS: a number of hops (e.g. `1`) or a subnet (`10.0.0.0/8`).
 */
export function readTrustProxy(env: Env): boolean | number | string {
  const raw = env.TRUST_PROXY;
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (/^[0-9a-fA-F:.,/ ]+$|^(loopback|linklocal|uniquelocal)$/.test(raw)) return raw;
  throw new ConfigError(`TRUST_PROXY must be a number of proxy hops or a subnet, got "${raw}"`);
}
