/**
 * @module doctor
 *
 * The environment doctor's diagnosis (the page is `GET /doctor` on the printer): how a learner debugs their own deployment (natively, in docker-compose,
 * behind a proxy). It shows, for the deployment that is running right now:
 *
 * - each service's public URL (what the browser uses) and internal URL (what the back channel uses), from the
 *   printer's configuration, next to what the other services say about themselves, only through what they
 *   publish: the auth server's metadata `issuer` (RFC 8414 §2) and Drive's protected resource metadata
 *   `resource` and `authorization_servers` (RFC 9728 §2);
 * - whether the issuer is the same string everywhere (RFC 8414 §3.3, RFC 9207 §2.4, RFC 9068 §4): the printer's
 *   AUTH_PUBLIC_URL, the metadata, Drive's metadata and, when this browser's session holds one, the `iss` of the
 *   access token (decoded, never verified and never shown: the token stays on the server);
 * - whether each back-channel URL answers, and how fast;
 * - which session cookie each service sets on which host (names only).
 *
 * Every red row says what to try. The page reads configuration and public metadata only: no secret, no token.
 */
import { performance } from 'node:perf_hooks';
import { describeNetworkError } from '@oauth-demo/back-channel';
import {
  AUTHORIZATION_SERVER_METADATA_PATH,
  PROTECTED_RESOURCE_METADATA_PATH,
  decodeClaimsForDisplay,
} from '@oauth-demo/tokens';
import type { ServiceUrls } from '@oauth-demo/web';

/** The deployment the doctor examines: the three services' URLs as the client knows them. */
export interface DoctorDeployment {
  auth: ServiceUrls;
  drive: ServiceUrls;
  printer: ServiceUrls;
  /** The client's own public→internal rewrite of a URL the auth server published (null: under neither base). */
  toInternalUrl(url: string, service: ServiceUrls): string | null;
}

export type Verdict = 'ok' | 'bad' | 'info';

export interface DoctorRow {
  label: string;
  value: string;
  verdict: Verdict;
  /** For a red row: what to try. */
  fix?: string;
  /** Smaller print under the value (where it came from, a latency). */
  note?: string;
}

export interface ServiceRow {
  name: string;
  role: string;
  publicUrl: string;
  internalUrl: string;
  /** The environment variables these come from. */
  variables: string;
}

export interface CookieRow {
  service: string;
  cookie: string;
  host: string;
  secure: boolean;
}

export interface DoctorReport {
  services: ServiceRow[];
  urls: DoctorRow[];
  issuer: DoctorRow[];
  backChannel: DoctorRow[];
  cookies: CookieRow[];
  cookieChecks: DoctorRow[];
  problems: number;
}

/** The session cookie of each service (apps/*\/src/app.ts): distinct, because one host is one cookie jar. */
const SESSION_COOKIES = { printer: 'printer.sid', auth: 'auth.sid', drive: 'drive.sid' } as const;

const PROBE_TIMEOUT_MS = 3000;

interface Probe {
  url: string;
  status?: number;
  /** The JSON body, when the answer was JSON. */
  json?: unknown;
  ms: number;
  error?: string;
}

/** One GET on the back channel: status, JSON body, latency, or why there was no answer. */
async function probe(url: string): Promise<Probe> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      headers: { Accept: 'application/json' },
    });
    const text = await res.text();
    let json: unknown;
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { url, status: res.status, json, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { url, error: describeFetchError(error), ms: Math.round(performance.now() - started) };
  }
}

/** Why fetch got no HTTP answer, in the back channel's words (@oauth-demo/back-channel), with the probe's deadline. */
function describeFetchError(error: unknown): string {
  const reason = describeNetworkError(error);
  return reason === 'it did not answer in time' ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s` : reason;
}

const field = (json: unknown, name: string): unknown =>
  typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined;

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/** The fix to try when a back-channel URL does not answer. */
function unreachableFix(variable: string, service: ServiceUrls, composeName: string, error: string): string {
  const base = `${variable} is ${service.internalUrl}. `;
  if (/does not resolve/.test(error))
    return `${base}That host name is unknown here. Natively use http://127.0.0.1:${service.port}; in docker-compose use the service name (http://${composeName}:${service.port}).`;
  if (/refused/.test(error))
    return `${base}Is that service running, on that port? In a container, is it bound to 0.0.0.0 (HOST) and not 127.0.0.1? Is the URL perhaps the PUBLIC one (http://localhost:…), which inside a container is the container itself?`;
  return `${base}Check that the service runs and that nothing (firewall, proxy) stands in between.`;
}

/**
 * The issuer rows: one per place the issuer appears, each compared with the printer's AUTH_PUBLIC_URL.
 * RFC 8414 §3.3: the metadata's `issuer` MUST be identical to the issuer the client expects; tokens (RFC 9068 §4)
 * and the authorization response's `iss` (RFC 9207) carry the same string.
 */
export function issuerRows(
  expected: string,
  found: { metadata?: string; driveServers?: string[]; tokenIss?: string | null },
): DoctorRow[] {
  const rows: DoctorRow[] = [
    {
      label: 'Photo Printer’s configuration (AUTH_PUBLIC_URL)',
      value: expected,
      verdict: 'ok',
      note: 'What the printer expects as the issuer.',
    },
  ];
  const metadata = found.metadata;
  if (typeof metadata === 'string') {
    rows.push(
      metadata === expected
        ? { label: 'Auth server metadata: issuer', value: metadata, verdict: 'ok' }
        : {
            label: 'Auth server metadata: issuer',
            value: metadata,
            verdict: 'bad',
            fix: `Issuer mismatch: the auth server calls itself ${metadata}, the printer expects ${expected}. Set AUTH_PUBLIC_URL to the same public URL (the one the browser uses, scheme, host, port, no trailing slash) for EVERY service.`,
          },
    );
  } else {
    rows.push({
      label: 'Auth server metadata: issuer',
      value: '(unknown)',
      verdict: 'bad',
      fix: 'The metadata could not be read: see the back channel below.',
    });
  }
  const servers = found.driveServers;
  if (Array.isArray(servers)) {
    rows.push(
      servers.includes(expected)
        ? {
            label: 'Drive’s protected resource metadata: authorization_servers',
            value: servers.join(', '),
            verdict: 'ok',
          }
        : {
            label: 'Drive’s protected resource metadata: authorization_servers',
            value: servers.join(', ') || '(empty)',
            verdict: 'bad',
            fix: `Issuer mismatch: Drive accepts tokens from ${servers.join(', ') || 'no issuer'}, not ${expected}, so it will refuse every token (step 8). Give Drive the same AUTH_PUBLIC_URL.`,
          },
    );
  } else {
    rows.push({
      label: 'Drive’s protected resource metadata: authorization_servers',
      value: '(unknown)',
      verdict: 'bad',
      fix: 'Drive’s metadata could not be read: see the back channel below.',
    });
  }
  if (found.tokenIss === undefined) {
    rows.push({
      label: 'Your access token: iss',
      value: '(no token in this session)',
      verdict: 'info',
      note: 'Import photos from Drive first, then come back: the token’s iss is checked too.',
    });
  } else if (found.tokenIss === null) {
    rows.push({ label: 'Your access token: iss', value: '(not a JWT: nothing to decode)', verdict: 'info' });
  } else {
    rows.push(
      found.tokenIss === expected
        ? {
            label: 'Your access token: iss',
            value: found.tokenIss,
            verdict: 'ok',
            note: 'Decoded on the server, not verified (Drive verifies it); the token itself is never shown.',
          }
        : {
            label: 'Your access token: iss',
            value: found.tokenIss,
            verdict: 'bad',
            fix: `Issuer mismatch: the token says ${found.tokenIss}, the printer expects ${expected}. The auth server builds iss from its own AUTH_PUBLIC_URL: make it the same everywhere, restart, and import again.`,
          },
    );
  }
  return rows;
}

function backChannelRow(
  label: string,
  p: Probe,
  expectStatus: (s: number) => boolean,
  onFail: (error: string) => string,
  expected: string,
): DoctorRow {
  if (p.status !== undefined && expectStatus(p.status))
    return { label, value: `GET ${p.url}`, verdict: 'ok', note: `HTTP ${p.status} in ${p.ms} ms` };
  if (p.status !== undefined)
    return {
      label,
      value: `GET ${p.url}`,
      verdict: 'bad',
      note: `HTTP ${p.status} in ${p.ms} ms (expected ${expected})`,
      fix: onFail(`answered HTTP ${p.status}`),
    };
  return {
    label,
    value: `GET ${p.url}`,
    verdict: 'bad',
    note: `${p.error} (after ${p.ms} ms)`,
    fix: onFail(p.error ?? ''),
  };
}

/** Everything the page shows, for the running deployment. */
export async function diagnose(
  config: DoctorDeployment,
  request: { host: string; secure: boolean; cookieNames: string[]; accessToken?: string },
): Promise<DoctorReport> {
  const { auth, drive, printer } = config;
  const [authMeta, driveMeta, driveApi] = await Promise.all([
    probe(`${auth.internalUrl}${AUTHORIZATION_SERVER_METADATA_PATH}`),
    probe(`${drive.internalUrl}${PROTECTED_RESOURCE_METADATA_PATH}`),
    probe(`${drive.internalUrl}/api/photos`),
  ]);
  const metadataIssuer =
    authMeta.status === 200 && typeof field(authMeta.json, 'issuer') === 'string'
      ? (field(authMeta.json, 'issuer') as string)
      : undefined;
  const jwksUri = field(authMeta.json, 'jwks_uri');
  const jwksInternal = typeof jwksUri === 'string' ? config.toInternalUrl(jwksUri, auth) : null;
  const jwks = jwksInternal ? await probe(jwksInternal) : undefined;
  const resource = driveMeta.status === 200 ? field(driveMeta.json, 'resource') : undefined;
  const servers = driveMeta.status === 200 ? field(driveMeta.json, 'authorization_servers') : undefined;

  const services: ServiceRow[] = [
    {
      name: 'Photo Printer',
      role: 'Client',
      publicUrl: printer.publicUrl,
      internalUrl: printer.internalUrl,
      variables: 'PRINTER_PUBLIC_URL, PRINTER_INTERNAL_URL',
    },
    {
      name: 'Auth server',
      role: 'Authorization Server',
      publicUrl: auth.publicUrl,
      internalUrl: auth.internalUrl,
      variables: 'AUTH_PUBLIC_URL, AUTH_INTERNAL_URL',
    },
    {
      name: 'Drive',
      role: 'Resource Server',
      publicUrl: drive.publicUrl,
      internalUrl: drive.internalUrl,
      variables: 'DRIVE_PUBLIC_URL, DRIVE_INTERNAL_URL',
    },
  ];

  // What Drive says about itself: RFC 9728 §3.3, `resource` is its own public URL.
  const urls: DoctorRow[] = [];
  if (typeof resource === 'string')
    urls.push(
      resource === drive.publicUrl
        ? {
            label: 'Drive’s protected resource metadata: resource',
            value: resource,
            verdict: 'ok',
            note: 'Same as DRIVE_PUBLIC_URL here.',
          }
        : {
            label: 'Drive’s protected resource metadata: resource',
            value: resource,
            verdict: 'bad',
            fix: `Drive calls itself ${resource}, the printer knows it as ${drive.publicUrl}: image links and the browser's links to Drive would point elsewhere. Set DRIVE_PUBLIC_URL to the same value for every service.`,
          },
    );
  if (typeof jwksUri === 'string' && jwksInternal === null)
    urls.push({
      label: 'Auth server metadata: jwks_uri',
      value: jwksUri,
      verdict: 'bad',
      fix: `The jwks_uri is under neither AUTH_PUBLIC_URL (${auth.publicUrl}) nor AUTH_INTERNAL_URL (${auth.internalUrl}), so the printer cannot map it to the back channel: the auth server's public URL differs from the printer's AUTH_PUBLIC_URL.`,
    });
  if (
    new URL(printer.publicUrl).host === new URL(auth.publicUrl).host ||
    new URL(printer.publicUrl).host === new URL(drive.publicUrl).host
  )
    urls.push({
      label: 'Public URLs',
      value: 'two services share one host and port',
      verdict: 'bad',
      fix: 'Each service needs its own public origin (a different port or host name).',
    });

  const issuer = issuerRows(auth.publicUrl, {
    ...(metadataIssuer !== undefined ? { metadata: metadataIssuer } : {}),
    ...(Array.isArray(servers) ? { driveServers: servers.filter((s): s is string => typeof s === 'string') } : {}),
    tokenIss:
      request.accessToken === undefined ? undefined : (decodeClaimsForDisplay(request.accessToken)?.iss ?? null),
  });

  const backChannel: DoctorRow[] = [
    backChannelRow(
      'Auth server metadata (RFC 8414)',
      authMeta,
      (s) => s === 200,
      (e) => unreachableFix('AUTH_INTERNAL_URL', auth, 'auth', e),
      '200',
    ),
    jwks
      ? backChannelRow(
          'Auth server signing keys (jwks_uri, mapped to the internal URL)',
          jwks,
          (s) => s === 200,
          (e) => unreachableFix('AUTH_INTERNAL_URL', auth, 'auth', e),
          '200',
        )
      : {
          label: 'Auth server signing keys (jwks_uri)',
          value: '(unknown)',
          verdict: 'bad',
          fix: 'The metadata did not give a usable jwks_uri: see the rows above.',
        },
    backChannelRow(
      'Drive protected resource metadata (RFC 9728)',
      driveMeta,
      (s) => s === 200,
      (e) => unreachableFix('DRIVE_INTERNAL_URL', drive, 'drive', e),
      '200',
    ),
    backChannelRow(
      'Drive API, without a token (expects 401)',
      driveApi,
      (s) => s === 401,
      (e) => unreachableFix('DRIVE_INTERNAL_URL', drive, 'drive', e),
      '401 with WWW-Authenticate',
    ),
  ];

  const cookies: CookieRow[] = [
    {
      service: 'Photo Printer',
      cookie: SESSION_COOKIES.printer,
      host: hostOf(printer.publicUrl),
      secure: printer.publicUrl.startsWith('https:'),
    },
    {
      service: 'Auth server',
      cookie: SESSION_COOKIES.auth,
      host: hostOf(auth.publicUrl),
      secure: auth.publicUrl.startsWith('https:'),
    },
    {
      service: 'Drive',
      cookie: SESSION_COOKIES.drive,
      host: hostOf(drive.publicUrl),
      secure: drive.publicUrl.startsWith('https:'),
    },
  ];
  const cookieChecks: DoctorRow[] = [];
  const clash = cookies.find((c, i) => cookies.some((d, j) => j !== i && d.host === c.host && d.cookie === c.cookie));
  cookieChecks.push(
    clash
      ? {
          label: 'Cookie names on one host',
          value: clash.cookie,
          verdict: 'bad',
          fix: `Two services set ${clash.cookie} on ${clash.host}: they overwrite each other's session (state mismatch). Give each its own cookie name.`,
        }
      : {
          label: 'Cookie names on one host',
          value: 'all different',
          verdict: 'ok',
          note: 'Services that share a host share one cookie jar, whatever their ports: distinct names keep their sessions apart.',
        },
  );
  const expectedHost = new URL(printer.publicUrl).host;
  cookieChecks.push(
    request.host === expectedHost
      ? {
          label: 'You opened this page at',
          value: request.host,
          verdict: 'ok',
          note: 'Same host as PRINTER_PUBLIC_URL: the printer.sid cookie set here comes back with the callback (step 4).',
        }
      : {
          label: 'You opened this page at',
          value: request.host,
          verdict: 'bad',
          fix: `PRINTER_PUBLIC_URL is ${printer.publicUrl}, but your browser is at ${request.host}. The auth server sends you back to ${printer.publicUrl}/callback, a different host, so a different cookie jar: the session (and its state) is not there. Open ${printer.publicUrl}, or set PRINTER_PUBLIC_URL to the URL you use.`,
        },
  );
  if (printer.publicUrl.startsWith('https:') && !request.secure)
    cookieChecks.push({
      label: 'HTTPS',
      value: 'this request arrived over plain http',
      verdict: 'bad',
      fix: 'PRINTER_PUBLIC_URL is https, so the session cookie is Secure and is only set on a request the printer knows is https. Behind a reverse proxy that terminates TLS, set TRUST_PROXY (the number of proxy hops, or its subnet) so X-Forwarded-Proto is believed.',
    });
  cookieChecks.push({
    label: 'Cookies your browser sent to this page',
    value: request.cookieNames.length > 0 ? request.cookieNames.join(', ') : '(none)',
    verdict: 'info',
    note: `Names only. Any cookie of ${request.host.replace(/:\d+$/, '')} arrives here, whichever port set it: cookies are per host, not per port.`,
  });

  const problems = [...urls, ...issuer, ...backChannel, ...cookieChecks].filter((r) => r.verdict === 'bad').length;
  return { services, urls, issuer, backChannel, cookies, cookieChecks, problems };
}

/** The names (never the values) of the cookies in a `Cookie` request header, sorted, each once. */
export function cookieNames(cookieHeader: string | undefined): string[] {
  const names = (cookieHeader ?? '')
    .split(';')
    .map((part) => part.split('=')[0]?.trim() ?? '')
    .filter((name) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/.test(name));
  return [...new Set(names)].sort();
}
