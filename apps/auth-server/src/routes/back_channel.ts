/**
 * @module routes/back_channel
 *
 * What every back-channel endpoint (token, introspection, revocation) shares: RFC 6749 §5.2 JSON errors,
 * `Cache-Control: no-store`, and a form-encoded body (RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009 §2.1).
 */
import express, { type RequestHandler } from 'express';
import { InvalidRequest } from '@oauth-demo/tokens';
import { noStore } from '@oauth-demo/web';

const jsonErrors: RequestHandler = (_req, res, next) => {
  res.locals.jsonErrors = true;
  next();
};

const requireForm: RequestHandler = (req, _res, next) => {
  next(req.is('application/x-www-form-urlencoded') ? undefined : new InvalidRequest('The body must be application/x-www-form-urlencoded.'));
};

export const backChannel: RequestHandler[] = [
  jsonErrors,
  noStore,
  requireForm,
  express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 50 }),
];
