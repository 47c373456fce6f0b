/**
 * @module grants
 *
 * Every grant of the notes (docs/notes.md), in one table the pages share: the notes' own table row, where to try
 * it in this demo, and what RFC 9700 (the OAuth 2.0 Security Best Current Practice) says about it today. Its
 * steps come from the one definition in steps.ts (GRANT_STEPS), never from here.
 */
import { GRANT_STEPS, type GrantKey, type GrantSteps, type StepNumber, stepNumbersOf } from './steps.js';

export type { GrantKey } from './steps.js';

export interface GrantLink {
  href: string;
  label: string;
}

export interface Grant {
  key: GrantKey;
  name: string;
  spec: string;
  /** The row of the notes' table, verbatim; the extensions have none. */
  notesRow?: { grantType: string; useCase: string };
  /** The notes' step numbers this grant performs (from GRANT_STEPS). */
  steps: StepNumber[];
  /** Its steps, worded, and why the others do not exist in it (GRANT_STEPS). */
  stepDefinition: GrantSteps;
  where: GrantLink[];
  verdict: 'use' | 'avoid' | 'use-for-its-case';
  verdictLabel: string;
  /** Where today's verdict comes from (RFC 9700, the security BCP, unless said otherwise). */
  verdictSource?: string;
  verdictText: string;
  whenToUse: string;
  whenNot: string;
}

/** The grants, in the order of the notes' table, then the two extensions. `drive` is Drive's public URL. */
export function grants(drivePublicUrl: string): Grant[] {
  const rows: Omit<Grant, 'steps' | 'stepDefinition'>[] = [
    {
      key: 'authorization_code',
      name: 'Authorization Code (with PKCE)',
      spec: 'RFC 6749 §4.1, RFC 7636',
      notesRow: { grantType: 'Authorization Code', useCase: '3rd party web, native or 3rd party JS app (with PKCE)' },
      where: [
        { href: '/', label: 'Photo Printer: “Import photos from Drive” (a confidential web app, server side)' },
        { href: '/quick-print', label: 'Quick print: the same grant from the browser (a public client with PKCE)' },
      ],
      verdict: 'use',
      verdictLabel: 'Best practice',
      verdictText:
        'The grant for any app that acts for a user. RFC 9700 §2.1.1: use PKCE (S256) with it, for every client, confidential or public; match redirect URIs exactly; send state (or rely on PKCE) against CSRF.',
      whenToUse:
        'Whenever a third-party app (a web server, a single-page app, a mobile app) needs a user’s permission to reach their data.',
      whenNot:
        'When there is no user at all (a service acting for itself: Client Credentials), or when the device has no usable browser (Device flow).',
    },
    {
      key: 'implicit',
      name: 'Implicit',
      spec: 'RFC 6749 §4.2',
      notesRow: { grantType: 'Implicit', useCase: '3rd party JS app (no longer best practice, use AC with PKCE)' },
      where: [{ href: '/quick-print', label: 'Quick print: “Quick print with the Implicit flow”' }],
      verdict: 'avoid',
      verdictLabel: 'No longer best practice',
      verdictText:
        'RFC 9700 §2.1.2: clients SHOULD NOT use it (response_type=token). The access token travels in the URL, so it lands in the browser history (§4.3) and can leak through referrers and logs (§4.2); an attacker can inject a stolen token (§4.6), because nothing binds it to this client or this browser; there is no client authentication and no refresh token. Browsers have allowed cross-origin token requests (CORS) for years, so the reason it existed is gone. OAuth 2.1 drops it.',
      whenToUse:
        'Not for new apps. It exists in this demo so you can see the token in the URL and what else can read it.',
      whenNot:
        'Any JavaScript app today: use Authorization Code with PKCE from the browser (shown beside it on the Quick print page), or better, keep tokens on a server (a backend for frontend, like Photo Printer’s main path).',
    },
    {
      key: 'client_credentials',
      name: 'Client Credentials',
      spec: 'RFC 6749 §4.4',
      notesRow: { grantType: 'Client Credentials', useCase: 'Application (no user) (exp : microservice)' },
      where: [{ href: '/print-lab', label: 'Print lab: “Fetch the sample gallery as the print lab”' }],
      verdict: 'use-for-its-case',
      verdictLabel: 'Best practice for machines',
      verdictText:
        'The right grant when a confidential client acts for itself. The token’s subject is the client, so it must never open a user’s data (RFC 9700 §4.15 warns against a resource server mistaking a client for a user). RFC 9700 §2.5 recommends asymmetric client authentication (mTLS or private_key_jwt) over a shared secret; the demo uses a secret (client_secret_post) to keep it readable. No refresh token: the client simply asks again (RFC 6749 §4.4.3).',
      whenToUse: 'Machine to machine: a microservice, a batch job, the print lab fetching its own test prints.',
      whenNot:
        'When a user’s data is involved (the token carries no user and no consent), or in any public client (a browser or mobile app cannot keep a secret).',
    },
    {
      key: 'password',
      name: 'Password (Resource Owner Password Credentials)',
      spec: 'RFC 6749 §4.3',
      notesRow: { grantType: 'Password', useCase: '1st party (no longer best practice)' },
      where: [
        {
          href: `${drivePublicUrl}/signin`,
          label: 'Drive’s own sign-in page (Drive’s first-party web app, not Photo Printer)',
        },
      ],
      verdict: 'avoid',
      verdictLabel: 'No longer best practice',
      verdictText:
        'RFC 9700 §2.4: the password grant MUST NOT be used. The app sees your password (so it could do anything you can), users learn to type their password into apps, and the authorization server cannot add a second factor, show a consent screen or notice phishing. OAuth 2.1 drops it. Photo Printer never uses it: a third party asking for your Drive password is exactly what OAuth exists to prevent.',
      whenToUse:
        'Only a first-party app of the same company as the authorization server, only while migrating an old login (the notes: “1st party”).',
      whenNot:
        'Any third party, ever. And even first-party apps today use Authorization Code with PKCE through the authorization server’s own login page.',
    },
    {
      key: 'refresh_token',
      name: 'Refresh Token (extension of the notes)',
      spec: 'RFC 6749 §6, RFC 9700 §4.14',
      where: [{ href: '/orders', label: 'Your orders → an order → “Re-order” after the access token expired' }],
      verdict: 'use',
      verdictLabel: 'Best practice, with rotation',
      verdictText:
        'Short-lived access tokens plus a refresh token keep a stolen access token worth little. RFC 9700 §4.14.2: a refresh token must be sender-constrained or rotated, so each refresh returns a new refresh token and the old one dies; presenting the old one again revokes the whole family.',
      whenToUse:
        'When the client must keep working after the access token expires, without asking you again (the scope offline_access).',
      whenNot: 'When the client only needs access while you are there: no refresh token means less to steal.',
    },
    {
      key: 'device_code',
      name: 'Device Authorization (extension of the notes)',
      spec: 'RFC 8628',
      where: [{ href: '/kiosk', label: 'The shop’s photo kiosk: “Start on the kiosk”' }],
      verdict: 'use-for-its-case',
      verdictLabel: 'Best practice for devices without a browser',
      verdictSource: 'RFC 8628',
      verdictText:
        'For devices that cannot show a browser worth typing a password into (a kiosk, a TV). Step 4 has no redirect: the kiosk already holds its device_code and learns your answer by polling, no faster than the interval (slow_down adds 5 s, RFC 8628 §3.5). RFC 8628 §5.4: approve only a code shown by a device in front of you, or a stranger’s device gets your photos.',
      whenToUse: 'A device in front of you with no keyboard or browser, when you have a phone or computer at hand.',
      whenNot:
        'Any device that can open a browser (use Authorization Code with PKCE), or when the code could come from someone else (remote phishing).',
    },
  ];
  return rows.map((g) => ({ ...g, steps: stepNumbersOf(g.key), stepDefinition: GRANT_STEPS[g.key] }));
}

export function findGrant(drivePublicUrl: string, key: GrantKey): Grant {
  const grant = grants(drivePublicUrl).find((g) => g.key === key);
  if (!grant) throw new Error(`unknown grant ${key}`);
  return grant;
}
