/**
 * @module ui
 *
 * The look the three services share: one stylesheet and a few ejs partials (role banner; the step labels are
 * @oauth-demo/teaching's),
 * all served locally. Each app keeps its own views and adds these to its view search path.
 */
import { resolve } from 'node:path';
import express, { type Express } from 'express';

const PACKAGE_ROOT = resolve(import.meta.dirname, '..');
const sharedViewsDir = resolve(PACKAGE_ROOT, 'views');
const sharedAssetsDir = resolve(PACKAGE_ROOT, 'assets');
/** The three services' one icon: a rounded square of three bands in the role colours of style.css (16 and 32 px). */
const FAVICON = resolve(sharedAssetsDir, 'favicon.ico');

/** The five roles of the notes, and which service plays each. */
export type Role = 'Client' | 'Authorization Server' | 'Resource Server';

export interface ServiceIdentity {
  /** e.g. "Photo Printer" */
  name: string;
  role: Role;
  /** CSS modifier for the role colour: "client" | "as" | "rs" */
  tone: 'client' | 'as' | 'rs';
}

/**
 * ejs views (the app's own first, then the shared partials), `/assets/ui/*`, `/favicon.ico` (where a browser looks for
 * an icon on its own, e.g. beside a JSON answer: a day in its cache), and locals every page uses.
 */
export function useSharedUi(app: Express, appViewsDir: string, service: ServiceIdentity): void {
  app.set('view engine', 'ejs');
  app.set('views', [appViewsDir, sharedViewsDir]);
  app.locals.service = service;
  app.use('/assets/ui', express.static(sharedAssetsDir, { maxAge: '1h', index: false }));
  app.get('/favicon.ico', (_req, res, next) => res.sendFile(FAVICON, { maxAge: '1d' }, (err) => err && next(err)));
}
