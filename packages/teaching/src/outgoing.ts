/**
 * @module outgoing
 *
 * What a client's back-channel call is, in the notes' terms, for the timeline's arrows.
 */
import { AUTHORIZATION_SERVER_METADATA_PATH } from '@oauth-demo/tokens';
import { type ServiceUrls, isUnder } from '@oauth-demo/web';
import { tokenRequestStep, tokenResponseNote } from './steps.js';

export interface OutgoingDescription {
  to: 'auth' | 'drive';
  step?: number;
  label: string;
  note?: string;
}

/** What a back-channel call is, in the notes' terms (the step numbers of docs/notes.md). */
export function describeOutgoing(
  url: string,
  method: string,
  body: string | undefined,
  status: number | undefined,
  peers: { auth: ServiceUrls; drive: ServiceUrls },
): OutgoingDescription {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // keep the raw text
  }
  if (isUnder(url, peers.drive.internalUrl) || isUnder(url, peers.drive.publicUrl)) {
    const verdict =
      status === undefined
        ? undefined
        : status < 300
          ? 'Drive accepted the token and answered'
          : status === 401
            ? 'Drive refused the token (401)'
            : status === 403
              ? 'Drive refused: the token lacks the scope (403)'
              : `Drive answered HTTP ${status}`;
    return {
      to: 'drive',
      step: 7,
      label: `Drive API call: ${method} ${path}`,
      ...(verdict ? { note: `Step 8: ${verdict}` } : {}),
    };
  }
  const form = body !== undefined ? new URLSearchParams(body) : undefined;
  const grant = form?.get('grant_type');
  const tokenStep = tokenRequestStep(grant);
  if (tokenStep) {
    return {
      to: 'auth',
      step: tokenStep.step,
      label: tokenStep.label,
      ...(status !== undefined ? { note: tokenResponseNote(grant, status) } : {}),
    };
  }
  if (path.endsWith(AUTHORIZATION_SERVER_METADATA_PATH)) return { to: 'auth', label: 'Metadata discovery (RFC 8414)' };
  if (/device_authorization/.test(path))
    return { to: 'auth', step: 2, label: 'Device authorization request (RFC 8628)' };
  if (/introspect/.test(path)) return { to: 'auth', label: 'Introspection: is this token active? (RFC 7662)' };
  if (/revo/.test(path)) return { to: 'auth', label: 'Revocation (RFC 7009)' };
  if (/jwks/.test(path)) return { to: 'auth', label: 'JWKS: the public keys that verify tokens' };
  return { to: 'auth', label: `${method} ${path}` };
}
