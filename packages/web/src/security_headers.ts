/**
 * @module security_headers
 *
 * Headers every page of ours sends. Our pages need nothing from other origins (everything is served
 * locally, so the demo works offline), so the Content-Security-Policy can be strict.
 */
import type { NextFunction, Request, Response } from 'express';

const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  // Login, consent and error pages cannot be framed: no clickjacking of the Allow button (RFC 9700 §4.16).
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  next();
}

/** For responses that carry tokens, codes or personal data (RFC 6749 §5.1). */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  next();
}
