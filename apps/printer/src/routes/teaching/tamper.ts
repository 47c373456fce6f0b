/**
 * @module routes/teaching/tamper
 *
 * `POST /inspect/tamper` (CSRF): the inspector's "Tamper and send to Drive". Photo Printer takes the access token
 * it holds for this browser, changes one claim in its payload, keeps the header and the signature, and calls
 * Drive's `/api/photos` with it, filed under the learner's current flow, so the timeline (and the exercise
 * "Make Drive refuse a tampered token") shows Drive's answer: 401 invalid_token (RFC 6750 §3.1), because the
 * signature no longer covers what it signed (RFC 7515 §5.2, RFC 9068 §4).
 *
 * The token itself never reaches the page (only what was changed, and Drive's answer), like everywhere else.
 */
import { Router } from 'express';
import { currentTrace, runInTrace } from '@oauth-demo/teaching';
import { verifyCsrf } from '@oauth-demo/web';
import type { AppContext } from '../../context.js';
import { NotConnected } from '../../errors.js';

/** What a learner may change, and how. Each leaves the signature as it was. */
const CHANGES = {
  sub: {
    label: 'sub: claim to be someone else',
    change: (claims: Record<string, unknown>) => ({ ...claims, sub: claims.sub === 'alice' ? 'bob' : 'alice' }),
  },
  scope: {
    label: 'scope: add photos.write',
    change: (claims: Record<string, unknown>) => ({
      ...claims,
      scope: `${String(claims.scope ?? '')} photos.write`.trim(),
    }),
  },
  exp: {
    label: 'exp: live one more day',
    change: (claims: Record<string, unknown>) => ({
      ...claims,
      exp: (typeof claims.exp === 'number' ? claims.exp : Math.floor(Date.now() / 1000)) + 86_400,
    }),
  },
} as const;

type ChangeName = keyof typeof CHANGES;

function isChange(value: unknown): value is ChangeName {
  return typeof value === 'string' && Object.hasOwn(CHANGES, value);
}

/** The same token with one claim changed, its signature untouched; undefined when it is not a JWT. */
function tamper(token: string, name: ChangeName): { token: string; before: unknown; after: unknown } | undefined {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || signature === undefined) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const changed: Record<string, unknown> = CHANGES[name].change(claims);
  const forged = Buffer.from(JSON.stringify(changed)).toString('base64url');
  return { token: `${header}.${forged}.${signature}`, before: claims[name], after: changed[name] };
}

export function tamperRoutes(ctx: AppContext): Router {
  const router = Router();

  // The inspector's form (views/inspect.ejs) offers these, when there is an access token to tamper with.
  router.use('/inspect', (req, res, next) => {
    res.locals.tamper = {
      available: req.session.connection !== undefined,
      choices: Object.entries(CHANGES).map(([value, { label }]) => ({ value, label })),
    };
    next();
  });

  router.post('/inspect/tamper', verifyCsrf, async (req, res) => {
    const connection = req.session.connection;
    if (!connection) throw new NotConnected();
    const name: ChangeName = isChange(req.body?.claim) ? req.body.claim : 'sub';
    const tampered = tamper(connection.access_token, name);
    if (!tampered) throw new NotConnected();
    // Sent as it is: no refresh, no retry, and the session's real tokens are left alone (not withAccessToken).
    const answer = await runInTrace(currentTrace(req)?.id, () => ctx.drive.probe('/api/photos', tampered.token));
    res.status(200).render('tamper', {
      title: 'Tampered token sent to Drive',
      claim: name,
      label: CHANGES[name].label,
      before: JSON.stringify(tampered.before ?? null),
      after: JSON.stringify(tampered.after),
      answer,
      traceId: currentTrace(req)?.id,
    });
  });

  return router;
}
