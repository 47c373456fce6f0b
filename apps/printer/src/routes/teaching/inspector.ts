/**
 * @module routes/teaching/inspector
 *
 * `GET /inspect`, `POST /inspect` (CSRF): the token inspector (@oauth-demo/teaching, inspector.ts); POST verifies a
 * pasted token.
 */
import type { Request, Response } from 'express';
import { Router } from 'express';
import type { JSONWebKeySet } from 'jose';
import {
  type InspectedToken,
  KIND_LABELS,
  type MetToken,
  inspectToken,
  tokenStatus,
  tokensInRecordings,
  tokensInSession,
  uniqueTokens,
} from '@oauth-demo/teaching';
import { isTokenActive } from '../../oauth/introspection.js';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import type { AppContext } from '../../context.js';
import { revealsSecrets } from './locals.js';

async function fetchJwks(ctx: AppContext): Promise<JSONWebKeySet | null> {
  try {
    const metadata = await ctx.metadata.get();
    const uri = metadata.jwks_uri ?? `${ctx.config.auth.publicUrl}/.well-known/jwks.json`;
    const response = await ctx.backChannel.http.get<unknown>(ctx.metadata.internal(uri), {
      trace: false,
      responseType: 'json',
    });
    const data = response.data as { keys?: unknown } | null;
    return response.status === 200 && Array.isArray(data?.keys) ? (data as JSONWebKeySet) : null;
  } catch {
    return null;
  }
}

export function inspectorRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/inspect', async (req, res) => {
    await renderInspector(req, res, ctx);
  });

  router.post('/inspect', verifyCsrf, async (req, res) => {
    const pasted = typeof req.body?.token === 'string' ? req.body.token.trim().slice(0, 8000) : '';
    await renderInspector(req, res, ctx, pasted || undefined);
  });

  return router;
}

async function renderInspector(req: Request, res: Response, ctx: AppContext, pasted?: string): Promise<void> {
  const instructor = revealsSecrets(req);
  const own = (req.session.traces ?? []).flatMap((t) => ctx.recorder.list(t.id));
  const met: MetToken[] = uniqueTokens([
    ...tokensInSession({
      ...(req.session.connection ? { connection: req.session.connection } : {}),
      ...(req.session.kiosk?.tokens ? { kioskAccessToken: req.session.kiosk.tokens.access_token } : {}),
    }),
    ...tokensInRecordings(own),
  ]).slice(0, 20);
  const keys = await fetchJwks(ctx);
  const now = Date.now();
  const inspected: InspectedToken[] = [];
  for (const token of met) inspected.push(await inspectToken(token, keys, instructor, now));
  // Each token's real state: Photo Printer asks the auth server about its own tokens (introspection, RFC 7662),
  // because a revoked or rotated token keeps a perfect signature. Codes are judged by the token endpoint's answer.
  const connection = req.session.connection;
  await Promise.all(
    inspected.map(async (t, i) => {
      const token = met[i]!;
      const clientId = t.claims?.find((c) => c.name === 'client_id')?.value;
      const foreign = clientId !== undefined && clientId !== ctx.config.client.clientId;
      const askable = (token.kind === 'access_token' || token.kind === 'refresh_token') && !foreign;
      const introspected = askable
        ? await isTokenActive(ctx.tokenEndpoint, token.value, token.kind as 'access_token' | 'refresh_token')
        : null;
      t.status = tokenStatus({
        kind: token.kind,
        introspected,
        ...(foreign
          ? {
              notAsked: `Photo Printer asks the auth server only about its own tokens; this one was issued to ${clientId}.`,
            }
          : {}),
        ...(!askable && !foreign && token.kind === 'device_code'
          ? {
              notAsked:
                'A device_code is not a token introspection knows: it dies when the kiosk gets its token, or after its expires_in.',
            }
          : {}),
        ...(t.expiresAt !== undefined ? { expiresAt: t.expiresAt } : {}),
        ...(token.redemption ? { redemption: token.redemption } : {}),
        ...(token.rotatedAt !== undefined ? { rotatedAt: token.rotatedAt } : {}),
        ...(connection &&
        token.kind === 'access_token' &&
        token.value === connection.access_token &&
        typeof connection.expiresAt === 'number'
          ? { clientExpiresAt: connection.expiresAt }
          : {}),
        now,
      });
    }),
  );
  // A pasted token is the learner's own input: shown back in full (it is already on their screen).
  const pastedResult = pasted
    ? await inspectToken({ kind: 'pasted', value: pasted, source: 'Pasted into the form above' }, keys, true, now)
    : undefined;
  if (pastedResult?.jwt) {
    const clientId = pastedResult.claims?.find((c) => c.name === 'client_id')?.value;
    const own = clientId === ctx.config.client.clientId;
    pastedResult.status = tokenStatus({
      kind: 'access_token',
      introspected: own ? await isTokenActive(ctx.tokenEndpoint, pasted!, 'access_token') : null,
      ...(own
        ? {}
        : {
            notAsked: `Photo Printer asks the auth server only about its own tokens${clientId ? `; this one names the client ${clientId}` : ''}.`,
          }),
      ...(pastedResult.expiresAt !== undefined ? { expiresAt: pastedResult.expiresAt } : {}),
      now,
    });
  }
  res.status(pasted && !pastedResult ? 400 : 200).render('inspect', {
    title: 'Token inspector',
    // No step bar: the inspector is in no flow; it explains the checks of step 8 for every token it met.
    tokens: inspected,
    pasted: pastedResult,
    pastedValue: pasted ?? '',
    keysFetched: keys !== null,
    kids: keys ? keys.keys.map((k) => `${String(k.kid ?? '(no kid)')} (${String(k.alg ?? k.kty ?? '?')})`) : [],
    kindLabels: KIND_LABELS,
    instructor,
    now,
    csrf: csrfToken(req),
  });
}
