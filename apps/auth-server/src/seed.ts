/**
 * @module seed
 *
 * The demo's people and apps (docs/design.md, Demo data). Users are created once. The demo's own clients are
 * reconciled with the configuration at every start, so moving the printer to another port or host (an
 * env change) updates its registered redirect URI and secret.
 */
import { hashClientSecret } from '@oauth-demo/tokens';
import type { AuthConfig } from './config.js';
import type { ClientRepository } from './clients.js';
import { DEVICE_CODE_GRANT_TYPE } from './grants/device_code.js';
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
    required_scope: ['photos.read'], // it imports photos; offline_access the user may refuse
    forwards_user_address: false,
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
    // A refresh token too, when the user allows offline_access: public clients get rotating refresh tokens,
    // so a stolen one is detected on reuse (RFC 9700 §4.14.2). Never with the Implicit flow.
    grant_types: ['authorization_code', 'refresh_token'],
    // `token` is the Implicit flow (RFC 6749 §4.2), opt-in per client and kept only to show why it is no
    // longer best practice (RFC 9700 §2.1.2). `code` with PKCE is the same page done right.
    response_types: ['code', 'token'],
    scope: ['photos.read', 'offline_access'],
    required_scope: ['photos.read'], // it imports photos; offline_access the user may refuse
    forwards_user_address: false,
  });

  // The print lab: Photo Printer acting as itself, with no user (Client Credentials, RFC 6749 §4.4). It
  // authenticates with client_secret_post, so all three client authentication methods are in the demo.
  clients.upsert({
    client_id: 'print-lab',
    name: 'Photo Printer print lab',
    description: "Photo Printer's print lab, fetching Drive's sample gallery for test prints.",
    client_type: 'confidential',
    token_endpoint_auth_method: 'client_secret_post',
    secret_hash: hashClientSecret(config.printLabClientSecret),
    redirect_uris: [],
    grant_types: ['client_credentials'],
    response_types: [],
    scope: ['gallery.read'],
    required_scope: [],
    forwards_user_address: false,
  });

  // Drive's own web app: first party, the only client trusted with the user's password (RFC 6749 §4.3,
  // "only when there is a high degree of trust"; RFC 9700 §2.4 says MUST NOT be used at all).
  clients.upsert({
    client_id: 'drive-web',
    name: 'Drive (web app)',
    description: "Drive's own sign-in page: the same company as the auth server.",
    client_type: 'confidential',
    token_endpoint_auth_method: 'client_secret_basic',
    secret_hash: hashClientSecret(config.driveWebClientSecret),
    redirect_uris: [],
    grant_types: ['password'],
    response_types: [],
    scope: ['photos.read'],
    required_scope: [],
    // It posts the user's password from its own server, so every sign-in comes from Drive's address: it tells us
    // the user's (End-User-Address), and failed sign-ins block that address, not the whole class (docs/security.md §S6).
    forwards_user_address: true,
  });

  // The photo kiosk in the shop: a device with no keyboard worth typing a password on (RFC 8628).
  clients.upsert({
    client_id: 'photo-kiosk',
    name: 'Photo Printer kiosk',
    description:
      'The photo kiosk in the shop. It prints your Drive photos once you approve it on your own phone or computer.',
    client_type: 'public',
    token_endpoint_auth_method: 'none',
    secret_hash: null,
    redirect_uris: [],
    grant_types: [DEVICE_CODE_GRANT_TYPE],
    response_types: [],
    scope: ['photos.read'],
    required_scope: [],
    forwards_user_address: false,
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
    required_scope: [],
    forwards_user_address: false,
  });
}
