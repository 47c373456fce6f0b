/**
 * @module config
 *
 * The printer's configuration, read from the environment once at start-up and validated, so a wrong variable
 * is one clear line at start and never a surprise mid-flow. Nothing else in the app reads `process.env`.
 *
 * Every other service has two URLs (docs/design.md, "Public vs internal URLs"): the PUBLIC one is what the browser
 * uses (and, for the auth server, the issuer); the INTERNAL one is what this server uses on the back channel.
 * Locally both point at the same process; inside docker-compose they differ (`http://auth:9000`).
 */
import { join } from 'node:path';
import {
  readMaxInFlight,
  ConfigError,
  type Env,
  isLoopbackAddress,
  isLoopbackHost,
  readClassHost,
  type ServiceUrls,
  loadOrCreateSecret,
  readBoolean,
  readDataDir,
  readHost,
  readServiceUrls,
  readSharedSecret,
  readString,
  readTrustProxy,
} from '@oauth-demo/web';

/** What the printer asks for (RFC 6749 §3.3): view the photos, and keep access while the user is away. */
const REQUESTED_SCOPE = 'photos.read offline_access';

export interface ClientRegistration {
  /** RFC 6749 §2.2 */
  clientId: string;
  /** RFC 6749 §2.3.1: sent with `client_secret_basic`; shared with the auth server's seed. */
  clientSecret: string;
  /** RFC 6749 §3.1.2: registered exactly, sent exactly, in the authorization and the token request. */
  redirectUri: string;
  scope: string;
}

/**
 * The browser-only "quick print" page (public client, no secret): the Implicit flow (RFC 6749 §4.2) and, beside
 * it, Authorization Code + PKCE from the browser. Its JavaScript runs in the browser; this server only serves it.
 */
export interface BrowserClientRegistration {
  clientId: string;
  /** Registered exactly at the auth server: `${PRINTER_PUBLIC_URL}/quick-print/callback`. */
  redirectUri: string;
  scope: string;
}

/** The print lab: Photo Printer acting as itself with Client Credentials (RFC 6749 §4.4), `client_secret_post`. */
export interface PrintLabRegistration {
  clientId: string;
  clientSecret: string;
  scope: string;
}

/** The shop's photo kiosk: a public device client using the Device Authorization Grant (RFC 8628). */
export interface KioskRegistration {
  clientId: string;
  scope: string;
}

/**
 * The attack lab's copies of the printer (/lab, issue 16): registered at the auth server apart from the real
 * printer, so a defense a learner switches off is off only for them (the auth server's lab/lab_clients.ts).
 */
export interface LabRegistration {
  /** Confidential, HTTP Basic with the printer's own secret. */
  clientId: string;
  clientSecret: string;
  /** The same copy as a public client (no secret), like a mobile app: for the code-interception scenario. */
  publicClientId: string;
  /** The lab copy as a client of Mallory's "Free photo filters API" (scenario 5): public, tokens with aud = that API. */
  filtersClientId: string;
  /** That API (the auth server's `${ATTACKER_PUBLIC_URL}/api`), called on the back channel. */
  filtersApi: string;
  /** `${PRINTER_PUBLIC_URL}/lab/callback`, registered exactly for all three. */
  redirectUri: string;
  scope: string;
  /**
   * The second authorization server the lab copy knows (scenario 4, mix-up): Mallory's "Evil AS", part of her
   * site. Its issuer and authorization endpoint are public URLs; its token endpoint is called on the back channel.
   */
  evilAs: { issuer: string; authorizationEndpoint: string; tokenEndpoint: string };
}

export interface PrinterConfig {
  host: string;
  /** MAX_IN_FLIGHT (default 256, 0 = off): past it, requests are answered 503 + Retry-After at once (load_shedding.ts). */
  maxInFlight: number;
  printer: ServiceUrls;
  auth: ServiceUrls;
  drive: ServiceUrls;
  /** Mallory's site, the attacker of the attack lab (apps/attacker; ATTACKER_PORT, default 4000). */
  attacker: ServiceUrls;
  lab: LabRegistration;
  /** DATA_DIR: the SQLite database (orders, sessions) and `orders/<id>/`, the print lab's copies. */
  dataDir: string;
  sessionSecret: string;
  client: ClientRegistration;
  quickPrint: BrowserClientRegistration;
  printLab: PrintLabRegistration;
  kiosk: KioskRegistration;
  /** Back-channel timeout: a hung peer becomes a clear page, not a hung browser tab. */
  httpTimeoutMs: number;
  /** TIMELINE_RECORDING (default on): record the exchanges of each flow, in memory and bounded, for /timeline. */
  recording: boolean;
  /**
   * TRACE_SECRET, shared with the auth server and Drive like the client secrets: each traced back-channel call
   * proves it comes from the printer, so they record only the printer's flows (@oauth-demo/teaching recorder.ts).
   */
  traceSecret: string;
  /** TRUST_PROXY: express "trust proxy", off unless behind a TLS-terminating reverse proxy (packages/web config.ts). */
  trustProxy: boolean | number | string;
  /**
   * Instructor mode reveals secrets (the printer's client secret, codes, tokens) on the timeline and resets the
   * whole class. With INSTRUCTOR_KEY (at least 8 characters) it is offered to whoever knows the key. Without
   * one, only to the person at this machine: when the printer listens on loopback only AND its public URL is
   * loopback AND the request comes from loopback (instructorKeyless, checked per request by
   * instructorModeOffered). Class mode (CLASS_HOST) refuses to start without a key.
   */
  instructorKey: string | undefined;
  instructorModeAvailable: boolean;
  /** No key set, and both the bind address and the public URL are loopback. */
  instructorKeyless: boolean;
  /** CLASS_HOST, when the demo serves a class on the LAN (packages/web config.ts readClassHost). */
  classHost: string | undefined;
}

/**
 * `warn` receives what is accepted but worth knowing at start-up: a client secret shorter than the 256 bits our
 * auth server makes, which another authorization server may have issued (issue 17).
 */
export function loadConfig(
  env: Env = process.env,
  warn: (message: string) => void = (message) => console.warn(`Photo Printer: warning: ${message}`),
): PrinterConfig {
  const issuedElsewhere = { warn };
  const printer = readServiceUrls(env, 'PRINTER');
  const auth = readServiceUrls(env, 'AUTH');
  const drive = readServiceUrls(env, 'DRIVE');
  const attacker = readServiceUrls(env, 'ATTACKER');
  const dataDir = readDataDir(env, 'printer');
  const host = readHost(env);
  const classHost = readClassHost(env);
  const instructorKey = env.INSTRUCTOR_KEY || undefined;
  if (instructorKey !== undefined && instructorKey.length < 8)
    throw new ConfigError('INSTRUCTOR_KEY must have at least 8 characters');
  if (classHost && !instructorKey) {
    throw new ConfigError(
      `CLASS_HOST=${classHost} serves the demo to everyone on the network: set INSTRUCTOR_KEY too (at least 8 characters), so that only you can switch on instructor mode (it reveals secrets and resets the class)`,
    );
  }
  const instructorKeyless =
    instructorKey === undefined && isLoopbackHost(host) && isLoopbackHost(new URL(printer.publicUrl).hostname);
  // Read once: the lab copy (photo-printer-lab) is registered with the printer's own secret.
  const clientSecret = readSharedSecret(env, 'PRINTER_CLIENT_SECRET', { issuedElsewhere });
  return {
    host,
    maxInFlight: readMaxInFlight(env),
    printer,
    auth,
    drive,
    attacker,
    lab: {
      clientId: 'photo-printer-lab',
      clientSecret,
      publicClientId: 'photo-printer-lab-public',
      filtersClientId: 'photo-printer-lab-filters',
      filtersApi: `${attacker.internalUrl}/api/filters`,
      redirectUri: `${printer.publicUrl}/lab/callback`,
      scope: 'photos.read',
      evilAs: {
        issuer: `${attacker.publicUrl}/evil-as`,
        authorizationEndpoint: `${attacker.publicUrl}/evil-as/authorize`,
        tokenEndpoint: `${attacker.internalUrl}/evil-as/token`,
      },
    },
    dataDir,
    sessionSecret: env.SESSION_SECRET || loadOrCreateSecret(dataDir, 'session'),
    client: {
      clientId: readString(env, 'PRINTER_CLIENT_ID', 'photo-printer'),
      clientSecret,
      redirectUri: `${printer.publicUrl}/callback`,
      scope: REQUESTED_SCOPE,
    },
    quickPrint: {
      clientId: readString(env, 'QUICK_PRINT_CLIENT_ID', 'photo-printer-browser'),
      redirectUri: `${printer.publicUrl}/quick-print/callback`,
      scope: 'photos.read',
    },
    printLab: {
      clientId: readString(env, 'PRINT_LAB_CLIENT_ID', 'print-lab'),
      // Shared with the auth server exactly like the printer's own secret (environment, or .data/ natively).
      clientSecret: readSharedSecret(env, 'PRINT_LAB_CLIENT_SECRET', { issuedElsewhere }),
      scope: 'gallery.read',
    },
    kiosk: {
      clientId: readString(env, 'KIOSK_CLIENT_ID', 'photo-kiosk'),
      scope: 'photos.read',
    },
    httpTimeoutMs: 10_000,
    recording: readBoolean(env, 'TIMELINE_RECORDING', true),
    traceSecret: readSharedSecret(env, 'TRACE_SECRET'),
    trustProxy: readTrustProxy(env),
    instructorKey,
    instructorModeAvailable: instructorKey !== undefined || instructorKeyless,
    instructorKeyless,
    classHost,
  };
}

export function databaseFile(config: PrinterConfig): string {
  return join(config.dataDir, 'printer.db');
}

export function ordersDir(config: PrinterConfig): string {
  return join(config.dataDir, 'orders');
}

/**
 * Is instructor mode offered to this request? With INSTRUCTOR_KEY: yes (the key is asked). Without: only to the
 * person at this machine, i.e. the printer listens on loopback, its public URL is loopback and the request came
 * from loopback (`req.ip`, the socket's address unless TRUST_PROXY says otherwise).
 */
export function instructorModeOffered(config: PrinterConfig, ip: string | undefined): boolean {
  if (config.instructorKey !== undefined) return true;
  return config.instructorKeyless && isLoopbackAddress(ip);
}
