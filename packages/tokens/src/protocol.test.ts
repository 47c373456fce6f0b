import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorizationServerMetadataUrl } from './protocol.js';

describe('protocol names (RFC 8414 §3.1)', () => {
  it('inserts the well-known path between the host and the issuer path', () => {
    assert.equal(
      authorizationServerMetadataUrl('http://auth:9000'),
      'http://auth:9000/.well-known/oauth-authorization-server',
    );
    assert.equal(
      authorizationServerMetadataUrl('http://auth:9000/'),
      'http://auth:9000/.well-known/oauth-authorization-server',
    );
    assert.equal(
      authorizationServerMetadataUrl('https://as.example/tenant'),
      'https://as.example/.well-known/oauth-authorization-server/tenant',
    );
  });
});
