/**
 * @module access_token
 *
 * JWT access tokens, RFC 9068. The authorization server issues them; resource servers verify them locally
 * against the published JWKS (step 8 of the notes: "the resource server verifies the token").
 *
 * Verification follows RFC 9068 §4 and RFC 8725 (JWT BCP): an allow-list of algorithms (so `alg: none` and
 * HMAC-with-the-public-key are refused), `typ` must be `at+jwt` (so an ID token or other JWT cannot be
 * replayed as an access token), exact `iss` and `aud`, `exp` with a small clock skew, and keys only from
 * the trusted key set, never from the token's own `jwk`, `jku`, `x5u` or `x5c` header.
 */
import { randomUUID } from 'node:crypto';
import {
  CompactSign,
  errors,
  jwtVerify,
  type JWTHeaderParameters,
  type JWTVerifyGetKey,
  type FlattenedJWSInput,
} from 'jose';
import { InsufficientScope, InvalidToken, OAuthError, TemporarilyUnavailable } from './errors.js';
import { ACCESS_TOKEN_ALGORITHMS, isAccessTokenAlgorithm, type AccessTokenAlgorithm, type SigningKey } from './keys.js';
import { hasScope } from './scope.js';

const encoder = new TextEncoder();

/** RFC 9068 §2.1: the JOSE header `typ` of an access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** RFC 9068 §2.2: the claims every access token carries. */
export interface AccessTokenClaims {
  iss: string;
  /** The resource owner; for client_credentials, the client itself (RFC 9068 §2.2). */
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
}

export interface IssueAccessTokenInput {
  issuer: string;
  subject: string;
  audience: string;
  clientId: string;
  scope: string;
  /** Lifetime in seconds. Short is safer: a bearer token works for whoever holds it (RFC 9700 §4.10). */
  expiresIn: number;
  jti?: string;
  now?: number;
}

export async function issueAccessToken(
  key: SigningKey,
  input: IssueAccessTokenInput,
): Promise<{ token: string; claims: AccessTokenClaims }> {
  const iat = input.now ?? Math.floor(Date.now() / 1000);
  const claims: AccessTokenClaims = {
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience,
    client_id: input.clientId,
    scope: input.scope,
    iat,
    exp: iat + input.expiresIn,
    jti: input.jti ?? randomUUID(),
  };
  // A JWT is a JWS whose payload is the claims as JSON (RFC 7519 §7.1): jose's CompactSign signs exactly that,
  // without SignJWT's claim builder, which would only copy and re-check claims made just above (the token endpoint
  // signs one per request; bench/README.md, benchmark 2).
  const token = await new CompactSign(encoder.encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYP })
    .sign(key.privateKey);
  return { token, claims };
}

export interface VerifyAccessTokenOptions {
  issuer: string;
  /** This resource server's identifier; the token's `aud` must name it. */
  audience: string;
  /** The trusted keys: `createRemoteJWKSet(jwks_uri)` or `createLocalJWKSet(jwks)`. */
  keys: JWTVerifyGetKey;
  /** When given, a token without this scope is refused with 403 insufficient_scope (RFC 6750 §3.1). */
  requiredScope?: string;
  /**
   * The accepted signature algorithms (RFC 8725 §3.1): a subset of ACCESS_TOKEN_ALGORITHMS, all of them by
   * default. Anything outside that list (`none`, HMAC) is refused even if passed here.
   */
  algorithms?: readonly AccessTokenAlgorithm[];
  /** Seconds of clock skew tolerated on exp/iat. */
  clockTolerance?: number;
  now?: Date;
}

/** Header parameters that would let a token choose its own verification key (RFC 8725 §3.10). */
const KEY_CARRYING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

/**
 * Verify an access token and return its claims, or throw `InvalidToken` (401), `InsufficientScope` (403)
 * or `TemporarilyUnavailable` (the key set could not be fetched: access is refused, never granted).
 */
export async function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): Promise<AccessTokenClaims> {
  const getKey: JWTVerifyGetKey = (header: JWTHeaderParameters, input: FlattenedJWSInput) => {
    for (const name of KEY_CARRYING_HEADERS) {
      if (name in header) throw new InvalidToken(`The token header must not carry "${name}".`);
    }
    return options.keys(header, input);
  };

  // RFC 8725 §3.1: only asymmetric algorithms, from the allow-list; the token's own `alg` never widens it.
  const algorithms = (options.algorithms ?? ACCESS_TOKEN_ALGORITHMS).filter(isAccessTokenAlgorithm);
  if (algorithms.length === 0) throw new Error('verifyAccessToken: no allowed algorithm');

  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      algorithms,
      typ: ACCESS_TOKEN_TYP,
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockTolerance ?? 5,
      requiredClaims: ['iss', 'sub', 'aud', 'client_id', 'iat', 'exp', 'jti'],
      ...(options.now ? { currentDate: options.now } : {}),
    }));
  } catch (err) {
    throw toOAuthError(err);
  }

  const claims = payload as unknown as AccessTokenClaims;
  for (const name of ['sub', 'client_id', 'jti'] as const) {
    if (typeof claims[name] !== 'string') throw new InvalidToken(`The "${name}" claim must be a string.`);
  }
  if (claims.scope !== undefined && typeof claims.scope !== 'string')
    throw new InvalidToken('The "scope" claim must be a string.');
  if (options.requiredScope !== undefined && !hasScope(claims.scope, options.requiredScope)) {
    throw new InsufficientScope(options.requiredScope);
  }
  return claims;
}

function toOAuthError(err: unknown): Error {
  if (err instanceof OAuthError) return err;
  if (err instanceof errors.JWTExpired) return new InvalidToken('The access token expired.');
  if (err instanceof errors.JWTClaimValidationFailed)
    return new InvalidToken(`The "${err.claim}" claim is not valid for this resource server.`);
  if (err instanceof errors.JOSEAlgNotAllowed)
    return new InvalidToken('The token is signed with an algorithm this resource server does not accept.');
  if (err instanceof errors.JWKSNoMatchingKey)
    return new InvalidToken('The token was signed with a key the authorization server does not publish.');
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return new InvalidToken('The token signature is not valid.');
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) {
    return new TemporarilyUnavailable('The authorization server keys could not be fetched; access is refused.');
  }
  if (err instanceof errors.JOSEError) return new InvalidToken('The token is malformed.');
  // Network failures fetching the JWKS surface as plain errors (e.g. ECONNREFUSED): refuse, never allow.
  return new TemporarilyUnavailable('The authorization server keys could not be fetched; access is refused.');
}
