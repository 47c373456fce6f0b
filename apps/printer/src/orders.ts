/**
 * @module orders
 *
 * The print shop itself: sizes and prices, validating an order form, and placing an order. Placing one is
 * where the access token earns its keep: each chosen photo is fetched again from Drive WITH THE USER'S TOKEN
 * (step 7), so the printer only ever prints photos that Drive agrees belong to the person who connected, and
 * the bytes are copied into the print lab (DATA_DIR/orders/<id>/) so the order no longer needs Drive.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DriveClient, Photo } from './drive_client.js';
import { PHOTO_ID } from './drive_client.js';
import type { OrderItemRow, OrderRepository, OrderRow } from './db.js';
import { PRIVATE_DIR_MODE } from '@oauth-demo/web';

export interface PrintSize {
  label: string;
  priceCents: number;
}

export const PRINT_SIZES: Readonly<Record<string, PrintSize>> = {
  '4x6': { label: '4×6 in', priceCents: 35 },
  '5x7': { label: '5×7 in', priceCents: 99 },
  '8x10': { label: '8×10 in', priceCents: 349 },
};

const MAX_PHOTOS_PER_ORDER = 50;
export const MAX_COPIES = 20;
export const ORDER_ID = /^[A-Za-z0-9_-]{22}$/;

export const STATUS_LABELS: Record<OrderRow['status'], string> = { queued: 'Queued for printing' };

export function formatPrice(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

export interface OrderForm {
  photoIds: string[];
  size: string;
  copies: string;
}

export interface ValidOrder {
  photoIds: string[];
  size: string;
  copies: number;
}

/** Read the form as sent; values are kept as strings so a refused form can be shown again as it was. */
export function readOrderForm(body: Record<string, unknown> | undefined): OrderForm {
  const raw = body?.photo;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return {
    photoIds: list.filter((v): v is string => typeof v === 'string'),
    size: typeof body?.size === 'string' ? body.size : '',
    copies: typeof body?.copies === 'string' ? body.copies.trim() : '',
  };
}

export function validateOrderForm(form: OrderForm): { ok: true; order: ValidOrder } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const photoIds = [...new Set(form.photoIds)];
  if (photoIds.length === 0) errors.push('Choose at least one photo to print.');
  else if (photoIds.length > MAX_PHOTOS_PER_ORDER)
    errors.push(`Choose at most ${MAX_PHOTOS_PER_ORDER} photos per order.`);
  else if (!photoIds.every((id) => PHOTO_ID.test(id))) errors.push('One of the chosen photos is not a valid photo id.');
  if (!Object.hasOwn(PRINT_SIZES, form.size)) errors.push('Choose a print size from the list.');
  const copies = /^\d{1,2}$/.test(form.copies) ? Number(form.copies) : NaN;
  if (!Number.isInteger(copies) || copies < 1 || copies > MAX_COPIES)
    errors.push(`Copies must be a whole number from 1 to ${MAX_COPIES}.`);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, order: { photoIds, size: form.size, copies } };
}

const EXTENSIONS: Record<string, string> = {
  'image/svg+xml': 'svg',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

export interface PlaceOrderDeps {
  drive: DriveClient;
  orders: OrderRepository;
  ordersDir: string;
}

/**
 * Fetch every photo (metadata, then bytes) with the token, write the copies, then record the order in one
 * transaction. If anything fails, nothing is recorded and the copies are removed.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  accessToken: string,
  browserKey: string,
  order: ValidOrder,
): Promise<string> {
  // The list names the owner (the Resource Owner the token speaks for).
  const { owner } = await deps.drive.listPhotos(accessToken);
  const fetched: { photo: Photo; bytes: Buffer; contentType: string }[] = [];
  for (const id of order.photoIds) {
    const photo = await deps.drive.getPhoto(accessToken, id); // NotFound if it is not this owner's photo
    const { bytes, contentType } = await deps.drive.getContent(accessToken, photo);
    fetched.push({ photo, bytes, contentType });
  }

  const id = randomBytes(16).toString('base64url');
  const dir = join(deps.ordersDir, id);
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE }); // the customer's photos: private (packages/web private_files.ts)
  try {
    const items: OrderItemRow[] = [];
    for (const [position, { photo, bytes, contentType }] of fetched.entries()) {
      // The file name is the printer's own (position + type), never taken from Drive or the form.
      const file = `${String(position + 1).padStart(2, '0')}.${EXTENSIONS[contentType] ?? 'img'}`;
      await writeFile(join(dir, file), bytes);
      items.push({ order_id: id, position, photo_id: photo.id, title: photo.title, content_type: contentType, file });
    }
    const size = PRINT_SIZES[order.size];
    if (!size) throw new Error(`unknown size ${order.size}`); // validated before; keeps the types honest
    const unit = size.priceCents;
    deps.orders.insert(
      {
        id,
        browser_key: browserKey,
        owner,
        size: order.size,
        copies: order.copies,
        unit_price_cents: unit,
        total_cents: unit * order.copies * items.length,
        status: 'queued',
        created_at: Date.now(),
      },
      items,
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return id;
}
