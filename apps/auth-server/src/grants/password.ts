/**
 * @module grants/password
 *
 * The Resource Owner Password Credentials grant, RFC 6749 §4.3 (steps 1, 2, 6, 7, 8 of the notes): the client
 * collects the user's password itself and sends it here. Only a first party may ever do that (here: Drive's
 * own web app, the same company as the auth server), and RFC 9700 §2.4 says it MUST NOT be used at all
 * any more: the client sees the password, no consent is asked, and no second factor can be added.
 * It is in the demo to show exactly that.
 */
import {
  InvalidGrant,
  InvalidScope,
  optionalParam,
  parseScope,
  requiredParam,
  TemporarilyUnavailable,
  type ParamSource,
} from '@oauth-demo/tokens';
import type { Client } from '../clients.js';
import type { AuthContext, TokenRequestOrigin } from '../context.js';
import type { TokenResponse } from '../issuance.js';
import { PasswordChecksBusy } from '../passwords.js';
import { checkPassword } from '../sign_in.js';

export async function passwordGrant(
  params: ParamSource,
  client: Client,
  { users, store, issuer, loginThrottle }: AuthContext,
  { endUserAddress }: TokenRequestOrigin,
): Promise<TokenResponse> {
  // §4.3.2: the parameters (grant_type was read by the token endpoint), then "require client authentication for
  // confidential clients" and "authenticate the client" (done there too, routes/token.ts), then "validate the
  // resource owner password credentials". The scope (§3.3) is checked before the password, where §4.3.2 says
  // nothing of it: a request that cannot succeed then costs no scrypt and no failure count.
  const username = requiredParam(params, 'username');
  const password = requiredParam(params, 'password');
  const asked = optionalParam(params, 'scope');
  const scope = asked === undefined ? client.scope : parseScope(asked);
  if (!scope || scope.length === 0 || !scope.every((s) => client.scope.includes(s)))
    throw new InvalidScope('This client may not ask for that scope.');

  // RFC 6749 §4.3.2: "MUST protect the endpoint against brute force attacks". The request comes from the client's
  // server, not the user's browser: the user's own address is the one the client forwards, when it is trusted to
  // (routes/token.ts endUserAddress). Blocks per address and user, a growing delay per user (sign_in.ts).
  let outcome: Awaited<ReturnType<typeof checkPassword>>;
  try {
    outcome = await checkPassword(
      { users, loginThrottle },
      { channel: `password-grant|${client.client_id}`, address: endUserAddress, username },
      password,
    );
  } catch (err) {
    if (err instanceof PasswordChecksBusy)
      throw new TemporarilyUnavailable(`Too many sign-ins at this moment. Try again in ${err.retryAfterS} s.`);
    throw err;
  }
  if (outcome === 'blocked') throw new InvalidGrant('Too many failed attempts for this user. Wait a few minutes.');
  // RFC 6749 §5.2: invalid resource owner credentials are invalid_grant; one message for both cases.
  if (outcome === 'wrong') throw new InvalidGrant('Wrong username or password.');
  const user = outcome;

  // A first party needs no consent screen: using the service is the consent. The grant still records it,
  // so the user sees Drive on the Connected apps page and can sign it out everywhere.
  const grantId = store.grants.recordConsent(user.id, client.client_id, scope.join(' '));
  return issuer.issue({
    grantId,
    clientId: client.client_id,
    userId: user.id,
    scope: scope.join(' '),
    withRefreshToken: false,
  });
}
