/**
 * @module scope
 *
 * RFC 6749 §3.3: a scope is a space-delimited, case-sensitive list of strings, each made of
 * %x21 / %x23-5B / %x5D-7E (printable ASCII but space, `"` and `\`). The order does not matter.
 */

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Split a scope string into its distinct tokens, or return null when it is malformed. */
export function parseScope(scope: string): string[] | null {
  const tokens = scope.split(' ').filter((t) => t !== '');
  if (!tokens.every((t) => SCOPE_TOKEN.test(t))) return null;
  return [...new Set(tokens)];
}

export function hasScope(granted: string | undefined, needed: string): boolean {
  return granted?.split(' ').includes(needed) ?? false;
}
