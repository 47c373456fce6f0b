/**
 * @module clients
 *
 * Registered clients (RFC 6749 §2) and client authentication at the token endpoint (RFC 6749 §2.3).
 */
import type { Request } from 'express';
import {
  InvalidClient,
  InvalidRequest,
  optionalParam,
  parseBasicAuthorization,
  verifyClientSecret,
} from '@oauth-demo/tokens';
import type { Db } from '@oauth-demo/web';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface Client {
  client_id: string;
  name: string;
  description: string;
  client_type: 'confidential' | 'public';
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  secret_hash: string | null;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  scope: string[];
  /**
   * Scopes the client cannot work without, a subset of `scope`: the consent screen shows them without a
   * checkbox; the others the user may untick one by one (consent in part, RFC 6749 §3.3: the granted scope
   * may differ from the asked one).
   */
  required_scope: string[];
  /**
   * A confidential first-party client that signs users in with their password from its own server (Drive's web
   * app) may tell us the end user's address (the `End-User-Address` header, grants/password.ts), so that failed
   * sign-ins are counted per user address and not for its whole server. Trusted from no other client.
   */
  forwards_user_address: boolean;
}

interface ClientRow
  extends Omit<
    Client,
    'redirect_uris' | 'grant_types' | 'response_types' | 'scope' | 'required_scope' | 'forwards_user_address'
  > {
  redirect_uris: string;
  grant_types: string;
  response_types: string;
  scope: string;
  required_scope: string;
  forwards_user_address: number;
}

export class ClientRepository {
  private readonly byId;
  private readonly upsertStmt;
  private readonly parsed = new Map<string, Client>();

  constructor(db: Db) {
    this.byId = db.prepare<[string], ClientRow>('SELECT * FROM clients WHERE client_id = ?');
    this.upsertStmt =
      db.prepare(`INSERT INTO clients (client_id, name, description, client_type, token_endpoint_auth_method,
        secret_hash, redirect_uris, grant_types, response_types, scope, required_scope, forwards_user_address)
      VALUES (@client_id, @name, @description, @client_type, @token_endpoint_auth_method,
        @secret_hash, @redirect_uris, @grant_types, @response_types, @scope, @required_scope, @forwards_user_address)
      ON CONFLICT(client_id) DO UPDATE SET name = excluded.name, description = excluded.description, client_type = excluded.client_type,
        token_endpoint_auth_method = excluded.token_endpoint_auth_method, secret_hash = excluded.secret_hash,
        redirect_uris = excluded.redirect_uris, grant_types = excluded.grant_types, response_types = excluded.response_types, scope = excluded.scope,
        required_scope = excluded.required_scope, forwards_user_address = excluded.forwards_user_address`);
  }

  /**
   * The registered client, read from the database once and then kept (frozen) in memory: every token
   * request looks its client up, and registrations change only through upsert().
   */
  find(clientId: string): Client | undefined {
    const known = this.parsed.get(clientId);
    if (known) return known;
    const row = this.byId.get(clientId);
    if (!row) return undefined;
    const client: Client = Object.freeze({
      ...row,
      redirect_uris: Object.freeze(JSON.parse(row.redirect_uris) as string[]) as string[],
      grant_types: Object.freeze(JSON.parse(row.grant_types) as string[]) as string[],
      response_types: Object.freeze(JSON.parse(row.response_types) as string[]) as string[],
      scope: Object.freeze(row.scope.split(' ')) as string[],
      required_scope: Object.freeze(row.required_scope === '' ? [] : row.required_scope.split(' ')) as string[],
      forwards_user_address: row.forwards_user_address === 1 && row.client_type === 'confidential',
    });
    this.parsed.set(clientId, client);
    return client;
  }

  upsert(client: Client): void {
    this.parsed.delete(client.client_id);
    this.upsertStmt.run({
      ...client,
      redirect_uris: JSON.stringify(client.redirect_uris),
      grant_types: JSON.stringify(client.grant_types),
      response_types: JSON.stringify(client.response_types),
      scope: client.scope.join(' '),
      required_scope: client.required_scope.join(' '),
      forwards_user_address: client.forwards_user_address ? 1 : 0,
    });
  }
}

/**
 * Who is calling the token endpoint? RFC 6749 §2.3: a confidential client must authenticate, with exactly
 * one method, the one it registered; a public client only identifies itself with `client_id` (method `none`)
 * and is bound to its code by PKCE instead. Every failure is 401 invalid_client (RFC 6749 §5.2), with a
 * `WWW-Authenticate: Basic` challenge when the client tried Basic.
 */
export function authenticateClient(req: Request, clients: ClientRepository): Client {
  const basic = parseBasicAuthorization(req.headers.authorization);
  const bodyClientId = optionalParam(req.body, 'client_id');
  const bodySecret = optionalParam(req.body, 'client_secret');

  if (basic && bodySecret !== undefined) {
    throw new InvalidRequest('Use one client authentication method, not two (RFC 6749 §2.3).');
  }
  if (basic && bodyClientId !== undefined && bodyClientId !== basic.clientId) {
    throw new InvalidRequest('client_id in the body differs from the authenticated client.');
  }

  const method: TokenEndpointAuthMethod = basic
    ? 'client_secret_basic'
    : bodySecret !== undefined
      ? 'client_secret_post'
      : 'none';
  const clientId = basic?.clientId ?? bodyClientId;
  const usedBasic = basic !== null;
  if (clientId === undefined) throw new InvalidClient('No client authentication was included.', usedBasic);

  const client = clients.find(clientId);
  if (!client) throw new InvalidClient('Client authentication failed.', usedBasic);
  if (client.token_endpoint_auth_method !== method) {
    throw new InvalidClient(`This client must authenticate with ${client.token_endpoint_auth_method}.`, usedBasic);
  }
  if (method !== 'none') {
    const secret = basic?.clientSecret ?? bodySecret ?? '';
    if (!client.secret_hash || !verifyClientSecret(secret, client.secret_hash)) {
      throw new InvalidClient('Client authentication failed.', usedBasic);
    }
  }
  return client;
}
