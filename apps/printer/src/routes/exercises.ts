/**
 * @module routes/exercises
 *
 * Exercises the demo checks (issue 18 item 3) and the class board (item 4); the contract is
 * `docs/design.md, Exercises and the class board`. Thin: the checks are in @oauth-demo/teaching, the evidence in
 * ../exercises.ts.
 *
 * - `GET /exercises`: the six goals, and which this learner has reached;
 * - `GET /exercises/:id`, `POST /exercises/:id/check` (CSRF): one goal, and its check: a hint after a failed try,
 *   the explanation after success (recorded per learner);
 * - `GET /class`, `GET /class/progress` (instructor mode only): the class board, who joined and what each has
 *   completed, polled every few seconds by a local script; the class link as a QR code (SVG, made here).
 *
 * A learner sees only their own progress: the pages read the learner from this browser's own tokens, and the board
 * and its JSON answer 403 to anyone not in instructor mode.
 */
import { Router, type Request } from 'express';
import QRCode from 'qrcode';
import { type CheckResult, type Exercise, EXERCISES, checkExercise, findExercise } from '@oauth-demo/teaching';
import { csrfToken, isLoopbackHost, verifyCsrf } from '@oauth-demo/web';
import type { AppContext } from '../context.js';
import { fetchLearners, gatherEvidence, learnerOf } from '../exercises.js';
import { isInstructor, requireInstructor } from './teaching/locals.js';

/** How often the board asks for news (ms): live enough for a room, light on a busy machine. */
const BOARD_POLL_MS = 3000;

function render(
  req: Request,
  ctx: AppContext,
  exercise: Exercise,
  extra: { result?: CheckResult; answer?: string } = {},
) {
  const sub = learnerOf(req);
  const completedAt = sub ? ctx.exercises.of(sub).get(exercise.id) : undefined;
  return {
    title: `Exercise: ${exercise.title}`,
    exercise,
    number: EXERCISES.indexOf(exercise) + 1,
    count: EXERCISES.length,
    sub,
    completedAt,
    result: extra.result,
    answer: extra.answer ?? '',
    csrf: csrfToken(req),
  };
}

/**
 * The class link learners open: the printer's public URL (CLASS_HOST makes it a LAN address). `loopbackHost` when
 * that is this machine's loopback (localhost, 127.x, ::1), which no learner's phone or laptop can reach: the board
 * then says so, and what to set.
 */
function classLink(ctx: AppContext): { url: string; short: string; loopbackHost: string | undefined } {
  const url = ctx.config.printer.publicUrl;
  const host = new URL(url).hostname;
  return { url, short: url.replace(/^https?:\/\//, ''), loopbackHost: isLoopbackHost(host) ? host : undefined };
}

/** Who joined, and what each completed: learners from the auth server, completions from our database. */
async function boardData(ctx: AppContext) {
  const joined = await fetchLearners(ctx);
  const completions = ctx.exercises.all();
  const subs = [...new Set([...(joined ?? []), ...completions.map((c) => c.sub)])].sort();
  return {
    authAnswered: joined !== null,
    exercises: EXERCISES.map((e) => ({ id: e.id, title: e.title })),
    learners: subs.map((sub) => {
      const done = completions.filter((c) => c.sub === sub);
      return {
        sub,
        joined: joined?.includes(sub) ?? false,
        completed: Object.fromEntries(done.map((c) => [c.exercise_id, c.completed_at])),
        count: done.length,
      };
    }),
  };
}

export function exercisesRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/exercises', (req, res) => {
    const sub = learnerOf(req);
    const done = sub ? ctx.exercises.of(sub) : new Map();
    res.render('exercises', {
      title: 'Exercises',
      sub,
      exercises: EXERCISES.map((e, i) => ({ ...e, number: i + 1, completedAt: done.get(e.id) })),
      doneCount: done.size,
      recording: ctx.recorder.enabled,
    });
  });

  router.get('/exercises/:id', (req, res, next) => {
    const exercise = findExercise(req.params.id);
    if (!exercise) return next();
    res.render('exercise', render(req, ctx, exercise));
  });

  router.post('/exercises/:id/check', verifyCsrf, async (req, res, next) => {
    const exercise = findExercise(req.params.id);
    if (!exercise) return next();
    const answer = typeof req.body?.answer === 'string' ? req.body.answer.slice(0, 2000) : undefined;
    const sub = learnerOf(req);
    let result: CheckResult;
    if (!ctx.recorder.enabled) {
      // Nothing is recorded (TIMELINE_RECORDING=off): no check could see what happened. Say so, not "do it again".
      result = {
        passed: false,
        hint: 'This demo records no exchanges (TIMELINE_RECORDING=off), and the exercises are checked from what was recorded. Ask your instructor to turn the recording on.',
      };
    } else if (!sub) {
      result = {
        passed: false,
        hint: 'Photo Printer does not know who you are yet: it learns it from the tokens it gets for you. Press "Import photos from Drive", sign in (or join the class) and allow, then check again.',
      };
    } else {
      result = checkExercise(exercise, await gatherEvidence(ctx, req, sub, answer));
      if (result.passed) ctx.exercises.complete(sub, exercise.id);
    }
    res.render('exercise', render(req, ctx, exercise, { result, ...(answer !== undefined ? { answer } : {}) }));
  });

  router.get('/class', async (req, res) => {
    requireInstructor(ctx, req);
    const link = classLink(ctx);
    // The QR code is drawn here, as SVG: no service outside, no script (issue 18 item 4).
    const qrSvg = await QRCode.toString(link.url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    res.render('class_board', {
      title: 'Class board',
      link,
      qrSvg,
      pollMs: BOARD_POLL_MS,
      board: await boardData(ctx),
      formatTime: (ms: number) => new Date(ms).toISOString().slice(11, 16),
    });
  });

  router.get('/class/progress', async (req, res) => {
    if (!isInstructor(req)) {
      res.status(403).json({ error: 'forbidden', error_description: 'The class board is for the instructor only.' });
      return;
    }
    res.json(await boardData(ctx));
  });

  return router;
}
