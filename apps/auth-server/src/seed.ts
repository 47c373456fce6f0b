/**
 * @module seed
 *
 * The demo's people and apps (DESIGN.md, Demo data). Users are created once. The demo's own clients are
 * reconciled with the configuration at every start, so moving the printer to another port or host (an
 * env change) updates its registered redirect URI and secret.
 */
import { hashClientSecret } from '@oauth-demo/tokens';
import type { AuthConfig } from './config.js';
import type { ClientRepository } from './clients.js';
import { hashPassword } from './passwords.js';
import type { UserRepository } from './users.js';

/** Shown on the login page and in the README: this is a demo, these are its accounts. */
export const DEMO_USERS = [
  { id: 'alice', displayName: 'Alice', password: 'wonderland' },
  { id: 'bob', displayName: 'Bob', password: 'builder' },
] as const;

export async function seed(config: AuthConfig, users: UserRepository, clients: ClientRepository): Promise<void> {
  for (const user of DEMO_USERS) {
    if (!users.find(user.id)) users.insertIfMissing(user.id, user.displayName, await hashPassword(user.password));
  }

  // The printer: a confidential web app with a server side, so it can keep a secret (RFC 6749 §2.1).
  clients.upsert({
    client_id: config.printerClientId,
    name: 'Photo Printer',
    description: 'Prints your photos. It wants to view your Drive photos to import the ones you choose.',
    client_type: 'confidential',
    token_endpoint_auth_method: 'client_secret_basic',
    secret_hash: hashClientSecret(config.printerClientSecret),
    redirect_uris: [`${config.printerUrl}/callback`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: ['photos.read', 'offline_access'],
  });

  // The printer's browser-only page: a public client (no secret can be kept in a browser), so PKCE is what
  // binds its code to it (RFC 7636 §1, RFC 9700 §2.1.1).
  clients.upsert({
    client_id: 'photo-printer-browser',
    name: 'Photo Printer (browser app)',
    description: 'The quick-print page of Photo Printer, running only in your browser.',
    client_type: 'public',
    token_endpoint_auth_method: 'none',
    secret_hash: null,
    redirect_uris: [`${config.printerUrl}/quick-print/callback`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    scope: ['photos.read'],
  });

  // Drive, the resource server, as a client of ours for one thing only: asking whether a token is still
  // active (introspection, RFC 7662). It may use no grant and is sent nowhere.
  clients.upsert({
    client_id: config.driveClientId,
    name: 'Drive',
    description: 'The resource server, checking tokens it is shown.',
    client_type: 'confidential',
    token_endpoint_auth_method: 'client_secret_basic',
    secret_hash: hashClientSecret(config.driveClientSecret),
    redirect_uris: [],
    grant_types: [],
    response_types: [],
    scope: [],
  });
}
