/**
 * @module scopes
 *
 * The scopes this authorization server knows, with the words the consent screen uses for them
 * (RFC 6749 §3.3: the meaning of a scope is defined by the authorization server).
 */

export interface ScopeDefinition {
  name: string;
  /** One line, in the user's words, for the consent screen. */
  description: string;
  /** The resource server that honours it (becomes the token's `aud`), if any. */
  forResource: boolean;
}

export const SCOPES: Record<string, ScopeDefinition> = {
  'photos.read': {
    name: 'photos.read',
    description: 'View your photos on Drive (titles and images).',
    forResource: true,
  },
  'gallery.read': {
    name: 'gallery.read',
    description: "Read Drive's public sample gallery (test prints). Opens no one's own photos.",
    forResource: true,
  },
  offline_access: {
    name: 'offline_access',
    description:
      'Keep access while you are away: Photo Printer gets a refresh token, so it can re-print a past order later without asking you again.',
    forResource: false,
  },
};

export function isKnownScope(scope: string): boolean {
  return Object.hasOwn(SCOPES, scope);
}
