/**
 * @module config
 *
 * Mallory's site, configured once at start-up like the other services
 * (docs/design.md, "Public vs internal URLs"): where the browser reaches her (ATTACKER_PORT, default 4000, ATTACKER_PUBLIC_URL), and where the real
 * services are, publicly (the URLs she puts in links for the victim's browser) and internally (her own calls).
 * Everything stays on this machine: she attacks only the demo's own services.
 */
import { type Env, type ServiceUrls, readHost, readServiceUrls } from '@oauth-demo/web';

export interface AttackerConfig {
  host: string;
  attacker: ServiceUrls;
  auth: ServiceUrls;
  drive: ServiceUrls;
  printer: ServiceUrls;
  /** Mallory's own, ordinary account at the auth server (seeded by the auth server's lab/lab_clients.ts). */
  mallory: { username: string; password: string };
  /** The printer's lab copies, as registered at the auth server (lab/lab_clients.ts there). */
  labClientId: string;
  labPublicClientId: string;
  /** The shop's kiosk registration (public, device flow): any device can start a flow with it. */
  kioskClientId: string;
  /** The lab copies' redirect URI: `${PRINTER_PUBLIC_URL}/lab/callback`. */
  labRedirectUri: string;
  httpTimeoutMs: number;
}

export function loadConfig(env: Env = process.env): AttackerConfig {
  const printer = readServiceUrls(env, 'PRINTER');
  return {
    host: readHost(env),
    attacker: readServiceUrls(env, 'ATTACKER'),
    auth: readServiceUrls(env, 'AUTH'),
    drive: readServiceUrls(env, 'DRIVE'),
    printer,
    mallory: { username: 'mallory', password: 'free-filters' },
    labClientId: 'photo-printer-lab',
    labPublicClientId: 'photo-printer-lab-public',
    kioskClientId: 'photo-kiosk',
    labRedirectUri: `${printer.publicUrl}/lab/callback`,
    httpTimeoutMs: 10_000,
  };
}
