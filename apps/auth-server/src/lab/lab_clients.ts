/**
 * @module lab/lab_clients
 *
 * The attack lab's copies of the printer (issue 16, docs/design.md "Demo data"). The printer's Attack lab page
 * (/lab) runs real attacks against the real services; to show what a defense is worth, a learner can switch it
 * OFF, and then it is off only for these lab registrations, never for `photo-printer` or any client the rest
 * of the demo and the conformance suite use.
 *
 * The one thing the auth server relaxes for them: PKCE is optional (like a server written before RFC 9700
 * §2.1.1 made it a must). A lab copy that sends a code_challenge is held to it exactly like a real client.
 */
import { hashClientSecret } from '@oauth-demo/tokens';
import type { Client, ClientRepository } from '../clients.js';
import type { AuthConfig } from '../config.js';
import { hashPassword } from '../passwords.js';
import type { UserRepository } from '../users.js';

/** The printer's lab copy: confidential, same secret as the printer, its own redirect URI. */
export const LAB_CLIENT_ID = 'photo-printer-lab';
/** The printer's lab copy as a public client (no secret), for the code-interception scenario. */
export const LAB_PUBLIC_CLIENT_ID = 'photo-printer-lab-public';

/**
 * The printer's lab copy as a client of ANOTHER API, Mallory's "Free photo filters API" (scenario 5): its tokens
 * carry `aud` = that API, and scope photos.read (the photos the printer shares with the filters service). PKCE
 * is required of it like of any real client.
 */
export const LAB_FILTERS_CLIENT_ID = 'photo-printer-lab-filters';

const PKCE_OPTIONAL = new Set([LAB_CLIENT_ID, LAB_PUBLIC_CLIENT_ID]);

/** The `aud` of the tokens of a lab registration made for another API than Drive; undefined for every other client. */
export function labAudience(clientId: string, config: Pick<AuthConfig, 'attackerUrl'>): string | undefined {
  return clientId === LAB_FILTERS_CLIENT_ID ? `${config.attackerUrl}/api` : undefined;
}

/** May this client send a code request without PKCE? Only a lab copy (RFC 9700 §2.1.1 says every real one must). */
export function pkceOptional(client: Pick<Client, 'client_id'>): boolean {
  return PKCE_OPTIONAL.has(client.client_id);
}

/**
 * Mallory, the attacker of the lab, has an ordinary account of her own (an attacker can always sign up).
 * Her password is no secret: Mallory's site (apps/attacker) signs in with it to get codes for her account.
 */
export const MALLORY = { id: 'mallory', displayName: 'Mallory', password: 'free-filters' } as const;

export async function seedLab(config: AuthConfig, users: UserRepository, clients: ClientRepository): Promise<void> {
  if (!users.find(MALLORY.id))
    users.insertIfMissing(MALLORY.id, MALLORY.displayName, await hashPassword(MALLORY.password));
  const common = {
    redirect_uris: [`${config.printerUrl}/lab/callback`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: ['photos.read', 'offline_access'],
    required_scope: ['photos.read'],
    forwards_user_address: false,
  };
  clients.upsert({
    client_id: LAB_CLIENT_ID,
    name: 'Photo Printer (attack lab copy)',
    description: 'A copy of Photo Printer for the attack lab: the defenses a learner switches off are off only here.',
    client_type: 'confidential',
    token_endpoint_auth_method: 'client_secret_basic',
    secret_hash: hashClientSecret(config.printerClientSecret),
    ...common,
  });
  clients.upsert({
    client_id: LAB_PUBLIC_CLIENT_ID,
    name: 'Photo Printer app (attack lab copy)',
    description: 'A public copy of Photo Printer for the attack lab (like a mobile app: no secret).',
    client_type: 'public',
    token_endpoint_auth_method: 'none',
    secret_hash: null,
    ...common,
    // Scenario 6 compares the Implicit flow (RFC 6749 §4.2) with code + PKCE on one page of its own.
    redirect_uris: [...common.redirect_uris, `${config.printerUrl}/lab/implicit-callback`],
    response_types: ['code', 'token'],
  });
  clients.upsert({
    client_id: LAB_FILTERS_CLIENT_ID,
    name: 'Photo Printer, filters partner (attack lab copy)',
    description:
      'The printer’s lab copy, sharing your photos with its filters partner, Free photo filters: this token is made for the partner’s API, not for Drive.',
    client_type: 'public',
    token_endpoint_auth_method: 'none',
    secret_hash: null,
    ...common,
    grant_types: ['authorization_code'],
    scope: ['photos.read'],
  });
}
