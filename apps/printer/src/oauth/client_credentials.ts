/**
 * @module oauth/client_credentials
 *
 * The Client Credentials grant, RFC 6749 §4.4 (steps 2 and 6 of the notes, then 7 and 8 at Drive): the print
 * lab asks the token endpoint for a token FOR ITSELF. No user, no browser, no consent screen: the client
 * authenticates and gets a token whose subject is the client (RFC 9068 §2.2). It authenticates with
 * `client_secret_post` (RFC 6749 §2.3.1): client_id and client_secret in the form body, over the back channel.
 */
import type { PrintLabRegistration } from '../config.js';
import {
  readTokenError,
  postForm,
  responseBody,
  parseTokenResponse,
  type TokenEndpointDeps,
  type TokenError,
  type TokenSet,
} from './token_endpoint.js';

export interface ClientCredentialsAnswer {
  /** The token endpoint as the metadata names it (public URL). */
  endpoint: string;
  /** The form that was sent, with the secret masked: what client_secret_post looks like. */
  shownRequest: string;
  status: number;
  /** The names of the JSON members that came back: no refresh_token among them (RFC 6749 §4.4.3). */
  fields: string[];
  tokens?: TokenSet;
  error?: TokenError;
}

/** RFC 6749 §4.4.2: `grant_type=client_credentials&scope=…` plus the client's credentials in the body. */
function clientCredentialsForm(lab: PrintLabRegistration): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    scope: lab.scope,
    client_id: lab.clientId,
    client_secret: lab.clientSecret,
  });
}

export async function requestClientCredentialsToken(
  deps: Pick<TokenEndpointDeps, 'http' | 'metadata' | 'authInternalUrl'>,
  lab: PrintLabRegistration,
): Promise<ClientCredentialsAnswer> {
  const metadata = await deps.metadata.get();
  const form = clientCredentialsForm(lab);
  const shown = new URLSearchParams(form);
  shown.set('client_secret', '••••••••');
  const response = await postForm(deps, metadata.token_endpoint, form);
  const body = responseBody(response);
  const answer: ClientCredentialsAnswer = {
    endpoint: metadata.token_endpoint,
    shownRequest: [...shown].map(([k, v]) => `${k}=${v}`).join('&'),
    status: response.status,
    fields: Object.keys(body).slice(0, 20),
  };
  if (response.status !== 200) {
    answer.error = readTokenError(response);
    return answer;
  }
  answer.tokens = parseTokenResponse(body, lab.scope, 'client_credentials');
  return answer;
}
