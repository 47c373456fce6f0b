/**
 * @module params
 *
 * Reading request parameters the way RFC 6749 §3.1 and §3.2 say: parameters sent without a value are
 * treated as omitted, and "request and response parameters MUST NOT be included more than once".
 */
import { InvalidRequest } from './errors.js';

/** No legitimate parameter of ours is longer; longer is an attack or a mistake (RFC 9700 §4.x, robustness). */
export const MAX_PARAM_LENGTH = 4096;

export type ParamSource = Record<string, unknown> | undefined;

/** The value of one parameter, undefined when absent or empty; invalid_request when repeated or not a string. */
export function optionalParam(source: ParamSource, name: string): string | undefined {
  const value = source?.[name];
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) throw new InvalidRequest(`The "${name}" parameter is repeated.`);
  if (typeof value !== 'string') throw new InvalidRequest(`The "${name}" parameter is malformed.`);
  if (value.length > MAX_PARAM_LENGTH) throw new InvalidRequest(`The "${name}" parameter is too long.`);
  return value;
}

export function requiredParam(source: ParamSource, name: string): string {
  const value = optionalParam(source, name);
  if (value === undefined) throw new InvalidRequest(`The "${name}" parameter is missing.`);
  return value;
}

/** At most this many parameters in one form body: no request of ours has more than a dozen. */
export const MAX_FORM_PARAMETERS = 50;

/**
 * A form body (`application/x-www-form-urlencoded`, RFC 6749 Appendix B: UTF-8, then percent-encoded) as its
 * parameters: one string per name, or every value of a name sent more than once, so that optionalParam can refuse
 * the repetition (RFC 6749 §3.2). The object has no prototype: a parameter named `__proto__` is only a name.
 */
export function parseForm(body: string): Record<string, string | string[]> {
  // A broken %-escape (`token=%zz`, or bytes that are not UTF-8) is a malformed request, not a strange token
  // (RFC 3986 §2.1): refused rather than guessed at. Without a `%` there is nothing to check (the usual body).
  if (body.includes('%'))
    for (const part of body.split('&')) {
      try {
        decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        throw new InvalidRequest('The form body has a broken %-escape, or one that is not UTF-8.');
      }
    }
  const params: Record<string, string | string[]> = Object.create(null);
  let count = 0;
  for (const [name, value] of new URLSearchParams(body)) {
    if (++count > MAX_FORM_PARAMETERS) throw new InvalidRequest('The form body has too many parameters.');
    const before = params[name];
    params[name] = before === undefined ? value : [before, value].flat();
  }
  return params;
}
