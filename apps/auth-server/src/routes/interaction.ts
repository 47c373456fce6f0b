/**
 * @module routes/interaction
 *
 * Step 3 of the notes: the authorization server asks the user. First "who are you?" (sign in), then "do you
 * want this app to have this access?" (consent). Then step 4: the answer goes back to the client's
 * redirect_uri, a code on Allow, `error=access_denied` on Deny (RFC 6749 §4.1.2, §4.1.2.1). A consent given
 * before is remembered and answers at once (step 3 skipped), unless the client asks otherwise with `prompt`
 * (OpenID Connect Core §3.1.2.1: `consent`, `login`, `none`).
 */
import { Router, type Request, type Response } from 'express';
import {
  AccessDenied,
  ConsentRequired,
  InvalidRequest,
  LoginRequired,
  NotFound,
  optionalParam,
} from '@oauth-demo/tokens';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import { describeExchange, stepBar } from '@oauth-demo/teaching';
import { redirectOf, type Prompt } from '../authorize/authorization_request.js';
import {
  CONSENT_REMEMBERED_PARAM,
  sendAuthorizationResponse,
  type AuthorizationResponse,
} from '../authorize/authorization_response.js';
import { browserHash } from '../browser_id.js';
import type { AuthContext, PendingAuthorization } from '../context.js';
import { createAuthorizationCode } from '../grants/authorization_code.js';
import { pkceOptional } from '../lab/lab_clients.js';
import { hashToken } from '../store/index.js';
import { SCOPES } from '../scopes.js';
import { DEMO_USERS } from '../seed.js';
import { type JoinResult, joinClass } from '../join.js';
import { type SignInResult, signIn } from '../sign_in.js';

/** "2026-12-03 06:40 UTC": the day and time a consent was given, for pages and the timeline. */
function formatDate(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A pending request is good for ten minutes: long enough to read a consent screen in class. */
const PENDING_LIFETIME_MS = 10 * 60 * 1000;

/** A pending authorization request that expired or was already answered (errors.ts explains it on the page). */
export class InteractionExpired extends InvalidRequest {}

/** What routes/authorize.ts makes: 16 random bytes, base64url (22 characters). */
const INTERACTION_ID = /^[A-Za-z0-9_-]{22}$/;

function pendingRequest(req: Request): { id: string; request: PendingAuthorization } {
  const id = String(req.params.id);
  // Checked by format first, then looked up as an own property only: `__proto__`, `constructor` or `toString`
  // are no pending request (the object's prototype would be taken for one and crash the page), just not found.
  if (!INTERACTION_ID.test(id)) throw new NotFound('There is no such sign-in request.');
  const pending = req.session.pending;
  const request = pending && Object.hasOwn(pending, id) ? pending[id] : undefined;
  if (!request || Date.now() - request.createdAt > PENDING_LIFETIME_MS) {
    throw new InteractionExpired(
      'This sign-in request expired or was already answered. Go back to the app and start again.',
    );
  }
  return { id, request };
}

/**
 * Does this request ask for `value` in its `prompt` (OpenID Connect Core §3.1.2.1)? A request kept in a session by an
 * older version of the server has no `prompt` list at all: it asks nothing.
 */
function asks(request: PendingAuthorization, value: Prompt): boolean {
  return Array.isArray(request.prompt) && request.prompt.includes(value);
}

function finish(
  req: Request,
  res: Response,
  id: string,
  request: PendingAuthorization,
  issuer: string,
  answer: AuthorizationResponse,
) {
  // Single use: the request is gone once answered, so the same consent cannot be replayed.
  delete req.session.pending?.[id];
  sendAuthorizationResponse(res, redirectOf(request), issuer, answer);
}

export function interactionRouter(ctx: AuthContext): Router {
  const { config, clients, users, issuer, store } = ctx;
  const router = Router();

  function renderLogin(
    req: Request,
    res: Response,
    id: string,
    request: PendingAuthorization,
    status = 200,
    message?: string,
  ) {
    const client = clients.find(request.client_id);
    res.status(status).render('login', {
      title: 'Sign in',
      stepBar: stepBar(request.response_type === 'token' ? 'implicit' : 'authorization_code', [3]),
      action: `/interaction/${id}/login`,
      joinAction: config.classSignup ? `/interaction/${id}/join` : undefined,
      csrf: csrfToken(req),
      clientName: client?.name ?? request.client_id,
      demoUsers: DEMO_USERS,
      message,
      username: typeof req.body?.username === 'string' ? req.body.username.slice(0, 100) : '',
    });
  }

  /**
   * Step 4: the code goes back to the client, bound to the user's grant, the redirect_uri and the PKCE
   * challenge. For the Implicit flow (steps 1, 2, 3, 6: no code, no step 5) the access token itself goes
   * back, in the fragment, and never a refresh token (RFC 6749 §4.2.2).
   */
  async function issueCode(
    req: Request,
    res: Response,
    id: string,
    request: PendingAuthorization,
    userId: string,
    scope: string,
    rememberedSince?: Date,
  ) {
    const grant = store.grants.findActive(userId, request.client_id);
    if (!grant) throw new AccessDenied('There is no consent for this application.');
    if (request.response_type === 'token') {
      const tokens = await issuer.issue({
        grantId: grant.id,
        clientId: request.client_id,
        userId,
        scope,
        withRefreshToken: false,
      });
      finish(req, res, id, request, config.issuer, {
        access_token: tokens.access_token,
        token_type: tokens.token_type,
        expires_in: tokens.expires_in,
        scope: tokens.scope,
      });
      return;
    }
    const client = clients.find(request.client_id);
    if (!request.code_challenge && !(client && pkceOptional(client)))
      throw new InvalidRequest('A code request needs its PKCE code_challenge.');
    // The grant remembers the browser that authorized the client (browser_id.ts; the printer's device exercise).
    store.grants.recordCodeFlowBrowser(grant.id, browserHash(req));
    const code = createAuthorizationCode(
      store,
      {
        grantId: grant.id,
        clientId: request.client_id,
        userId,
        redirectUri: request.redirect_uri,
        scope,
        codeChallenge: request.code_challenge ?? '',
      },
      config.lifetimes.authorizationCode,
    );
    // The timeline: what was recorded for this request joins the client's trace when the code is redeemed.
    ctx.recorder.link(`interaction:${id}`, `code:${hashToken(code)}`);
    finish(
      req,
      res,
      id,
      request,
      config.issuer,
      rememberedSince
        ? { code, [CONSENT_REMEMBERED_PARAM]: rememberedSince.toISOString().replace(/\.\d{3}Z$/, 'Z') }
        : { code },
    );
  }

  /** `prompt=login` (or `select_account`): this request wants the user to sign in again, here and now. */
  function mustSignInAgain(request: PendingAuthorization): boolean {
    return (asks(request, 'login') || asks(request, 'select_account')) && !request.signedInHere;
  }

  /**
   * `prompt=none` (OpenID Connect Core §3.1.2.1): no page may be shown. When one would be needed, the answer is the
   * error of §3.1.2.6, sent back to the client like any other authorization error (RFC 6749 §4.1.2.1).
   */
  function refuseInteraction(
    req: Request,
    res: Response,
    id: string,
    request: PendingAuthorization,
    error: LoginRequired | ConsentRequired,
  ): never {
    res.locals.verifiedRedirect = redirectOf(request);
    delete req.session.pending?.[id];
    throw error;
  }

  router.get('/interaction/:id', async (req, res) => {
    const { id, request } = pendingRequest(req);
    const user = req.session.userId ? users.find(req.session.userId) : undefined;
    if (!user || mustSignInAgain(request)) {
      describeExchange(res, {
        key: `interaction:${id}`,
        step: 3,
        label: user ? 'Sign-in page again (prompt=login)' : 'Sign-in page',
      });
      if (asks(request, 'none'))
        refuseInteraction(
          req,
          res,
          id,
          request,
          new LoginRequired('The user is not signed in, and prompt=none allows no sign-in page.'),
        );
      renderLogin(req, res, id, request);
      return;
    }
    // Remembered consent: the user already allowed this client every scope it asks for, so there is nothing to
    // ask (a scope not granted before asks again), unless the client asks again itself with prompt=consent.
    // Removing the app on the Connected apps page forgets it.
    const grant = store.grants.findActive(user.id, request.client_id);
    const alreadyGranted = grant ? grant.scope.split(' ') : [];
    const remembered = grant !== undefined && request.scope.every((s) => alreadyGranted.includes(s));
    if (remembered && !asks(request, 'consent')) {
      const allowedOn = new Date(grant.created_at * 1000);
      describeExchange(res, {
        key: `interaction:${id}`,
        step: 3,
        label: `Step 3 skipped: consent remembered, already allowed on ${formatDate(allowedOn)} (prompt=consent asks again)`,
        note: 'Step 4: the answer goes straight back',
      });
      await issueCode(req, res, id, request, user.id, request.scope.join(' '), allowedOn);
      return;
    }
    if (asks(request, 'none'))
      refuseInteraction(
        req,
        res,
        id,
        request,
        new ConsentRequired('Consent is needed, and prompt=none allows no consent page.'),
      );
    describeExchange(res, {
      key: `interaction:${id}`,
      step: 3,
      label: remembered ? 'Consent page again (prompt=consent)' : 'Consent page',
    });
    const client = clients.find(request.client_id);
    // Asked again (prompt=consent): every scope is offered afresh, so the user may now refuse what they allowed.
    const askAgain = asks(request, 'consent');
    res.render('consent', {
      title: 'Allow access?',
      stepBar: stepBar(request.response_type === 'token' ? 'implicit' : 'authorization_code', [3]),
      action: `/interaction/${id}/consent`,
      csrf: csrfToken(req),
      user,
      client,
      redirectHost: new URL(request.redirect_uri).host,
      implicit: request.response_type === 'token',
      allowedBefore: askAgain && grant ? formatDate(new Date(grant.created_at * 1000)) : undefined,
      scopes: request.scope.map((name) => ({
        ...SCOPES[name]!,
        required: client?.required_scope.includes(name) ?? false,
        granted: !askAgain && alreadyGranted.includes(name),
      })),
    });
  });

  /**
   * Sign in (signIn) or join the class (joinClass, join.ts: a new resource owner, signed in at once), then on to this
   * request's consent. This request has then had its sign-in (what prompt=login asks): the new session carries the
   * pending requests over, and this one is marked there.
   */
  const signInThen =
    (label: string, act: (req: Request, ctx: AuthContext) => Promise<SignInResult | JoinResult>) =>
    async (req: Request, res: Response): Promise<void> => {
      const { id, request } = pendingRequest(req);
      describeExchange(res, { key: `interaction:${id}`, step: 3, label });
      const result = await act(req, ctx);
      if (!result.ok) {
        // Overload, not a wrong password: say when to try again (RFC 9110 §10.2.3).
        if (result.retryAfterS !== undefined) res.set('Retry-After', String(result.retryAfterS));
        renderLogin(req, res, id, request, result.status, result.message);
        return;
      }
      const carried = req.session.pending;
      if (carried && Object.hasOwn(carried, id)) carried[id] = { ...carried[id]!, signedInHere: true };
      res.redirect(303, `/interaction/${id}`);
    };
  router.post(
    '/interaction/:id/login',
    verifyCsrf,
    signInThen('Sign in (username and password, to the auth server only)', signIn),
  );
  router.post(
    '/interaction/:id/join',
    verifyCsrf,
    signInThen('Join the class (a new resource owner), then sign in', joinClass),
  );

  router.post('/interaction/:id/consent', verifyCsrf, async (req, res) => {
    const { id, request } = pendingRequest(req);
    describeExchange(res, {
      key: `interaction:${id}`,
      step: 4,
      label:
        req.body?.decision === 'deny'
          ? 'Consent: Deny (access_denied goes back)'
          : 'Consent: Allow (the answer goes back)',
    });
    const userId = req.session.userId;
    if (!userId || !users.find(userId) || mustSignInAgain(request)) {
      renderLogin(req, res, id, request, 401, 'Sign in first.');
      return;
    }
    res.locals.verifiedRedirect = redirectOf(request);
    const decision = optionalParam(req.body, 'decision');
    if (decision === 'deny') {
      delete req.session.pending?.[id];
      throw new AccessDenied('The user denied the request.');
    }
    if (decision !== 'allow') throw new InvalidRequest('The consent form must say allow or deny.');

    // Consent can be granted in part: required scopes, plus the optional ones the user left ticked.
    const ticked = ([] as unknown[]).concat(req.body.scope ?? []).filter((s): s is string => typeof s === 'string');
    // Which scopes are required is the client's registration (clients.ts, `required_scope`).
    const required = clients.find(request.client_id)?.required_scope ?? [];
    const scope = request.scope.filter((s) => required.includes(s) || ticked.includes(s)).join(' ');

    store.grants.recordConsent(userId, request.client_id, scope);
    await issueCode(req, res, id, request, userId, scope);
  });

  return router;
}
