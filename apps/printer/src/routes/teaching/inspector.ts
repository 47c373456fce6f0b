/**
 * @module routes/teaching/inspector
 *
 * `GET /inspect`, `POST /inspect` (CSRF): the token inspector (@oauth-demo/teaching, inspector.ts); POST verifies a
 * pasted token.
 * `POST /inspect/editor` (CSRF): the claims editor (@oauth-demo/teaching, claims_editor.ts). The learner's header
 * and claims are re-encoded unsigned (alg none) or signed with the printer's learner-visible demo key, verified here
 * against the auth server's JWKS, and with "Send to Drive" presented to Drive's API (step 7) in a flow of its own,
 * so the timeline shows Drive's refusal (step 8) like any other call.
 */
import type { Request, Response } from 'express';
import { Router } from 'express';
import type { JSONWebKeySet } from 'jose';
import {
  HeaderRefused,
  type InspectedToken,
  KIND_LABELS,
  type MetToken,
  REENCODE_MODES,
  type ReencodeMode,
  decodeForEditing,
  describeExchange,
  inspectToken,
  parseJsonObject,
  reencodeToken,
  startTrace,
  tokenStatus,
  tokensInRecordings,
  tokensInSession,
  uniqueTokens,
} from '@oauth-demo/teaching';
import { isTokenActive } from '../../oauth/introspection.js';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import type { AppContext } from '../../context.js';
import type { DriveAnswer } from '../../drive_client.js';
import { revealsSecrets } from './locals.js';

/** What the claims editor shows: the boxes as the learner left them, and what came of them. */
interface EditorView {
  header: string;
  claims: string;
  mode: ReencodeMode;
  error?: string;
  result?: {
    token: string;
    expectation: string;
    /** The re-encoded token, decoded and verified against the auth server's JWKS like any other. */
    inspected: InspectedToken;
    /** Drive's answer as it came, when the learner pressed "Send to Drive". */
    drive?: DriveAnswer;
    traceId?: string;
  };
}

/** The API call the editor makes: the photo list, the call Photo Printer itself makes in step 7. */
const EDITOR_DRIVE_PATH = '/api/photos';

function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

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
    await renderInspector(req, res, ctx, {});
  });

  router.post('/inspect', verifyCsrf, async (req, res) => {
    const pasted = typeof req.body?.token === 'string' ? req.body.token.trim().slice(0, 8000) : '';
    await renderInspector(req, res, ctx, pasted ? { pasted } : {});
  });

  router.post('/inspect/editor', verifyCsrf, async (req, res) => {
    const modeField = field(req.body, 'mode');
    const mode = (REENCODE_MODES as readonly string[]).includes(modeField) ? (modeField as ReencodeMode) : 'unsigned';
    const editor: EditorView = {
      header: field(req.body, 'header').slice(0, 10_000),
      claims: field(req.body, 'claims').slice(0, 10_000),
      mode,
    };
    const header = parseJsonObject(editor.header, 'header');
    const claims = parseJsonObject(editor.claims, 'claims');
    if (!(REENCODE_MODES as readonly string[]).includes(modeField)) editor.error = 'Choose how to re-encode the token.';
    else if (!header.ok) editor.error = header.error;
    else if (!claims.ok) editor.error = claims.error;
    if (editor.error || !header.ok || !claims.ok) {
      await renderInspector(req, res, ctx, { editor }, 400);
      return;
    }
    let reencoded: Awaited<ReturnType<typeof reencodeToken>>;
    try {
      reencoded = await reencodeToken(header.value, claims.value, mode, await ctx.demoKey);
    } catch (error) {
      if (!(error instanceof HeaderRefused)) throw error;
      editor.error = error.message;
      await renderInspector(req, res, ctx, { editor }, 400);
      return;
    }
    const result: NonNullable<EditorView['result']> = {
      token: reencoded.token,
      expectation: reencoded.expectation,
      // Verified here as the inspector verifies every token: against the auth server's keys (its JWKS).
      inspected: await inspectToken(
        { kind: 'pasted', value: reencoded.token, source: 'Re-encoded by the claims editor' },
        await fetchJwks(ctx),
        true,
      ),
    };
    if (field(req.body, 'send') === 'drive') {
      // A flow of its own, so the timeline files this call and Drive's verdict (steps 7-8) apart from real flows.
      const trace = startTrace(req, 'claims_editor', 'Claims editor: an edited token sent to Drive');
      describeExchange(res, {
        key: trace.id,
        from: 'browser',
        channel: 'front',
        label: `You ask Photo Printer to send an edited token to Drive (${mode === 'unsigned' ? 'unsigned, alg none' : 'signed with the demo key'})`,
        note: 'Step 7 with a token the auth server never issued',
      });
      result.drive = await ctx.drive.probe(EDITOR_DRIVE_PATH, reencoded.token);
      result.traceId = trace.id;
    }
    editor.result = result;
    await renderInspector(req, res, ctx, { editor });
  });

  return router;
}

/** The client_id claim of decoded claims (JSON), if any. */
function clientIdOf(claims: string): unknown {
  try {
    return (JSON.parse(claims) as Record<string, unknown>).client_id;
  } catch {
    return undefined;
  }
}

/**
 * The editor's boxes before the learner types: the learner's own newest access token (Photo Printer's, issued for
 * them), else the newest JWT access token of this session (e.g. the print lab's, sub print-lab), else a sample.
 */
function prefilledEditor(met: MetToken[], ctx: AppContext): EditorView {
  const decoded = met
    .filter((token) => token.kind === 'access_token')
    .map((token) => decodeForEditing(token.value))
    .filter((boxes) => boxes !== null);
  const boxes = decoded.find((b) => clientIdOf(b.claims) === ctx.config.client.clientId) ?? decoded[0];
  if (boxes) return { ...boxes, mode: 'demo-key' };
  const now = Math.floor(Date.now() / 1000);
  const sample = {
    iss: ctx.config.auth.publicUrl,
    sub: 'alice',
    aud: ctx.config.drive.publicUrl,
    client_id: ctx.config.client.clientId,
    scope: 'photos.read',
    iat: now,
    exp: now + 300,
    jti: 'made-up-by-the-claims-editor',
  };
  return {
    header: JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 'the-auth-server-kid' }, null, 2),
    claims: JSON.stringify(sample, null, 2),
    mode: 'unsigned',
  };
}

async function renderInspector(
  req: Request,
  res: Response,
  ctx: AppContext,
  input: { pasted?: string; editor?: EditorView },
  status = 200,
): Promise<void> {
  const pasted = input.pasted;
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
      // The print lab's Client Credentials token (sub print-lab) is asked about as print-lab, the client it was
      // issued to (RFC 7662 §2.1): active until the lab revokes it, or its exp.
      const lab = ctx.config.printLab;
      const asker =
        clientId === lab.clientId
          ? {
              ...ctx.tokenEndpoint,
              client: { ...ctx.tokenEndpoint.client, clientId: lab.clientId, clientSecret: lab.clientSecret },
            }
          : ctx.tokenEndpoint;
      const foreign = clientId !== undefined && clientId !== ctx.config.client.clientId && clientId !== lab.clientId;
      const askable = (token.kind === 'access_token' || token.kind === 'refresh_token') && !foreign;
      const introspected = askable
        ? await isTokenActive(asker, token.value, token.kind as 'access_token' | 'refresh_token')
        : null;
      t.status = tokenStatus({
        kind: token.kind,
        introspected,
        ...(clientId === lab.clientId ? { askedAs: `the print lab (as the client ${lab.clientId})` } : {}),
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
  const demoKey = await ctx.demoKey;
  res.status(status).render('inspect', {
    title: 'Token inspector',
    // No step bar: the inspector is in no flow; it explains the checks of step 8 for every token it met.
    tokens: inspected,
    pasted: pastedResult,
    pastedValue: pasted ?? '',
    keysFetched: keys !== null,
    kids: keys ? keys.keys.map((k) => `${String(k.kid ?? '(no kid)')} (${String(k.alg ?? k.kty ?? '?')})`) : [],
    kindLabels: KIND_LABELS,
    editor: input.editor ?? prefilledEditor(met, ctx),
    editorPosted: input.editor !== undefined,
    demoJwk: JSON.stringify(demoKey.publicJwk, null, 2),
    instructor,
    now,
    csrf: csrfToken(req),
  });
}
