/**
 * @module urls
 *
 * The docker-compose split of docs/design.md ("Public vs internal URLs"): the other services advertise their PUBLIC
 * URL (the issuer's metadata names its endpoints under the issuer; Drive's JSON names its images under Drive's
 * public URL), because that is what a browser can open and what tokens must say (RFC 8414 §3.3). Inside
 * docker-compose a service cannot reach `http://localhost:9000` (that is its own container); it must use
 * `http://auth:9000`. So before a back-channel call, a URL under the public base is rewritten to the same path under
 * the internal base. Locally both bases name the same process and the rewrite changes nothing that matters. Only
 * where we connect changes: the expected `iss` stays the public URL.
 */
import { isUnder, type ServiceUrls } from '@oauth-demo/web';

/** The two bases of a peer: where browsers reach it, where we connect. */
export type ServiceBases = Pick<ServiceUrls, 'publicUrl' | 'internalUrl'>;

/**
 * The URL to connect to for `url`, or null when it is under neither base of `service` (compared on whole path
 * segments: `http://localhost:9000` does not cover `http://localhost:90001`). Null means: send nothing there that
 * belongs to this peer, e.g. a user's token (RFC 9700 §4.9.1).
 */
export function toInternalUrl(url: string, service: ServiceBases): string | null {
  if (isUnder(url, service.publicUrl)) return service.internalUrl + url.slice(service.publicUrl.length);
  if (isUnder(url, service.internalUrl)) return url;
  return null;
}

/**
 * For an endpoint named in the verified metadata of an authorization server: the internal URL when it is under
 * the issuer, or else the URL as given (the issuer is verified, and it chose where its endpoints live, e.g. keys
 * on another host).
 */
export function internalEndpoint(url: string, service: ServiceBases): string {
  return toInternalUrl(url, service) ?? url;
}
