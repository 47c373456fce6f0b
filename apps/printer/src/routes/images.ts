/**
 * @module routes/images
 *
 * Sending image bytes to the browser. Drive's photos are SVG, and an SVG opened on its own is a document that
 * could run script in the printer's origin. These responses therefore get their own, stricter policy: no
 * script, no outside fetch, sandboxed (the bytes come from another service; the printer does not vouch for them).
 */
import type { Response } from 'express';

export function sendImage(res: Response, bytes: Buffer, contentType: string): void {
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Security-Policy', "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox");
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('Content-Length', String(bytes.length));
  res.end(bytes);
}
