/**
 * @module routes/kiosk
 *
 * "Print from the shop's kiosk": the Device Authorization Grant (RFC 8628) with Photo Printer's kiosk as the
 * device (public client `photo-kiosk`).
 * - `GET /kiosk`: the kiosk's screen. While waiting, it reloads itself every `interval` seconds with a
 *   `<meta http-equiv="refresh">` and each load polls the token endpoint at most once (see kiosk.ts).
 * - `POST /kiosk/start` (CSRF): the device authorization request (§3.1); the user_code goes on the screen.
 * - `POST /kiosk/finish` (CSRF): the customer is done: the kiosk forgets the codes and its token.
 * - `GET /kiosk/photos/:id/image`: a photo, fetched from Drive with the kiosk's token.
 */
import { type Request, type Response, Router } from 'express';
import { NotFound } from '@oauth-demo/tokens';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import { type StepBar, describeExchange, findGrant, runInTrace, startTrace, stepBar } from '@oauth-demo/teaching';
import type { AppContext } from '../context.js';
import { PHOTO_ID, type PhotoList } from '../drive_client.js';
import { DriveRefusedToken } from '../errors.js';
import { type KioskState, applyPoll, expireIfDue, isPollDue, reloadAfterSeconds, startKiosk } from '../kiosk.js';
import { pollDeviceToken, requestDeviceAuthorization } from '../oauth/device_authorization.js';
import { sendImage } from './images.js';

/** The notes' steps each state of the kiosk's screen is about. */
const STEPS_BY_STATUS: Record<'start' | KioskState['status'], StepBar> = {
  start: stepBar('device_code', [1]),
  pending: stepBar('device_code', [2, 3, 5]),
  approved: stepBar('device_code', [6, 7, 8]),
  // The kiosk learns a Deny, or that nobody answered in time, from the token endpoint's answer to its poll.
  denied: stepBar('device_code', [3, 6], { refused: [3, 6] }),
  expired: stepBar('device_code', [6], { refused: [6] }),
  failed: stepBar('device_code', [5]),
};

/**
 * The kiosk starts: a flow of its own (a new trace) and the device authorization request (RFC 8628 §3.1); the
 * user code goes on the kiosk's screen. Also the lesson bar's "start-kiosk" preparation (routes/teaching/lesson.ts).
 */
export async function startKioskFlow(ctx: AppContext, req: Request, res: Response, label: string): Promise<void> {
  const trace = startTrace(req, 'device_code', 'The shop’s kiosk (device flow)');
  describeExchange(res, { key: trace.id, from: 'browser', channel: 'front', step: 1, label });
  const authorization = await requestDeviceAuthorization(ctx.tokenEndpoint, ctx.config.kiosk);
  req.session.kiosk = { ...startKiosk(authorization), traceId: trace.id };
}

export function kioskRoutes(ctx: AppContext): Router {
  const router = Router();
  const grant = findGrant(ctx.config.drive.publicUrl, 'device_code');
  const kiosk = ctx.config.kiosk;

  router.get('/kiosk', async (req, res) => {
    let state = req.session.kiosk;
    let polledNow = false;
    if (state && state.status === 'pending') {
      state = expireIfDue(state);
      if (isPollDue(state) && state.deviceCode) {
        // One poll per page load, never faster than the interval (RFC 8628 §3.5).
        const deviceCode = state.deviceCode;
        const result = await runInTrace(state.traceId, () => pollDeviceToken(ctx.tokenEndpoint, kiosk, deviceCode));
        state = applyPoll(state, result);
        polledNow = true;
      }
      req.session.kiosk = state;
    }

    let photos: PhotoList | undefined;
    if (state?.status === 'approved' && state.tokens) {
      try {
        const token = state.tokens.access_token;
        photos = await runInTrace(state.traceId, () => ctx.drive.listPhotos(token));
      } catch (error) {
        if (!(error instanceof DriveRefusedToken)) throw error;
        // Drive refused the kiosk's token (its reason is in error.message): there is no refresh token, the customer starts again.
        state = {
          ...state,
          status: 'failed',
          failure: { code: error.code, description: `${error.message} Start again.` },
        };
        delete state.tokens;
        req.session.kiosk = state;
      }
    }

    const status = state ? state.status : 'start';
    const now = Date.now();
    res.render('kiosk', {
      title: 'The shop’s photo kiosk',
      stepBar: STEPS_BY_STATUS[status],
      grant,
      kiosk: state,
      status,
      polledNow,
      lastPoll: state?.polls.at(-1),
      reloadAfter: state?.status === 'pending' ? reloadAfterSeconds(state, now) : undefined,
      secondsLeft: state ? Math.max(0, Math.round((state.expiresAt - now) / 1000)) : undefined,
      photos,
      clientId: kiosk.clientId,
      connectedAppsUrl: `${ctx.config.auth.publicUrl}/apps`,
      csrf: csrfToken(req),
    });
  });

  router.post('/kiosk/start', verifyCsrf, async (req, res) => {
    await startKioskFlow(ctx, req, res, 'You press “Start on the kiosk”');
    res.redirect(303, '/kiosk');
  });

  router.post('/kiosk/finish', verifyCsrf, (req, res) => {
    delete req.session.kiosk;
    res.redirect(303, '/kiosk');
  });

  router.get('/kiosk/photos/:id/image', async (req, res) => {
    const id = req.params.id;
    const token = req.session.kiosk?.status === 'approved' ? req.session.kiosk.tokens?.access_token : undefined;
    if (!token || !PHOTO_ID.test(id)) throw new NotFound('The kiosk has no such photo.');
    const image = await ctx.drive.getContent(token, id);
    sendImage(res, image.bytes, image.contentType);
  });

  return router;
}
