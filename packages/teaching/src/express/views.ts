/**
 * @module express/views
 *
 * The teaching layer's ejs partials (the step bar and step banners every page shows), added to an app's view
 * search path after its own views and the shared ones, with the step texts as a local every page can use.
 */
import { resolve } from 'node:path';
import type { Express, Response } from 'express';
import { termLink } from '../docs.js';
import { markGlossaryTerms } from '../glossary_marks.js';
import { GRANT_STEPS, NOTES_STEPS } from '../steps.js';

const teachingViewsDir = resolve(import.meta.dirname, '..', '..', 'views');

/**
 * Call after useSharedUi (@oauth-demo/web): appends the teaching partials. Every page may read the one step
 * definition (`GRANT_STEPS`, `NOTES_STEPS`); a page shows a step bar when its route passes `stepBar` (steps.ts).
 */
export function useTeachingViews(app: Express, options: { glossaryUrl?: string } = {}): void {
  const views = app.get('views') as string | string[];
  app.set('views', [...[views].flat(), teachingViewsDir]);
  app.locals.GRANT_STEPS = GRANT_STEPS;
  app.locals.NOTES_STEPS = NOTES_STEPS;
  // `<%- term('bearer-token', 'Bearer') %>`: a glossary term used on a page, linked to its explanation (docs.ts).
  // The glossary is the printer's page; another service passes its URL.
  const base = options.glossaryUrl ?? '';
  app.locals.term = (id: string, label?: string) => termLink(id, label, base);
  // And every glossary term a page uses, linked on that page by construction (glossary_marks.ts): each page this
  // app renders goes through one pass that links the first occurrence of each term in its text.
  type Done = (error: Error | null, html?: string) => void;
  const render = app.response.render as (this: Response, view: string, locals: object, done: Done) => void;
  app.response.render = function (this: Response, view: string, locals?: object | Done, done?: Done): void {
    const given = typeof locals === 'function' ? (locals as Done) : done;
    const values = typeof locals === 'object' ? locals : {};
    if (given) {
      render.call(this, view, values, given);
      return;
    }
    render.call(this, view, values, (error, html) => {
      if (error) this.req.next?.(error);
      else this.send(markGlossaryTerms(html ?? '', base));
    });
  } as Response['render'];
}
