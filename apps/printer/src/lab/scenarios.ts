/**
 * @module lab/scenarios
 *
 * The attack lab's scenarios (issue 16): each one a real attack on the real services by Mallory, the lab's
 * attacker (apps/attacker), and the defense that stops it. Every text says what the attacker gains, in one
 * sentence a newcomer understands, BEFORE any RFC word; then the step of the notes (docs/notes.md, "The eight
 * steps") that the attack abuses, and the section of RFC 9700 that describes it.
 */

export type ScenarioId = 'csrf' | 'pkce' | 'audience' | 'refresh' | 'redirect' | 'mixup' | 'implicit' | 'device';

/**
 * How "Run the attack" starts a scenario (routes/lab.ts has one start function for all of them):
 * - `mallory`: your browser visits Mallory's page (`path` on her site, for this run and this switch position),
 *   and her site does the rest;
 * - `lab-copy`: the lab copy, a public client, sends its authorization request (step 2).
 */
export type ScenarioStart =
  | { by: 'mallory'; path: (run: string, defenseOn: boolean) => string; label: string }
  | {
      by: 'lab-copy';
      /** PKCE always, or only with the defense on (scenario 2, where the defense IS PKCE; scenario 6's code flow). */
      pkce: 'always' | 'with-defense';
      /** It asks as its filters partner's registration (scenario 5: a token whose audience is the partner's API). */
      asFiltersPartner?: true;
      /** Its redirect_uri is the browser-app page of scenario 6, not /lab/callback. */
      implicitCallback?: true;
      /** With the defense off: the Implicit flow (response_type=token, RFC 6749 §4.2.1) instead of the code flow. */
      implicitWithoutDefense?: true;
      scope?: string;
      /** The request goes to Mallory's Evil AS (scenario 4), not to our auth server; `label` names that hop. */
      toEvilAs?: { label: string };
    };

export interface Scenario {
  id: ScenarioId;
  /** The numbering, shown to learners. */
  number: number;
  title: string;
  /** What Mallory gains, in one plain sentence (no RFC words). */
  gain: string;
  /** The story, one short paragraph per step, as the learner runs it. */
  story: string[];
  /** The defense the switch turns off (for the lab copy only). Null: no switch, the attack is shown as it happens. */
  defense: { name: string; what: string } | null;
  /** The step of the notes (docs/notes.md) the attack abuses. */
  noteStep: { number: number; text: string };
  /** Where it is described: RFC 9700 first. */
  references: string[];
  /** Rule ids of docs/security.md that the real services keep against it. */
  rules: string[];
  /** Built and tested (Playwright, both switch positions). The others are listed so nobody thinks they exist. */
  built: boolean;
  /** For a scenario without a switch: what defends you, and how to see it work. */
  noSwitch?: string;
  /** The result is what Mallory's site got (the learner asks for it after the run), not what the printer saw. */
  resultFromMallory?: boolean;
  /** What "Run the attack" does. */
  start: ScenarioStart;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'csrf',
    number: 1,
    title: 'CSRF on the callback: no state',
    gain: 'Mallory connects YOUR printer to HER Drive account, so what you print comes from her account (and anything the printer saved would go to her).',
    story: [
      'Mallory signs in to Drive with her own account and starts an import at the printer’s lab copy, but stops before the last redirect: she keeps the link with her code.',
      'You visit her “free photo filters” site. It sends your browser to the printer’s callback with her code.',
      'The printer’s lab copy turns the code into a token: your printer session now reads Mallory’s Drive.',
    ],
    defense: {
      name: 'state',
      what: 'The printer sends a random state with its request, keeps it in your session, and accepts only an answer that carries it back. Mallory cannot know yours.',
    },
    noteStep: { number: 4, text: 'Step 4: the redirect back to the redirect_uri with the code (and the state)' },
    references: ['RFC 9700 §4.7', 'RFC 6749 §10.12'],
    rules: [],
    built: true,
    start: { by: 'mallory', path: (run) => `/csrf/${run}`, label: 'You visit Mallory’s “free photo filters” page' },
  },
  {
    id: 'pkce',
    number: 2,
    title: 'Code interception: no PKCE',
    gain: 'Mallory reads YOUR photos, with a code she never should have been able to use.',
    story: [
      'You import photos with the printer’s lab copy, a public client (like a phone app: it has no secret).',
      'Its “almost done” page shows an ad from Mallory’s site; your browser tells her site the page’s address, code included (the Referer header).',
      'Mallory sends the code to the token endpoint herself, before the printer does, and reads your photo list from Drive.',
    ],
    defense: {
      name: 'PKCE',
      what: 'The printer sends only the hash of a secret (code_challenge) with its request, and the secret itself (code_verifier) with the code. Mallory saw the code, never the verifier.',
    },
    noteStep: { number: 5, text: 'Step 5: the client trades the code (with its code_verifier)' },
    references: ['RFC 9700 §4.5', 'RFC 7636 §1', 'RFC 9700 §4.2 (Referer)'],
    rules: ['§A3', '§T6', '§T7'],
    built: true,
    start: { by: 'lab-copy', pkce: 'with-defense' },
  },
  {
    id: 'audience',
    number: 5,
    title: 'A token for the wrong audience',
    gain: 'A service you let see some of your photos uses the pass you gave it to open your whole Drive.',
    story: [
      'The printer’s lab copy works with a filters partner, “Free photo filters” (Mallory’s). To share photos with it, it gets an access token made FOR the partner’s API: the auth server writes the partner’s API into the token’s audience (aud).',
      'The lab copy calls the partner’s API with that token, exactly as it should.',
      'Mallory’s API does not keep it to itself: it replays the token at Drive’s photo API. Same auth server, valid signature, not expired, scope photos.read.',
    ],
    defense: {
      name: 'Drive’s aud check',
      what: 'Drive accepts a token only if its audience (aud) names Drive: a token made for another API is refused with 401 invalid_token, however valid it is otherwise. (Switched off, Mallory replays at a lab copy of Drive’s photo list that believes any audience.)',
    },
    noteStep: { number: 8, text: 'Step 8: the resource server checks the token (issuer, audience, expiry, scope)' },
    references: ['RFC 9068 §4', 'RFC 8707 §2', 'RFC 9700 §2.3', 'RFC 9700 §4.9 (resource servers that misuse tokens)'],
    rules: ['§R3'],
    built: true,
    start: { by: 'lab-copy', pkce: 'always', asFiltersPartner: true },
  },
  {
    id: 'refresh',
    number: 7,
    title: 'Refresh token theft',
    gain: 'Mallory keeps reading your photos for weeks, with fresh access tokens she gets herself, long after the one she could have stolen expired.',
    story: [
      'You connect the printer’s lab copy, a public client (like a phone app: no secret), and allow offline access: it gets a refresh token.',
      'Mallory steals that refresh token (how does not matter here: a leaked backup, malware on the phone) and uses it at once: she gets an access token of her own.',
      'Later your printer refreshes too, as it does when its access token expires. Then Mallory tries again.',
    ],
    defense: {
      name: 'refresh token rotation',
      what: 'Each refresh returns a new refresh token and retires the old one. When a retired one is used again (by the thief or by you), the auth server knows a copy exists and revokes the whole family: Mallory’s tokens die, and your printer asks you to connect again. (Switched off, both use the auth server’s lab copy of the token endpoint that does not rotate.)',
    },
    noteStep: {
      number: 6,
      text: 'Step 6: the authorization server issues the tokens (and a refresh token, with offline_access)',
    },
    references: ['RFC 9700 §4.14.2', 'RFC 6749 §6', 'RFC 6749 §10.4'],
    rules: ['§T9'],
    built: true,
    start: { by: 'lab-copy', pkce: 'always', scope: 'photos.read offline_access' },
  },
  {
    id: 'redirect',
    number: 3,
    title: 'Loose redirect_uri matching',
    gain: 'Mallory gets the code for your account sent straight to her own site, and reads your photos with it.',
    story: [
      'Mallory’s site shows a “Sign in with Photo Printer” link. It is a real request to the real auth server, but she wrote it, with her own PKCE secret.',
      'Its redirect_uri starts exactly like the one the printer’s lab copy registered, then walks back with “..” to the printer’s careless “continue to” redirect, which forwards to her site.',
      'You sign in and allow, as usual. The code travels to her site, and she redeems it: PKCE does not help, because she started the request.',
    ],
    defense: {
      name: 'exact redirect_uri matching',
      what: 'The auth server compares the redirect_uri character for character with the registered one; anything else gets an error page, never a redirect. (Switched off, Mallory’s link goes to a lab copy of the endpoint that compares by prefix.)',
    },
    noteStep: { number: 2, text: 'Step 2: the authorization request names where to come back (redirect_uri)' },
    references: ['RFC 9700 §4.1', 'RFC 9700 §4.11 (open redirectors)', 'RFC 6749 §3.1.2'],
    rules: ['§A1'],
    built: true,
    resultFromMallory: true,
    // With the defense off, her link uses the auth server's lab copy of the endpoint that compares redirect_uri by
    // prefix (lab/loose_redirect.ts there).
    start: {
      by: 'mallory',
      path: (run, defenseOn) => `/redirect/${run}?endpoint=${defenseOn ? 'real' : 'lab'}`,
      label: 'You visit Mallory’s page with her “Sign in with Photo Printer” link',
    },
  },
  {
    id: 'mixup',
    number: 4,
    title: 'Mix-up: no iss check',
    gain: 'Mallory’s own sign-in server receives the real code for your account, and reads your photos with it.',
    story: [
      'The printer’s lab copy can import from two services, each with its own authorization server: Drive’s (the real one) and “Free photo filters” (Mallory’s, Evil AS). You pick Free photo filters.',
      'Evil AS sends your browser on to the REAL auth server, with the printer’s request, state and code_challenge unchanged. You sign in and allow there, as usual.',
      'The real code comes back to the printer, which believes it talks to Evil AS and sends the code, and its code_verifier, to Evil AS’s token endpoint. Mallory redeems them at the real server. PKCE does not help: the printer hands her the verifier.',
    ],
    defense: {
      name: 'iss check',
      what: 'The answer names its issuer (iss). The printer accepts it only from the server it sent the request to: an answer from the real server to a request sent to Evil AS is refused, and no code goes anywhere.',
    },
    noteStep: { number: 4, text: 'Step 4: the answer comes back with the code, the state and the issuer (iss)' },
    references: ['RFC 9700 §4.4', 'RFC 9207 §2.4'],
    rules: ['§A5'],
    built: true,
    // You pick "Free photo filters": the request (with PKCE and state, which will not help) goes to Evil AS.
    start: {
      by: 'lab-copy',
      pkce: 'always',
      toEvilAs: { label: 'Step 2, to the server you picked: Evil AS (Mallory’s)' },
    },
  },
  {
    id: 'implicit',
    number: 6,
    title: 'Implicit flow leakage',
    gain: 'Mallory reads your photos with the access token she picks out of the page’s address.',
    story: [
      'You connect the printer’s lab copy, a browser app. Its callback page loads a third-party “filter widget” from Mallory’s site, as pages load ads and analytics.',
      'With the Implicit flow the access token itself comes back in the address (the fragment, after #). A browser never puts the fragment in a Referer header, but any script on the page can read it: her widget sends the address to her site.',
      'With the code flow and PKCE, the same widget sees only a code, which is worth nothing without the code_verifier that never left the printer.',
    ],
    defense: {
      name: 'code flow + PKCE instead of Implicit',
      what: 'No token travels through the browser’s address bar: only a short-lived, single-use code that needs the code_verifier to be redeemed. (Switched off, the lab copy uses response_type=token.)',
    },
    noteStep: { number: 6, text: 'Implicit: steps 1, 2, 3, 6: the token is handed to the browser in step 6' },
    references: ['RFC 9700 §2.1.2', 'RFC 9700 §4.3', 'RFC 6749 §10.16'],
    rules: ['§A4'],
    built: true,
    resultFromMallory: true,
    start: { by: 'lab-copy', pkce: 'with-defense', implicitCallback: true, implicitWithoutDefense: true },
  },
  {
    id: 'device',
    number: 8,
    title: 'Device code phishing',
    gain: 'You approve Mallory’s kiosk, thinking you claim free prints, and her kiosk reads your photos.',
    story: [
      'Mallory’s own “kiosk” starts a device sign-in with the shop’s kiosk registration: any device can. It gets a short code for HER device.',
      'Her site tells you that you won free prints: “go to the sign-in page and enter this code”. The page is the real auth server’s.',
      'If you sign in and approve, her kiosk, which polls the auth server, receives a token for your photos.',
    ],
    defense: null,
    noSwitch:
      'Nothing technical can tell your approval from a tricked one: the code is real and so is the page. What defends you is the approval page’s warning (“only allow if you started this on a device in front of you”) and the code’s short life (10 minutes), which leaves Mallory little time. Run it and Allow, then run it again and Deny.',
    noteStep: {
      number: 3,
      text: 'Step 3: the authorization server asks the owner (here, for a device you cannot see)',
    },
    references: ['RFC 8628 §5.4', 'RFC 9700 §4.6 (consent for a device)'],
    rules: [],
    built: true,
    resultFromMallory: true,
    // Her site starts a device flow on her "kiosk" and shows you its code.
    start: { by: 'mallory', path: (run) => `/kiosk/${run}`, label: 'You visit Mallory’s “you won free prints” page' },
  },
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
