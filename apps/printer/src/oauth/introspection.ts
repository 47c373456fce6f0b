/**
 * @module oauth/introspection
 *
 * RFC 7662: the printer may ask the auth server about ITS OWN tokens (authenticated as itself). The re-order
 * page uses it once, to show that a rotated refresh token is really dead: the auth server answers
 * `{"active": false}` for it. Asking is read-only; presenting the old token at the token endpoint instead would
 * look like theft and revoke the whole family (RFC 9700 §4.14.2).
 */
import { postAuthenticated, responseBody, type TokenEndpointDeps } from './token_endpoint.js';

/** `true`/`false` as the auth server said; `null` when it offers no introspection or did not answer 200. */
export async function isTokenActive(
  deps: TokenEndpointDeps,
  token: string,
  hint: 'access_token' | 'refresh_token',
): Promise<boolean | null> {
  try {
    const metadata = await deps.metadata.get();
    if (!metadata.introspection_endpoint) return null;
    const response = await postAuthenticated(
      deps,
      metadata.introspection_endpoint,
      new URLSearchParams({ token, token_type_hint: hint }),
    );
    if (response.status !== 200) return null;
    const body = responseBody(response);
    return typeof body.active === 'boolean' ? body.active : null;
  } catch {
    return null; // best effort: the page then simply does not show the proof
  }
}
