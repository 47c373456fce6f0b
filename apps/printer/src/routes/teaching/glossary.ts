/**
 * @module routes/teaching/glossary
 *
 * The notes' five terms for the teaching panel, filled in with what this browser's session holds.
 */
import type { Request } from 'express';
import { type GlossaryEntry, glossary } from '@oauth-demo/teaching';
import type { AppContext } from '../../context.js';

export function glossaryFor(req: Request, ctx: AppContext): GlossaryEntry[] {
  const c = req.session.connection;
  return glossary({
    ...(c ? { connection: { access_token: c.access_token, scope: c.scope } } : {}),
    clientId: ctx.config.client.clientId,
    drivePublicUrl: ctx.config.drive.publicUrl,
    authPublicUrl: ctx.config.auth.publicUrl,
  });
}
