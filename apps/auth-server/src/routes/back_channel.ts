/**
 * @module routes/back_channel
 *
 * What every back-channel endpoint (token, introspection, revocation) shares: RFC 6749 §5.2 JSON errors,
 * `Cache-Control: no-store`, and a form-encoded body (RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009 §2.1).
 */
import express, { type RequestHandler } from 'express';
import { InvalidRequest } from '@oauth-demo/tokens';
import { answerErrorsAsJson, noStore } from '@oauth-demo/web';

const requireForm: RequestHandler = (req, _res, next) => {
  next(
    req.is('application/x-www-form-urlencoded')
      ? undefined
      : new InvalidRequest('The body must be application/x-www-form-urlencoded.'),
  );
};

export const backChannel: RequestHandler[] = [
  answerErrorsAsJson,
  noStore,
  requireForm,
  express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 50, verify: rejectBadPercentEncoding }),
];

/**
 * A form body with a broken %-escape (`token=%zz`) is malformed (RFC 3986 §2.1, WHATWG urlencoded), not a
 * strange token: answer invalid_request (400) instead of guessing what was meant.
 */
function rejectBadPercentEncoding(_req: unknown, _res: unknown, body: Buffer): void {
  // Without a `%` there is no escape to break (the usual token request: base64url secrets and codes).
  if (!body.includes(0x25)) return;
  for (const part of body.toString('latin1').split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw Object.assign(new Error('The form body has invalid percent-encoding.'), {
        status: 400,
        type: 'entity.verify.failed',
      });
    }
  }
}
