/**
 * @module oauth/metadata
 *
 * RFC 8414: instead of hard-coding the auth server's endpoints, the printer reads them from its metadata
 * document at `/.well-known/oauth-authorization-server`, once, when first needed. Lazy, because the auth server
 * may start after the printer; cached on success; NOT cached on failure, so the next request simply retries.
 */
import type { AxiosInstance } from 'axios';
import type { ServiceUrls } from '@oauth-demo/web';
import { CODE_CHALLENGE_METHOD } from '@oauth-demo/tokens';
import { DiscoveryError, fetchAuthorizationServerMetadata, internalEndpoint } from '@oauth-demo/back-channel';
import { AuthServerMetadataInvalid, AuthServerUnreachable } from '../errors.js';

/** The members of RFC 8414 §2 (and RFC 9207 §3, RFC 7009) the printer uses. */
export interface AuthServerMetadata {
  issuer: string;
  /** Public: the browser is sent there (step 2). */
  authorization_endpoint: string;
  /** Public in the document; called at the INTERNAL URL (see back_channel.ts). */
  token_endpoint: string;
  revocation_endpoint?: string;
  /** RFC 7662: used to show that a rotated refresh token is dead (the printer asks about its own tokens only). */
  introspection_endpoint?: string;
  /** RFC 8628 §4: where the kiosk asks for a device_code and a user_code. */
  device_authorization_endpoint?: string;
  /** RFC 8414 §2: the auth server's public keys; the token inspector verifies signatures against them. */
  jwks_uri?: string;
  scopes_supported?: string[];
  grant_types_supported?: string[];
  response_types_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  code_challenge_methods_supported: string[];
  /** RFC 9207 §3: when true, every authorization response carries `iss`, and a response without it is rejected. */
  authorization_response_iss_parameter_supported: boolean;
  /**
   * How long a code lives, in seconds, when the auth server says so: the demo's auth server publishes it in this
   * non-standard field (RFC 8414 §2 allows others; RFC 6749 gives a client no way to know). Step-through mode only.
   */
  demo_authorization_code_lifetime?: number;
}

export class MetadataClient {
  private cached: Promise<AuthServerMetadata> | undefined;

  constructor(
    private readonly http: AxiosInstance,
    private readonly auth: ServiceUrls,
  ) {}

  /** The validated metadata; throws AuthServerUnreachable (503) or AuthServerMetadataInvalid (502). */
  get(): Promise<AuthServerMetadata> {
    this.cached ??= this.fetch().catch((error: unknown) => {
      this.cached = undefined; // retry on the next request: the auth server may simply not be up yet
      throw error;
    });
    return this.cached;
  }

  /** A back-channel endpoint from the metadata, at the internal URL (the docker-compose split, docs/design.md). */
  internal(endpoint: string): string {
    // An endpoint on another host is used as given: the issuer is verified, and it chose where its endpoints live.
    return internalEndpoint(endpoint, this.auth);
  }

  private async fetch(): Promise<AuthServerMetadata> {
    let document: Record<string, unknown>;
    try {
      // RFC 8414 §3: the well-known document at the internal base, for the issuer we trust (§3.3, checked there).
      document = await fetchAuthorizationServerMetadata(this.http, { ...this.auth, issuer: this.auth.publicUrl });
    } catch (error) {
      if (!(error instanceof DiscoveryError)) throw error;
      if (error.kind === 'unreachable') throw new AuthServerUnreachable(this.auth.internalUrl, error.reason);
      throw new AuthServerMetadataInvalid(`The metadata cannot be used: ${error.reason}.`);
    }
    return validateMetadata(document, this.auth.publicUrl);
  }
}

export function validateMetadata(data: unknown, expectedIssuer: string): AuthServerMetadata {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new AuthServerMetadataInvalid('The metadata document is not a JSON object (RFC 8414 §3.2).');
  }
  const m = data as Record<string, unknown>;
  // RFC 8414 §3.3: "The issuer value returned MUST be identical to the authorization server's issuer identifier
  // value into which the well-known URI string was inserted". Exact string comparison, no normalisation.
  if (m.issuer !== expectedIssuer) {
    throw new AuthServerMetadataInvalid(
      `The metadata names the issuer ${JSON.stringify(m.issuer)}, but Photo Printer trusts exactly "${expectedIssuer}" (RFC 8414 §3.3).`,
    );
  }
  const authorizationEndpoint = absoluteUrl(m.authorization_endpoint, 'authorization_endpoint');
  const tokenEndpoint = absoluteUrl(m.token_endpoint, 'token_endpoint');
  const methods = stringArray(m.code_challenge_methods_supported);
  // RFC 8414 §2: absent means PKCE is not supported. We send S256 only, so we need it (RFC 9700 §2.1.1).
  if (!methods?.includes(CODE_CHALLENGE_METHOD)) {
    throw new AuthServerMetadataInvalid(
      'The auth server does not list S256 in code_challenge_methods_supported (RFC 7636, RFC 8414 §2).',
    );
  }
  const metadata: AuthServerMetadata = {
    issuer: expectedIssuer,
    authorization_endpoint: authorizationEndpoint,
    token_endpoint: tokenEndpoint,
    code_challenge_methods_supported: methods,
    authorization_response_iss_parameter_supported: m.authorization_response_iss_parameter_supported === true,
  };
  const codeLifetime = m.demo_authorization_code_lifetime;
  if (typeof codeLifetime === 'number' && Number.isInteger(codeLifetime) && codeLifetime > 0)
    metadata.demo_authorization_code_lifetime = codeLifetime;
  if (m.revocation_endpoint !== undefined)
    metadata.revocation_endpoint = absoluteUrl(m.revocation_endpoint, 'revocation_endpoint');
  if (m.introspection_endpoint !== undefined)
    metadata.introspection_endpoint = absoluteUrl(m.introspection_endpoint, 'introspection_endpoint');
  if (m.device_authorization_endpoint !== undefined) {
    metadata.device_authorization_endpoint = absoluteUrl(
      m.device_authorization_endpoint,
      'device_authorization_endpoint',
    );
  }
  // Optional for the printer (only the token inspector uses it): an unusable value is ignored, not fatal.
  if (typeof m.jwks_uri === 'string' && /^https?:\/\//.test(m.jwks_uri)) metadata.jwks_uri = m.jwks_uri;
  const scopes = stringArray(m.scopes_supported);
  if (scopes) metadata.scopes_supported = scopes;
  const grantTypes = stringArray(m.grant_types_supported);
  if (grantTypes) metadata.grant_types_supported = grantTypes;
  const responseTypes = stringArray(m.response_types_supported);
  if (responseTypes) metadata.response_types_supported = responseTypes;
  const authMethods = stringArray(m.token_endpoint_auth_methods_supported);
  if (authMethods) metadata.token_endpoint_auth_methods_supported = authMethods;
  return metadata;
}

function absoluteUrl(value: unknown, name: string): string {
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hash) return value;
    } catch {
      // fall through
    }
  }
  throw new AuthServerMetadataInvalid(
    `The metadata has no usable ${name} (an absolute http(s) URL is required, RFC 8414 §2).`,
  );
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}
