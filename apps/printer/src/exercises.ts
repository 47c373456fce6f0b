/**
 * @module exercises
 *
 * The printer's side of the exercises the demo checks (issue 18 item 3; see
 * `docs/design.md, Exercises and the class board`). The checks themselves are in @oauth-demo/teaching; here:
 * - who the learner is: the `sub` of the tokens Photo Printer received for this browser from the token endpoint
 *   (never something the browser says);
 * - the evidence: this session's recorded flows (the recorder, unmasked: it never leaves the server), the tokens
 *   held now, and what the auth server tells the printer, authenticated as itself, about THIS learner only;
 * - completions, per learner, in the printer's database (SQLite), so they survive a restart.
 */
import type { Request } from 'express';
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import { type ExerciseEvidence, type ExerciseId, type LearnerState, subjectOf } from '@oauth-demo/teaching';
import type { Db } from '@oauth-demo/web';
import type { AppContext } from './context.js';

interface Completion {
  sub: string;
  exercise_id: ExerciseId;
  completed_at: number;
}

export class ExerciseRepository {
  constructor(private readonly db: Db) {}

  /** Record a passed check; the first time counts (a second pass keeps the first time). */
  complete(sub: string, id: ExerciseId, at = Date.now()): void {
    this.db
      .prepare('INSERT OR IGNORE INTO exercise_completions (sub, exercise_id, completed_at) VALUES (?, ?, ?)')
      .run(sub, id, at);
  }

  of(sub: string): Map<ExerciseId, number> {
    const rows = this.db.prepare<[string], Completion>('SELECT * FROM exercise_completions WHERE sub = ?').all(sub);
    return new Map(rows.map((r) => [r.exercise_id, r.completed_at]));
  }

  /** Every completion, for the class board (instructor mode only). */
  all(): Completion[] {
    return this.db
      .prepare<[], Completion>('SELECT * FROM exercise_completions ORDER BY completed_at LIMIT 10000')
      .all();
  }

  /** Reset class. */
  forgetEverything(): void {
    this.db.prepare('DELETE FROM exercise_completions').run();
  }
}

/**
 * The learner this browser is: the `sub` of the access token Photo Printer holds for it (the Import flow's, else
 * the kiosk's), remembered in the session so it outlives the tokens (revoked, forgotten after a refusal).
 */
export function learnerOf(req: Request): string | undefined {
  const current = subjectOf(req.session.connection?.access_token) ?? subjectOf(req.session.kiosk?.tokens?.access_token);
  if (current !== undefined && current !== req.session.learner) req.session.learner = current;
  return req.session.learner;
}

/**
 * A POST to one of the auth server's `/_demo/` endpoints for the exercises, authenticated as Photo Printer (client
 * credentials, RFC 6749 §2.3.1); the answer's status and JSON body, or null when the auth server cannot be reached.
 */
async function postAsPrinter(
  ctx: AppContext,
  path: string,
  form: Record<string, string>,
): Promise<{ status: number; body: unknown } | null> {
  const { clientId, clientSecret } = ctx.config.client;
  try {
    const answer = await ctx.backChannel.http.post<unknown>(
      `${ctx.config.auth.internalUrl}${path}`,
      new URLSearchParams(form).toString(),
      {
        trace: false,
        responseType: 'json',
        headers: {
          authorization: buildBasicAuthorization(clientId, clientSecret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        validateStatus: () => true,
      },
    );
    return { status: answer.status, body: answer.data };
  } catch {
    return null;
  }
}

/** `POST /_demo/learner-state` at the auth server, as the printer: this learner's grants and device approvals. */
async function fetchLearnerState(ctx: AppContext, sub: string): Promise<LearnerState | null> {
  const answer = await postAsPrinter(ctx, '/_demo/learner-state', { sub });
  const body = answer?.body as Partial<LearnerState> | null | undefined;
  if (answer?.status !== 200 || !body || !Array.isArray(body.grants) || !Array.isArray(body.devices)) return null;
  return { sub, grants: body.grants, devices: body.devices };
}

/** `POST /_demo/learners` at the auth server, as the printer: who joined the class (the class board). */
export async function fetchLearners(ctx: AppContext): Promise<string[] | null> {
  const answer = await postAsPrinter(ctx, '/_demo/learners', {});
  const body = answer?.body as { learners?: { sub?: unknown }[] } | null | undefined;
  if (answer?.status !== 200 || !Array.isArray(body?.learners)) return null;
  return body.learners.map((l) => l.sub).filter((s): s is string => typeof s === 'string');
}

/** Everything a check may look at, for the learner of this browser. */
export async function gatherEvidence(
  ctx: AppContext,
  req: Request,
  sub: string,
  answer: string | undefined,
): Promise<ExerciseEvidence> {
  const traceIds = new Set([
    ...(req.session.traces ?? []).map((t) => t.id),
    ...(req.session.kiosk?.traceId ? [req.session.kiosk.traceId] : []),
  ]);
  const exchanges = [...traceIds].flatMap((id) => ctx.recorder.list(id));
  const held = [req.session.connection?.access_token, req.session.kiosk?.tokens?.access_token].filter(
    (t): t is string => typeof t === 'string',
  );
  return {
    sub,
    exchanges,
    heldAccessTokens: held,
    authState: await fetchLearnerState(ctx, sub),
    ...(answer !== undefined ? { answer: answer.slice(0, 500) } : {}),
  };
}
