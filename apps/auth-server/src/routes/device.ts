/**
 * @module routes/device
 *
 * RFC 8628, both halves:
 * - the device authorization endpoint (§3.1), called by the kiosk over the back channel;
 * - the verification URI (§3.3), where the user, on their own phone or computer, types the code the kiosk
 *   shows, signs in, and approves or denies (steps 3 and 4 of the notes, on another screen).
 */
import { Router, type Request, type Response } from 'express';
import { InvalidRequest, optionalParam, UnauthorizedClient } from '@oauth-demo/tokens';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import { describeExchange, parseTraceparent, stepBar } from '@oauth-demo/teaching';
import { browserHash } from '../browser_id.js';
import { authenticateClient } from '../clients.js';
import type { AuthContext } from '../context.js';
import {
  DEVICE_CODE_GRANT_TYPE,
  findPendingUserCode,
  formatUserCode,
  normalizeUserCode,
  startDeviceAuthorization,
} from '../grants/device_code.js';
import { SCOPES } from '../scopes.js';
import { currentUser } from '../sign_in.js';
import { backChannel } from './back_channel.js';

/** §3.1: the device asks for a device_code and a user_code (back channel, no session). */
export function deviceAuthorizationRouter(ctx: AuthContext): Router {
  const router = Router();
  router.post('/device_authorization', backChannel, (req, res) => {
    const client = authenticateClient(req, ctx.clients);
    if (!client.grant_types.includes(DEVICE_CODE_GRANT_TYPE))
      throw new UnauthorizedClient('This client may not use the device flow.');
    const answer = startDeviceAuthorization(req.body, client, ctx);
    describeExchange(res, { step: 2, label: 'Device authorization request (RFC 8628)' });
    // What the user does on their phone joins the device's trace.
    const trace = parseTraceparent(req.get('traceparent'));
    if (trace) ctx.recorder.link(`device:${normalizeUserCode(answer.user_code)}`, trace.traceId);
    res.json(answer);
  });
  return router;
}

/** §3.3: the user's side, in their browser (session, CSRF). */
export function deviceVerificationRouter(ctx: AuthContext): Router {
  const { clients, store, loginThrottle } = ctx;
  const router = Router();

  function renderCodeForm(req: Request, res: Response, status = 200, message?: string, value = '') {
    res.status(status).render('device', {
      title: 'Connect a device',
      stepBar: stepBar('device_code', [3]),
      csrf: csrfToken(req),
      message,
      value,
    });
  }

  // §3.3: the verification URI. verification_uri_complete fills the code in (§3.3.1).
  router.get('/device', (req, res) => {
    const value = typeof req.query.user_code === 'string' ? req.query.user_code.slice(0, 20) : '';
    renderCodeForm(req, res, 200, undefined, value);
  });

  router.post('/device', verifyCsrf, (req, res) => {
    const typed = optionalParam(req.body, 'user_code') ?? '';
    // §5.1: user codes are short, so guessing them is throttled per address.
    const throttleKey = `device|${req.ip}`;
    if (loginThrottle.isBlocked(throttleKey)) {
      renderCodeForm(req, res, 429, 'Too many wrong codes. Wait a few minutes and try again.');
      return;
    }
    const row = findPendingUserCode(store, typed);
    if (!row) {
      loginThrottle.recordFailure(throttleKey);
      renderCodeForm(
        req,
        res,
        400,
        'That code is not valid or has expired. Check the code on the device.',
        typed.slice(0, 20),
      );
      return;
    }
    req.session.deviceUserCode = row.user_code;
    describeExchange(res, {
      key: `device:${row.user_code}`,
      step: 3,
      label: 'The user types the code on their own device',
    });
    res.redirect(303, '/device/confirm');
  });

  router.get('/device/confirm', (req, res) => {
    const row = req.session.deviceUserCode ? findPendingUserCode(store, req.session.deviceUserCode) : undefined;
    if (!row) {
      renderCodeForm(req, res, 400, 'Type the code the device shows.');
      return;
    }
    const user = currentUser(req, ctx);
    if (!user) {
      res.redirect(303, '/login?return_to=%2Fdevice%2Fconfirm');
      return;
    }
    const client = clients.find(row.client_id);
    res.render('device_confirm', {
      title: 'Allow this device?',
      stepBar: stepBar('device_code', [3]),
      csrf: csrfToken(req),
      user,
      client,
      userCode: formatUserCode(row.user_code),
      scopes: row.scope.split(' ').map((name) => SCOPES[name] ?? { name, description: '' }),
    });
  });

  router.post('/device/confirm', verifyCsrf, (req, res) => {
    const userCode = req.session.deviceUserCode;
    const row = userCode ? findPendingUserCode(store, userCode) : undefined;
    const user = currentUser(req, ctx);
    if (!row || !user) throw new InvalidRequest('This device request expired or was already answered.');
    const decision = optionalParam(req.body, 'decision');
    if (decision !== 'allow' && decision !== 'deny') throw new InvalidRequest('The form must say allow or deny.');
    delete req.session.deviceUserCode;
    // Still step 3 of the device flow: your answer is recorded against the code; the kiosk learns it by polling (there is no step 4).
    describeExchange(res, {
      key: `device:${row.user_code}`,
      step: 3,
      label: decision === 'allow' ? 'Device approved' : 'Device denied',
    });
    // Which browser answered (browser_id.ts): the printer's exercise asks whether it was another one than the
    // learner used for Photo Printer (§3.3: the user answers on a device they trust; §5.4 remote phishing).
    const answeredBy = { userId: user.id, browserHash: browserHash(req) };
    if (decision === 'allow') {
      const grantId = store.grants.recordConsent(user.id, row.client_id, row.scope);
      store.deviceCodes.answer(row.user_code, { ...answeredBy, approved: true, grantId });
    } else {
      store.deviceCodes.answer(row.user_code, { ...answeredBy, approved: false });
    }
    res.render('device_done', {
      title: decision === 'allow' ? 'Device connected' : 'Device refused',
      stepBar: stepBar('device_code', [3], decision === 'allow' ? {} : { refused: [3] }),
      allowed: decision === 'allow',
      clientName: clients.find(row.client_id)?.name ?? row.client_id,
    });
  });

  return router;
}
