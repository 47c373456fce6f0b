/**
 * @module routes/teaching/locals
 *
 * `res.locals.teaching` for every page: the switches, the glossary, and where the timeline is.
 */
import type { NextFunction, Request, Response } from 'express';
import type { GlossaryEntry } from '@oauth-demo/teaching';
import { csrfToken } from '@oauth-demo/web';
import { instructorModeOffered } from '../../config.js';
import { InstructorModeOff, InstructorModeRefused } from '../../errors.js';
import type { AppContext } from '../../context.js';
import { glossaryFor } from './glossary.js';
import { lessonBarFor } from './lesson.js';

export interface Teaching {
  instructor: boolean;
  /** Whether the instructor switch is offered here, and whether it asks for INSTRUCTOR_KEY. */
  instructorAvailable: boolean;
  instructorKeyRequired: boolean;
  stepThrough: boolean;
  /** Presenter view (instructor mode only): projector scale and keyboard control on the three services. */
  presenter: boolean;
  /** Secrets shown whole on this page (instructor mode; in presenter view only when asked). */
  reveal: boolean;
  traceId: string | undefined;
  csrf: string;
  /** A lesson is running (the instructor panel offers to start one otherwise). */
  lesson: boolean;
  /** Where the switches send the browser back to. */
  here: string;
  glossary: GlossaryEntry[];
  accessTokenTtlHint: string;
}

export function isInstructor(req: Request): boolean {
  return req.session.teaching?.instructor === true;
}

/**
 * For the instructor's pages and actions: passes in instructor mode; otherwise 403, saying how to turn it on where it
 * is offered (InstructorModeOff), or that it is not offered here (InstructorModeRefused).
 */
export function requireInstructor(ctx: AppContext, req: Request): void {
  if (isInstructor(req)) return;
  throw instructorModeOffered(ctx.config, req.ip) ? new InstructorModeOff() : new InstructorModeRefused();
}

/**
 * Whether this page shows secrets whole (client secret, codes, tokens): in instructor mode, except in presenter view,
 * where the room sees the screen: there only when the instructor asks (issue 18: no instructor secrets unless asked).
 */
export function revealsSecrets(req: Request): boolean {
  return isInstructor(req) && (req.session.presenter !== true || req.session.presenterSecrets === true);
}

export function teachingLocals(ctx: AppContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.session) return next();
    const teaching: Teaching = {
      instructor: isInstructor(req),
      instructorAvailable: instructorModeOffered(ctx.config, req.ip),
      instructorKeyRequired: ctx.config.instructorKey !== undefined,
      stepThrough: req.session.teaching?.stepThrough === true,
      presenter: isInstructor(req) && req.session.presenter === true,
      reveal: revealsSecrets(req),
      traceId: req.session.traces?.at(-1)?.id,
      // Made when a page renders the panel's forms, not on every request (packages/web csrf.ts).
      get csrf() {
        return csrfToken(req);
      },
      lesson: req.session.lesson !== undefined,
      here: req.method === 'GET' ? req.originalUrl : '/',
      glossary: glossaryFor(req, ctx),
      accessTokenTtlHint:
        'Short token lifetimes on demand: start the auth server with ACCESS_TOKEN_TTL=60 (seconds) to watch access tokens expire and refresh in class.',
    };
    res.locals.teaching = teaching;
    // The lesson bar, for the instructor running the lesson (routes/teaching/lesson.ts); on every printer page.
    const lessonBar = lessonBarFor(req);
    if (lessonBar) res.locals.lessonBar = lessonBar;
    res.locals.stylesheets = ['/assets/printer/teaching.css'];
    if (teaching.instructor) res.locals.bodyClass = 'instructor';
    if (teaching.presenter) {
      res.locals.presenter = true;
      res.locals.presenterLinks = {
        timeline: teaching.traceId ? `/timeline?trace=${teaching.traceId}` : '/timeline',
        inspector: '/inspect',
      };
    }
    next();
  };
}
