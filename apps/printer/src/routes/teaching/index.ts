/**
 * @module routes/teaching
 *
 * The teaching pages around the flows (issue 5, "make the invisible visible"), one file per page; their logic is
 * in @oauth-demo/teaching. The Client's own routes are beside this folder.
 * - `glossary.ts`, `locals.ts`: the teaching panel every page shows (the notes' five terms, the switches);
 * - `reset.ts`: `POST /teaching/reset`, Reset demo (instructor mode);
 * - `switches.ts`: `POST /teaching`, instructor mode and step-through mode;
 * - `timeline.ts`: `GET /timeline`, the sequence diagram of a flow;
 * - `inspector.ts`: `GET /inspect`, `POST /inspect`, the token inspector;
 * - `step_through.ts`: `GET /step`, `POST /step/continue`, step-through mode's interstitials;
 * - `doctor.ts`: `GET /doctor`, the environment doctor;
 * - `grants.ts`: `GET /grants`, the grants compared step by step;
 * - `docs.ts`: `GET /notes`, `GET /glossary`, `GET /docs/configuration`, the demo's texts from docs/;
 * - `lesson.ts`: `POST /lesson`, the lesson bar's next / previous (instructor mode).
 */
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { docsRoutes } from './docs.js';
import { doctorRoutes } from './doctor.js';
import { grantsRoutes } from './grants.js';
import { inspectorRoutes } from './inspector.js';
import { lessonRoutes } from './lesson.js';
import { resetRoutes } from './reset.js';
import { stepThroughRoutes } from './step_through.js';
import { switchesRoutes } from './switches.js';
import { timelineRoutes } from './timeline.js';

export { teachingLocals } from './locals.js';

export function teachingRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(
    resetRoutes(ctx),
    switchesRoutes(ctx),
    timelineRoutes(ctx),
    inspectorRoutes(ctx),
    stepThroughRoutes(ctx),
    grantsRoutes(ctx),
    doctorRoutes(ctx),
    docsRoutes(),
    lessonRoutes(ctx),
  );
  return router;
}
