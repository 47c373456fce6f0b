/**
 * @module oauth/request_builder
 *
 * The request builder (/request-builder): the authorization request of step 2 (RFC 6749 §4.1.1, RFC 7636 §4.3)
 * taken apart into its parameters, so that a learner can change any of them, send it, and see how the auth server
 * answers. Framework-free: the route (routes/request_builder.ts) reads the form and redirects.
 *
 * The builder starts from a correct request whose `state` and `code_verifier` Photo Printer made and keeps, as for
 * its own requests (authorization_request.ts). Sent with that state, the answer is accepted at the callback like any
 * other, so a correct hand-made request completes (and a changed code_challenge then fails at the token endpoint,
 * invalid_grant: the verifier no longer matches, RFC 7636 §4.6). Sent with another state, the answer is refused at
 * the callback: Photo Printer never sent that state (RFC 6749 §10.12).
 */
import type { ClientRegistration } from '../config.js';
import { CODE_CHALLENGE_METHOD, calculateCodeChallenge } from '@oauth-demo/tokens';
import type { PendingAuthorization } from './authorization_request.js';

/** The parameters of the request, in the order the URL shows them. */
export const BUILDER_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;

export type BuilderParam = (typeof BUILDER_PARAMS)[number];

/** One field of the form: sent or left out (a parameter left out is not the same as an empty one), and its value. */
export interface BuilderField {
  include: boolean;
  value: string;
}

export type BuilderFields = Record<BuilderParam, BuilderField>;

/** What each parameter is for, with the section that defines it: shown next to its field. */
export const PARAM_MEANINGS: Record<BuilderParam, string> = {
  response_type:
    'RFC 6749 §4.1.1, REQUIRED: "code" asks for an authorization code (the Authorization Code grant). "authorization_code" is the grant_type of the token request (§4.1.3), not a response_type.',
  client_id: 'RFC 6749 §4.1.1, REQUIRED: which registered application asks (§2.2).',
  redirect_uri:
    'RFC 6749 §4.1.1 and §3.1.2: where the answer goes. The auth server compares it with the registered URIs character for character (RFC 9700 §4.1.3) and never redirects anywhere else.',
  scope: 'RFC 6749 §4.1.1 and §3.3: what access is asked for, space-separated.',
  state:
    'RFC 6749 §4.1.1 and §10.12: an unguessable value the auth server sends back unchanged. Photo Printer accepts an answer only with a state it sent from this browser.',
  code_challenge:
    'RFC 7636 §4.3: BASE64URL(SHA-256(code_verifier)). The verifier stays on Photo Printer’s server until the token request. This auth server requires it for every code request (RFC 9700 §2.1.1). Put another valid challenge here and the request is accepted, but the token request then fails with invalid_grant: the verifier Photo Printer kept no longer hashes to it (RFC 7636 §4.6).',
  code_challenge_method: 'RFC 7636 §4.3: how the challenge was made; "S256" (SHA-256). "plain" is not accepted here.',
};

/** The longest value a field takes (a real request's longest value, the state, is 43 characters). */
const MAX_VALUE = 500;

/** The correct request for this client with this pending state and verifier: what the form starts with. */
export function correctFields(client: ClientRegistration, pending: PendingAuthorization): BuilderFields {
  const field = (value: string): BuilderField => ({ include: true, value });
  return {
    response_type: field('code'),
    client_id: field(client.clientId),
    redirect_uri: field(client.redirectUri),
    scope: field(client.scope),
    state: field(pending.state),
    code_challenge: field(calculateCodeChallenge(pending.code_verifier)),
    code_challenge_method: field(CODE_CHALLENGE_METHOD),
  };
}

export type PresetId =
  | 'correct'
  | 'wrong-redirect-uri'
  | 'missing-code-challenge'
  | 'unknown-scope'
  | 'wrong-response-type';

export interface Preset {
  id: PresetId;
  title: string;
  /** The mistake, applied to a correct request. */
  apply(fields: BuilderFields): BuilderFields;
  /** What the auth server must answer, and the section that says so. */
  expected: string;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'correct',
    title: 'A correct request',
    apply: (f) => f,
    expected:
      'Sign-in and consent, then the redirect back with code, state and iss (RFC 6749 §4.1.2, RFC 9207). The state is the one Photo Printer made for this page, so it accepts the answer and redeems the code with the verifier it kept: your photos are imported.',
  },
  {
    id: 'wrong-redirect-uri',
    title: 'A wrong redirect_uri',
    apply: (f) => ({ ...f, redirect_uri: { include: true, value: 'https://evil.example/callback' } }),
    expected:
      'The auth server shows an error page itself and does NOT redirect: an unregistered redirect_uri cannot be trusted with even an error (RFC 6749 §4.1.2.1, §3.1.2.4; RFC 9700 §4.1.3). You stay on the auth server.',
  },
  {
    id: 'missing-code-challenge',
    title: 'No code_challenge',
    apply: (f) => ({
      ...f,
      code_challenge: { ...f.code_challenge, include: false },
      code_challenge_method: { ...f.code_challenge_method, include: false },
    }),
    expected:
      'Back to Photo Printer’s redirect_uri with error=invalid_request: this auth server requires PKCE for every code request (RFC 9700 §2.1.1, RFC 7636 §4.4.1). The client and redirect_uri were verified first, so the error may be redirected (RFC 6749 §4.1.2.1).',
  },
  {
    id: 'unknown-scope',
    title: 'An unknown scope',
    apply: (f) => ({ ...f, scope: { include: true, value: `${f.scope.value} photos.delete_everything` } }),
    expected:
      'Back to Photo Printer’s redirect_uri with error=invalid_scope: the requested scope is unknown or not allowed for this client (RFC 6749 §4.1.2.1).',
  },
  {
    id: 'wrong-response-type',
    title: 'A wrong response_type',
    apply: (f) => ({ ...f, response_type: { include: true, value: 'authorization_code' } }),
    expected:
      'Back to Photo Printer’s redirect_uri with error=unsupported_response_type: "authorization_code" is a grant_type, the response_type of this grant is "code" (RFC 6749 §4.1.2.1, §4.1.1).',
  },
];

export function findPreset(id: unknown): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/**
 * The form as sent (`<param>` the value, `<param>__include` "on" when sent), bounded. A field the form did not send
 * at all is left out of the request.
 */
export function fieldsFromForm(body: Record<string, unknown> | undefined): BuilderFields {
  const fields = {} as BuilderFields;
  for (const name of BUILDER_PARAMS) {
    const value = body?.[name];
    fields[name] = {
      include: body?.[`${name}__include`] === 'on',
      value: typeof value === 'string' ? value.slice(0, MAX_VALUE) : '',
    };
  }
  return fields;
}

/**
 * The authorization request URL: the endpoint (its own query kept, RFC 6749 §3.1) with the included parameters in
 * the query, form-encoded as a browser would (application/x-www-form-urlencoded, RFC 6749 Appendix B).
 */
export function buildRequestUrl(authorizationEndpoint: string, fields: BuilderFields): string {
  const url = new URL(authorizationEndpoint);
  for (const name of BUILDER_PARAMS) {
    const field = fields[name];
    if (field.include) url.searchParams.append(name, field.value);
  }
  return url.href;
}
