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
