/**
 * @module routes/teaching/lesson
 *
 * The lesson bar (issue 18 item 2): docs/lesson.md's 45-minute plan run from the printer in instructor mode, from
 * its one definition (@oauth-demo/teaching lesson.ts).
 *
 * `GET /lesson` (instructor mode): the whole plan, a Go button per segment.
 * `POST /lesson` (CSRF, instructor mode) with `to` = `next`, `previous`, a segment id, or `stop`. Before the browser
 * is sent to the segment's page, the state that page promises is prepared here, on the server, with the code of the
 * real routes (no fakes): step-through on or off, a fresh consent (this browser's tokens revoked at the auth server,
 * RFC 7009, so the grant and its remembered consent end; "Ask me again" is ticked in instructor mode), the last flow
 * pinned in the timeline, the kiosk started (RFC 8628 §3.1). A page on the auth server or Drive is opened at its
 * public URL with a one-time `lesson_next` (16 random bytes, kept in this session with the segment it is for).
 * `GET /lesson/next?lesson_next=…` (instructor mode): where `n` on that page goes in presenter view (packages/web
 * presenter.ts): with the token of the current segment it goes on to the next segment, as "next" on the bar does;
 * with any other (spent, forged, of another segment) it only opens the plan. A GET that moves the lesson, so it
 * needs the one-time token, which no other site has: the same guard as a form's CSRF token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import {
  LESSON,
  LESSON_MINUTES,
  type LessonPreparation,
  type LessonSegment,
  currentTrace,
  findExercise,
  formatClock,
  formatElapsed,
  lessonTimer,
  moveLesson,
  pinTrace,
  segmentStartMinutes,
} from '@oauth-demo/teaching';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import type { AppContext } from '../../context.js';
import { LessonSegmentUnknown } from '../../errors.js';
import { revokeConnection } from '../../oauth/revocation.js';
import { startKioskFlow } from '../kiosk.js';
import { isInstructor, requireInstructor } from './locals.js';

/** What the lesson bar shows (res.locals.lessonBar, apps/printer/views/partials/lesson_bar.ejs). */
interface LessonBar {
  number: number;
  count: number;
  segment: LessonSegment;
  /** The plan's start of this segment, `0:05`. */
  startsAt: string;
  next: LessonSegment | undefined;
  previous: LessonSegment | undefined;
  /** Epoch ms, for the bar's script to tick from (and the server's now, for a browser whose clock is off). */
  startedAt: number;
  segmentStartedAt: number;
  now: number;
  segmentPlanMs: number;
  lessonPlanMs: number;
  /** The timer as rendered (the script updates it every second). */
  segmentElapsed: string;
  lessonElapsed: string;
  segmentPlan: string;
  /** Where the plan has the lesson at the end of this segment, `41:00` (said as such on the bar); its length apart. */
  lessonPlan: string;
  lessonMinutes: number;
  segmentOver: boolean;
  lessonOver: boolean;
  /** A state this segment needs that the session is not in, said on the bar (e.g. no refresh token for segment 5). */
  warning: string | undefined;
  /** The checked exercises for the room after this segment (their pages: routes/exercises.ts). */
  exercises: { href: string; title: string }[];
}

/** What a segment needs that only the class can do (an Allow on the consent screen): said, not faked. */
function readiness(req: Request, segment: LessonSegment): string | undefined {
  const connection = req.session.connection;
  if (segment.id === 'refresh' && !connection?.refresh_token)
    return 'Photo Printer holds no refresh token in this session: Import photos from Drive and Allow with offline_access first.';
  if (segment.id === 'revocation' && !connection)
    return 'Photo Printer is not connected in this session: connect first, so that there is a grant to remove.';
  return undefined;
}

export function lessonBarFor(req: Request, now = Date.now()): LessonBar | undefined {
  const state = req.session.lesson;
  if (!isInstructor(req) || !state) return undefined;
  const segment = LESSON[state.index];
  if (!segment) return undefined;
  const timer = lessonTimer(state, now);
  return {
    number: state.index + 1,
    count: LESSON.length,
    segment,
    startsAt: formatClock(segmentStartMinutes(state.index)),
    next: LESSON[state.index + 1],
    previous: state.index > 0 ? LESSON[state.index - 1] : undefined,
    startedAt: state.startedAt,
    segmentStartedAt: state.segmentStartedAt,
    now,
    segmentPlanMs: timer.segmentPlanMs,
    lessonPlanMs: timer.lessonPlanMs,
    segmentElapsed: formatElapsed(timer.segmentElapsedMs),
    lessonElapsed: formatElapsed(timer.lessonElapsedMs),
    segmentPlan: formatElapsed(timer.segmentPlanMs),
    lessonPlan: formatElapsed(timer.lessonPlanMs),
    lessonMinutes: LESSON_MINUTES,
    segmentOver: timer.segmentOver,
    lessonOver: timer.lessonOver,
    warning: readiness(req, segment),
    exercises: (segment.exercises ?? []).flatMap((id) => {
      const exercise = findExercise(id);
      return exercise ? [{ href: `/exercises/${exercise.id}`, title: exercise.title }] : [];
    }),
  };
}

/** Carry out one preparation; returns the page's query string when it needs one (the pinned flow's id). */
async function prepare(ctx: AppContext, req: Request, res: Response, what: LessonPreparation): Promise<string> {
  switch (what) {
    case 'step-through-on':
    case 'step-through-off':
      req.session.teaching = { ...req.session.teaching, stepThrough: what === 'step-through-on' };
      if (what === 'step-through-off') delete req.session.stepHop;
      return '';
    case 'fresh-consent': {
      // As "Start over" does for the tokens: revoking the refresh token ends the grant at the auth server, so its
      // consent screen comes back (RFC 7009 §2.1); prompt=consent ("Ask me again") asks for it in any case.
      const connection = req.session.connection;
      delete req.session.connection;
      delete req.session.justConnected;
      if (connection) await revokeConnection(ctx.tokenEndpoint, connection);
      return '';
    }
    case 'pin-last-flow': {
      const trace = currentTrace(req);
      if (!trace) return '';
      if (pinTrace(req, trace.id, true) === 'pinned') ctx.recorder.pin(trace.id);
      return `?trace=${trace.id}`;
    }
    case 'start-kiosk':
      await startKioskFlow(ctx, req, res, 'The lesson bar starts the kiosk (segment “The other grants”)');
      return '';
    case 'printer-app-first':
      return `?${new URLSearchParams({ client_id: ctx.config.client.clientId })}`;
  }
}

function sameToken(sent: unknown, token: string): boolean {
  return (
    typeof sent === 'string' && sent.length === token.length && timingSafeEqual(Buffer.from(sent), Buffer.from(token))
  );
}

function pageUrl(ctx: AppContext, segment: LessonSegment, query: string): string {
  const path = `${segment.page.path}${query}`;
  if (segment.page.service === 'auth') return new URL(path, ctx.config.auth.publicUrl).href;
  if (segment.page.service === 'drive') return new URL(path, ctx.config.drive.publicUrl).href;
  return path;
}

export function lessonRoutes(ctx: AppContext): Router {
  const router = Router();

  // The whole plan, each segment a click away (instructor mode).
  router.get('/lesson', (req, res) => {
    requireInstructor(ctx, req);
    res.render('lesson', {
      title: 'The lesson',
      segments: LESSON,
      minutes: LESSON_MINUTES,
      startsAt: LESSON.map((_s, i) => formatClock(segmentStartMinutes(i))),
      current: req.session.lesson?.index,
      csrf: csrfToken(req),
    });
  });

  router.post('/lesson', verifyCsrf, async (req, res) => {
    requireInstructor(ctx, req);
    const to = typeof req.body?.to === 'string' ? req.body.to : '';
    if (!['next', 'previous', 'stop'].includes(to) && !LESSON.some((s) => s.id === to))
      throw new LessonSegmentUnknown(`The lesson has no segment “${to.slice(0, 60)}”.`);
    await move(req, res, to);
  });

  // `n` on a segment's page on the auth server or Drive: on to the next segment with that segment's token.
  router.get('/lesson/next', async (req, res) => {
    requireInstructor(ctx, req);
    const handoff = req.session.lessonHandoff;
    const sent = req.query.lesson_next;
    if (!handoff || handoff.index !== req.session.lesson?.index || !sameToken(sent, handoff.token))
      return res.redirect(303, '/lesson');
    await move(req, res, 'next');
  });

  async function move(req: Request, res: Response, to: string): Promise<void> {
    // A token is good for one `n`, from the segment it was made for.
    delete req.session.lessonHandoff;
    const moved = to === 'stop' ? null : moveLesson(req.session.lesson, to, Date.now());
    if (!moved) {
      const finished = to === 'next' && req.session.lesson !== undefined;
      delete req.session.lesson;
      if (finished) req.session.notice = { kind: 'good', text: 'The lesson is over: 45 minutes, eight segments.' };
      return res.redirect(303, '/');
    }
    req.session.lesson = moved;
    const segment = LESSON[moved.index]!;
    let query = '';
    for (const what of segment.prepare) query = (await prepare(ctx, req, res, what)) || query;
    const page = pageUrl(ctx, segment, query);
    if (segment.page.service === 'printer') return res.redirect(303, page);
    const token = randomBytes(16).toString('base64url');
    req.session.lessonHandoff = { index: moved.index, token };
    const url = new URL(page);
    url.searchParams.set('lesson_next', token);
    res.redirect(303, url.href);
  }

  return router;
}
