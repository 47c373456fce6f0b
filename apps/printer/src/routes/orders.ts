/**
 * @module routes/orders
 *
 * - `POST /orders`: validate the form, fetch the chosen photos from Drive with the token, keep copies, record
 *   the order. A refused form is shown again as it was sent (400), with nothing lost.
 * - `GET /orders`, `GET /orders/:id`, `GET /orders/:id/items/:photoId/image`: this browser's orders, served
 *   from the printer's own database and copies; no token is needed any more. Another browser gets 404.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Router } from 'express';
import { NotFound, fingerprint } from '@oauth-demo/tokens';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import { describeExchange, startTrace, stepBar } from '@oauth-demo/teaching';
import type { AppContext } from '../context.js';
import { PHOTO_ID } from '../drive_client.js';
import { currentConnection, refreshReason, withAccessToken } from '../oauth/connection.js';
import { isTokenActive } from '../oauth/introspection.js';
import type { JustReordered } from '../session_data.js';
import { ORDER_ID, PRINT_SIZES, STATUS_LABELS, placeOrder, readOrderForm, validateOrderForm } from '../orders.js';
import { sendImage } from './images.js';
import { renderPhotos } from './photos.js';
import { browserKey } from './session_helpers.js';

export function ordersRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/orders', verifyCsrf, async (req, res) => {
    const form = readOrderForm(req.body as Record<string, unknown> | undefined);
    const checked = validateOrderForm(form);
    if (!checked.ok) {
      // POST-redirect-GET: the photos page shows the refused form once; a reload does not send the form again.
      req.session.refusedOrder = { form, errors: checked.errors };
      res.redirect(303, '/photos#order');
      return;
    }
    // Placing an order is a flow of its own (the import's ended with Drive's answer): Photo Printer fetches each chosen
    // photo from Drive with the token it holds, steps 7-8 again, so those calls are on the timeline too.
    const before = currentConnection(req); // not connected: home, with a notice (NotConnected)
    const orderNumber = (req.session.traces ?? []).filter((t) => t.label.startsWith('Order ')).length + 1;
    const trace = startTrace(req, 'order', `Order ${orderNumber}`);
    // No step number: your click only makes the client need the API again (as "Re-order").
    describeExchange(res, { key: trace.id, from: 'browser', channel: 'front', label: 'You press “Place order”' });
    let id: string;
    try {
      id = await withAccessToken(req, ctx.tokenEndpoint, (token) =>
        placeOrder(ctx, token, browserKey(req), checked.order),
      );
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
      // Drive says one of the photos is not (or no longer) this owner's: show the form again.
      const list = await withAccessToken(req, ctx.tokenEndpoint, (token) => ctx.drive.listPhotos(token));
      const errors = ['One of the chosen photos is not on your Drive (any more). Choose again.'];
      renderPhotos(
        req,
        res,
        ctx,
        list,
        { form: { ...form, photoIds: form.photoIds.filter((p) => list.photos.some((x) => x.id === p)) }, errors },
        400,
      );
      return;
    }
    const filed = req.session.traces?.find((t) => t.id === trace.id);
    if (filed) {
      const refreshed = currentConnection(req).refreshCount > before.refreshCount;
      // The access token had expired: the Refresh Token grant's steps 5-6 came first (RFC 6749 §6).
      if (refreshed) filed.kind = 'refresh_token';
      filed.label = `Order ${orderNumber} (order ${id})${refreshed ? `: ${refreshReason(currentConnection(req).lastRotation)}, refreshed (new tokens)` : ''}`;
    }
    req.session.justOrdered = true;
    res.redirect(303, `/orders/${id}`);
  });

  router.get('/orders', (req, res) => {
    res.render('orders', {
      title: 'Your orders',
      orders: ctx.orders.listForBrowser(req.session.browserKey),
      sizes: PRINT_SIZES,
      statusLabels: STATUS_LABELS,
    });
  });

  /**
   * "Re-order", days later: the same photos, size and copies, checked again with Drive (the photos must still be the
   * user's), which needs a valid access token. If it has expired, withAccessToken refreshes it first (steps 5-6
   * again, RFC 6749 §6) and the refresh token rotates; the new order's page shows both fingerprints, and what the
   * auth server now says about the old refresh token (RFC 7662).
   */
  router.post('/orders/:id/reorder', verifyCsrf, async (req, res) => {
    const order = findOrder(ctx, String(req.params.id ?? ''), req.session.browserKey);
    const items = ctx.orders.items(order.id);
    const before = currentConnection(req); // not connected: home, with a notice (NotConnected)
    // Filed as a refresh until we know: the label and kind say what happened once the re-order is done.
    // Numbered, so three re-orders never carry the same label.
    const reorderNumber = (req.session.traces ?? []).filter((t) => t.label.startsWith('Re-order ')).length + 1;
    const trace = startTrace(req, 'refresh_token', `Re-order ${reorderNumber} (of order ${order.id})`);
    // No step number: the Refresh Token grant has no step 1 (docs/notes.md); your click only makes the client need the API again.
    describeExchange(res, { key: trace.id, from: 'browser', channel: 'front', label: 'You press “Re-order”' });
    const oldRefreshToken = before.refresh_token;
    let id: string;
    try {
      id = await withAccessToken(req, ctx.tokenEndpoint, (token) =>
        placeOrder(ctx, token, browserKey(req), {
          photoIds: items.map((i) => i.photo_id),
          size: order.size,
          copies: order.copies,
        }),
      );
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
      req.session.reorderProblem =
        'One of the photos of this order is no longer on your Drive, so nothing was re-ordered. Choose photos again from your Drive.';
      res.redirect(303, `/orders/${order.id}`);
      return;
    }
    const after = currentConnection(req);
    const report: JustReordered = {
      fromOrderId: order.id,
      photosChecked: items.length,
      accessExpiresAt: after.expiresAt,
    };
    if (after.refreshCount > before.refreshCount && after.lastRotation) {
      report.rotation = after.lastRotation;
      // Read-only proof that the old refresh token is dead. Presenting it at the token endpoint instead would be
      // reuse, and revoke the whole family (RFC 9700 §4.14.2).
      if (
        oldRefreshToken &&
        after.lastRotation.rotated &&
        after.lastRotation.oldRefresh === fingerprint(oldRefreshToken)
      ) {
        report.oldRefreshTokenActive = await isTokenActive(ctx.tokenEndpoint, oldRefreshToken, 'refresh_token');
      }
    }
    req.session.justReordered = report;
    const refreshed = report.rotation !== undefined;
    const filed = req.session.traces?.find((t) => t.id === trace.id);
    if (filed) {
      filed.kind = refreshed ? 'refresh_token' : 'reorder';
      filed.label = refreshed
        ? `Re-order ${reorderNumber} (order ${order.id} → order ${id}): ${refreshReason(report.rotation)}, refreshed (new tokens)`
        : `Re-order ${reorderNumber} (order ${order.id} → order ${id}): the access token was still valid, no refresh`;
    }
    res.redirect(303, `/orders/${id}`);
  });

  /**
   * For a class that cannot wait ten minutes: Photo Printer forgets how long its access token has left and treats it
   * as expired, as a client does once `expires_in` (RFC 6749 §5.1) has passed. The token itself is unchanged (Drive
   * would still accept it until its `exp`); the next Re-order refreshes it first.
   */
  router.post('/orders/:id/expire-access-token', verifyCsrf, (req, res) => {
    const order = findOrder(ctx, String(req.params.id ?? ''), req.session.browserKey);
    const connection = req.session.connection;
    if (connection) {
      const now = Date.now();
      connection.expiredByHand = { at: now, realExpiresAt: connection.expiresAt };
      connection.expiresAt = now;
      req.session.notice = {
        kind: 'info',
        text: 'Done: Photo Printer now treats its access token as expired, so the next Re-order refreshes it first. The token itself did not change: the auth server still says it is active and Drive would still accept it until its exp (the token inspector shows both).',
      };
    }
    res.redirect(303, `/orders/${order.id}`);
  });

  router.get('/orders/:id', (req, res) => {
    const order = findOrder(ctx, req.params.id, req.session.browserKey);
    const justOrdered = req.session.justOrdered === true;
    delete req.session.justOrdered;
    const justReordered = req.session.justReordered;
    delete req.session.justReordered;
    const reorderProblem = req.session.reorderProblem;
    delete req.session.reorderProblem;
    const notice = req.session.notice;
    delete req.session.notice;
    const connection = req.session.connection;
    res.render('order', {
      title: `Order ${order.id}`,
      // After a re-order: steps 5-6 again when the token had to be refreshed, then 7-8 (Drive checked the photos).
      // After a re-order: the Refresh Token grant's steps 5-8 when the token had to be refreshed; otherwise the
      // access token of the Authorization Code flow was still good, and only its steps 7-8 happened again.
      ...(justReordered
        ? {
            stepBar: justReordered.rotation
              ? stepBar('refresh_token', [5, 6, 7, 8])
              : stepBar('authorization_code', [7, 8]),
          }
        : {}),
      justReordered,
      reorderProblem,
      notice,
      accessToken: connection
        ? {
            expiresAt: connection.expiresAt,
            hasRefreshToken: connection.refresh_token !== undefined,
            expiredByHand: connection.expiredByHand,
          }
        : undefined,
      order,
      items: ctx.orders.items(order.id),
      size: PRINT_SIZES[order.size],
      statusLabel: STATUS_LABELS[order.status],
      justOrdered,
      connected: req.session.connection !== undefined,
      csrf: csrfToken(req),
    });
  });

  router.get('/orders/:id/items/:photoId/image', async (req, res) => {
    const order = findOrder(ctx, req.params.id, req.session.browserKey);
    const photoId = req.params.photoId;
    const item = PHOTO_ID.test(photoId) ? ctx.orders.item(order.id, photoId) : undefined;
    if (!item) throw new NotFound('This order has no such photo.');
    // The path is built from the database (the printer's own file name), never from the URL.
    let bytes: Buffer;
    try {
      bytes = await readFile(join(ctx.ordersDir, order.id, item.file));
    } catch {
      throw new NotFound('The print lab no longer has this file.');
    }
    sendImage(res, bytes, item.content_type);
  });

  return router;
}

function findOrder(ctx: AppContext, id: string, key: string | undefined) {
  const order = ORDER_ID.test(id) ? ctx.orders.findForBrowser(id, key) : undefined;
  // The same 404 for "no such order" and "not yours": an order id reveals nothing to another browser.
  if (!order)
    throw new NotFound(
      'There is no such order in this browser. Orders can be seen only from the browser that placed them.',
    );
  return order;
}
