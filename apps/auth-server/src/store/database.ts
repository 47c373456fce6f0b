/**
 * @module store/database
 *
 * What the auth server must remember across a restart (docs/design.md, Persistence): users, registered clients,
 * signing keys, grants, authorization codes, refresh-token families and issued access tokens. Secrets and
 * codes are stored only as hashes: a copy of this file opens nothing.
 *
 * The schema lives here; the statements that read and write it live beside it in store/, one module per kind
 * of record (codes.ts, grants.ts, refresh_tokens.ts, access_tokens.ts, device_codes.ts, signing_keys.ts), so
 * the grants in ../grants/ read as their RFC's checklist with no SQL in between.
 */
import { createHash } from 'node:crypto';
import { openDatabase, type Db } from '@oauth-demo/web';

const MIGRATIONS = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,              -- the token's sub
     display_name TEXT NOT NULL,
     password_hash TEXT NOT NULL       -- scrypt, see passwords.ts
   );
   CREATE TABLE clients (
     client_id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     description TEXT NOT NULL,
     client_type TEXT NOT NULL CHECK (client_type IN ('confidential', 'public')),   -- RFC 6749 §2.1
     token_endpoint_auth_method TEXT NOT NULL,                                      -- RFC 7591 §2
     secret_hash TEXT,                 -- SHA-256 of a 256-bit secret; NULL for public clients
     redirect_uris TEXT NOT NULL,      -- JSON array, compared by exact string match
     grant_types TEXT NOT NULL,        -- JSON array
     response_types TEXT NOT NULL,     -- JSON array
     scope TEXT NOT NULL               -- the scopes it may ask for
   );
   CREATE TABLE signing_keys (
     kid TEXT PRIMARY KEY,
     private_jwk TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE grants (
     id TEXT PRIMARY KEY,              -- one consent of one user to one client
     user_id TEXT NOT NULL REFERENCES users(id),
     client_id TEXT NOT NULL REFERENCES clients(client_id),
     scope TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     revoked_at INTEGER
   );
   CREATE TABLE authorization_codes (
     code_hash TEXT PRIMARY KEY,
     grant_id TEXT NOT NULL REFERENCES grants(id),
     client_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     redirect_uri TEXT NOT NULL,
     scope TEXT NOT NULL,
     code_challenge TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER
   );
   CREATE TABLE refresh_tokens (
     token_hash TEXT PRIMARY KEY,
     family_id TEXT NOT NULL,          -- all rotations of one refresh token
     grant_id TEXT NOT NULL REFERENCES grants(id),
     client_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     scope TEXT NOT NULL,
     family_expires_at INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     rotated_at INTEGER,
     revoked_at INTEGER
   );
   CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
   CREATE TABLE access_tokens (
     jti TEXT PRIMARY KEY,
     grant_id TEXT REFERENCES grants(id),
     client_id TEXT NOT NULL,
     subject TEXT NOT NULL,
     scope TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     revoked_at INTEGER
   );
   CREATE INDEX access_tokens_grant ON access_tokens(grant_id);`,
  // Consent is remembered: at most one active grant per user and client, widened when the user allows more.
  `UPDATE grants SET revoked_at = CAST(strftime('%s', 'now') AS INTEGER)
     WHERE revoked_at IS NULL AND id NOT IN (
       SELECT id FROM grants g WHERE revoked_at IS NULL AND created_at = (
         SELECT max(created_at) FROM grants g2 WHERE g2.user_id = g.user_id AND g2.client_id = g.client_id AND g2.revoked_at IS NULL)
       GROUP BY user_id, client_id);
   CREATE UNIQUE INDEX grants_one_active ON grants(user_id, client_id) WHERE revoked_at IS NULL;`,
  // RFC 8628: device authorization requests, waiting for the user to approve on another device.
  `CREATE TABLE device_codes (
     device_code_hash TEXT PRIMARY KEY,
     user_code TEXT NOT NULL UNIQUE,   -- what the user types, e.g. WDJBMJHT (shown as WDJB-MJHT)
     client_id TEXT NOT NULL,
     scope TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     interval INTEGER NOT NULL,        -- seconds between polls; grows on slow_down
     last_polled_at INTEGER,           -- milliseconds
     status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'used')),
     user_id TEXT,
     grant_id TEXT
   );`,
  // What housekeeping.ts sweeps, found by expiry without reading every row.
  `CREATE INDEX access_tokens_expiry ON access_tokens(expires_at);
   CREATE INDEX authorization_codes_expiry ON authorization_codes(expires_at);
   CREATE INDEX refresh_tokens_expiry ON refresh_tokens(family_expires_at);
   CREATE INDEX device_codes_expiry ON device_codes(expires_at);`,
  // Scopes a client cannot work without (a registration field, space-separated like `scope`): the consent
  // screen shows them without a checkbox, the others can be refused one by one.
  `ALTER TABLE clients ADD COLUMN required_scope TEXT NOT NULL DEFAULT '';`,
  // RFC 6749 §4.1.2: a replayed code revokes "all tokens previously issued based on that code", and only those.
  // Each redemption starts a family (family_id: the refresh-token family when there is one), which every token
  // issued from it carries, access tokens included; the code remembers its family and whether it was replayed.
  `ALTER TABLE authorization_codes ADD COLUMN family_id TEXT;
   ALTER TABLE authorization_codes ADD COLUMN replayed_at INTEGER;
   ALTER TABLE access_tokens ADD COLUMN family_id TEXT;
   CREATE INDEX access_tokens_family ON access_tokens(family_id);`,
  // A confidential first-party client allowed to tell us its end user's address (grants/password.ts), 0 or 1.
  `ALTER TABLE clients ADD COLUMN forwards_user_address INTEGER NOT NULL DEFAULT 0;`,
  // Every token request inserts an access_tokens row, and each index on it is one more B-tree page written per
  // insert. A client_credentials token has no grant and no family (NULL): index only the rows that have one. The
  // revocations that use these indexes ask `grant_id = ?` / `family_id = ?`, which never match NULL, so SQLite
  // still uses them (bench/README.md, benchmark 2: the insert went from about 25 to 15 µs).
  `DROP INDEX access_tokens_grant;
   CREATE INDEX access_tokens_grant ON access_tokens(grant_id) WHERE grant_id IS NOT NULL;
   DROP INDEX access_tokens_family;
   CREATE INDEX access_tokens_family ON access_tokens(family_id) WHERE family_id IS NOT NULL;`,
  // Which browser answered (browser_id.ts): the SHA-256 of a random id kept in that browser's session, never the
  // session id. A grant keeps the browser that last got an authorization code under it (the code rows themselves
  // are swept an hour after they expire; a lesson is longer), a device request the browser that approved or
  // denied it (RFC 8628 §3.3). The printer is told only whether the two are the same (routes/learners.ts).
  `ALTER TABLE grants ADD COLUMN browser_hash TEXT;
   ALTER TABLE device_codes ADD COLUMN browser_hash TEXT;`,
];

export function openAuthDatabase(file: string): Db {
  return openDatabase(file, MIGRATIONS);
}

/** Codes and refresh tokens are looked up by their SHA-256: the database never holds a usable one. */
export function hashToken(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

export function now(): number {
  return Math.floor(Date.now() / 1000);
}
