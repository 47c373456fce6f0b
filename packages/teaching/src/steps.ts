/**
 * @module steps
 *
 * The eight steps of the Authorization Code flow, in the words of the notes (docs/notes.md), so every
 * service labels the same step the same way. Each page that performs a step shows its number.
 */

export type StepNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export interface Step {
  n: StepNumber;
  title: string;
  /** Who acts in this step. */
  actor: 'Resource Owner' | 'Client' | 'Authorization Server' | 'Resource Server';
  detail: string;
}

export const STEPS: Record<StepNumber, Step> = {
  1: { n: 1, actor: 'Resource Owner', title: 'You ask Photo Printer to get your photos', detail: 'The user, on the client, asks it to fetch a resource that lives on the resource server.' },
  2: { n: 2, actor: 'Client', title: 'Photo Printer asks the authorization server', detail: 'The client sends your browser to the authorization server with an authorization request: who it is, what it wants (scope), where to come back (redirect_uri), a state and a PKCE code_challenge.' },
  3: { n: 3, actor: 'Authorization Server', title: 'The authorization server asks you', detail: 'It checks who you are (sign in) and asks whether you really want the client to access your resource (consent).' },
  4: { n: 4, actor: 'Authorization Server', title: 'The authorization server sends back a short-lived code', detail: 'Your browser is sent back to the client with an authorization code, the same state, and the issuer (iss).' },
  5: { n: 5, actor: 'Client', title: 'Photo Printer exchanges the code for a token', detail: 'Server to server, the client authenticates itself and sends the code with its PKCE code_verifier to the token endpoint.' },
  6: { n: 6, actor: 'Authorization Server', title: 'The authorization server issues the access token', detail: 'It has checked what the client sent (the code and its code_verifier, and the client’s own credentials when it has some) and answers with an access token (RFC 6749 §5.1).' },
  7: { n: 7, actor: 'Client', title: 'Photo Printer calls Drive with the access token', detail: 'Every call to the resource server carries the token: Authorization: Bearer <token>.' },
  8: { n: 8, actor: 'Resource Server', title: 'Drive verifies the token and serves your photos', detail: "The resource server checks the token's signature (against the authorization server's published keys), issuer, audience, expiry and scope before serving anything." },
};

export function steps(...numbers: StepNumber[]): Step[] {
  return numbers.map((n) => STEPS[n]);
}
