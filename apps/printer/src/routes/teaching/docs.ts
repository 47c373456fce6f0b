/**
 * @module routes/teaching/docs
 *
 * `GET /notes`, `GET /glossary`, `GET /docs/configuration`: the notes the pages number everything after, the
 * glossary every term links to, and the README's Configuration table the instructor panel refers to, rendered on
 * the server from the repository's docs (@oauth-demo/teaching, docs.ts). Nothing is fetched by the browser but
 * the page and its local stylesheet.
 */
import { Router } from 'express';
import { type DocName, renderDoc } from '@oauth-demo/teaching';

const PAGES: Record<string, DocName> = {
  '/notes': 'notes',
  '/glossary': 'glossary',
  '/docs/configuration': 'configuration',
};

export function docsRoutes(): Router {
  const router = Router();
  for (const [path, name] of Object.entries(PAGES)) {
    router.get(path, (_req, res) => {
      const doc = renderDoc(name);
      res.render('doc', { title: doc.title, doc, name });
    });
  }
  return router;
}
