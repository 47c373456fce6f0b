/**
 * The client registry (clients.ts): read once from the database, then served from memory, frozen; a new
 * registration replaces what was remembered.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type Client, ClientRepository } from '../src/clients.js';
import { openAuthDatabase } from '../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'auth-clients-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const printer: Client = {
  client_id: 'photo-printer',
  name: 'Photo Printer',
  description: 'Prints photos',
  client_type: 'confidential',
  token_endpoint_auth_method: 'client_secret_basic',
  secret_hash: null,
  redirect_uris: ['http://printer.test/callback'],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  scope: ['photos.read'],
  required_scope: ['photos.read'],
  forwards_user_address: false,
};

describe('Client registry', () => {
  it('finds a client, hands out a frozen copy, and sees a new registration at once', () => {
    const db = openAuthDatabase(join(dir, 'auth.db'));
    try {
      const clients = new ClientRepository(db);
      assert.equal(clients.find('photo-printer'), undefined);
      clients.upsert(printer);
      const found = clients.find('photo-printer');
      assert.deepEqual(found, printer);
      assert.equal(clients.find('photo-printer'), found, 'served from memory the second time');
      assert.throws(() => (found!.grant_types as string[]).push('password'), TypeError);
      assert.throws(() => {
        (found as { client_type: string }).client_type = 'public';
      }, TypeError);

      clients.upsert({ ...printer, grant_types: ['authorization_code', 'refresh_token'] });
      assert.deepEqual(clients.find('photo-printer')?.grant_types, ['authorization_code', 'refresh_token']);
      assert.deepEqual(
        new ClientRepository(db).find('photo-printer')?.grant_types,
        ['authorization_code', 'refresh_token'],
        'and it is in the database',
      );
    } finally {
      db.close();
    }
  });
});
