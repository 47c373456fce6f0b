/**
 * @module db
 *
 * What the printer must remember across a restart (docs/design.md, Persistence): print orders. The sessions table
 * lives in the same database (created by SqliteSessionStore), which is why a browser can still open its
 * orders after the printer restarts.
 *
 * An order does not depend on Drive or on any token once it is placed: the image bytes were copied into
 * DATA_DIR/orders/<order id>/ at order time (a print lab keeps what it prints).
 */
import { openDatabase, type Db } from '@oauth-demo/web';

const MIGRATIONS = [
  `CREATE TABLE orders (
     id TEXT PRIMARY KEY,              -- 16 random bytes, base64url: unguessable, safe in a URL
     browser_key TEXT NOT NULL,        -- the browser session that placed it: only it may see the order
     owner TEXT NOT NULL,              -- the Resource Owner, as Drive named them ("alice")
     size TEXT NOT NULL,               -- a key of PRINT_SIZES
     copies INTEGER NOT NULL CHECK (copies BETWEEN 1 AND 20),
     unit_price_cents INTEGER NOT NULL,
     total_cents INTEGER NOT NULL,
     status TEXT NOT NULL,             -- 'queued'
     created_at INTEGER NOT NULL       -- ms since the epoch
   );
   CREATE INDEX orders_by_browser ON orders(browser_key, created_at);
   CREATE TABLE order_items (
     order_id TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
     position INTEGER NOT NULL,
     photo_id TEXT NOT NULL,           -- Drive's id
     title TEXT NOT NULL,
     content_type TEXT NOT NULL,
     file TEXT NOT NULL,               -- file name inside DATA_DIR/orders/<order_id>/, chosen by the printer
     PRIMARY KEY (order_id, photo_id)
   );`,
  // Exercises the demo checked (issue 18 item 3): per learner, their auth-server account (the tokens' `sub`), so a
  // completion follows the learner to another browser and survives a restart (exercises.ts).
  `CREATE TABLE exercise_completions (
     sub TEXT NOT NULL,
     exercise_id TEXT NOT NULL,
     completed_at INTEGER NOT NULL,    -- ms since the epoch
     PRIMARY KEY (sub, exercise_id)
   );`,
];

export function openPrinterDatabase(file: string): Db {
  return openDatabase(file, MIGRATIONS);
}

export type OrderStatus = 'queued';

export interface OrderRow {
  id: string;
  browser_key: string;
  owner: string;
  size: string;
  copies: number;
  unit_price_cents: number;
  total_cents: number;
  status: OrderStatus;
  created_at: number;
}

export interface OrderItemRow {
  order_id: string;
  position: number;
  photo_id: string;
  title: string;
  content_type: string;
  file: string;
}

export interface OrderSummary extends OrderRow {
  item_count: number;
}

export class OrderRepository {
  constructor(private readonly db: Db) {}

  /** Reset demo: forget every order and every browser session (the seed state has none). */
  forgetEverything(): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM order_items').run();
      this.db.prepare('DELETE FROM orders').run();
      this.db.prepare('DELETE FROM sessions').run();
    })();
  }

  /** Start over: forget this browser's orders (a learner's own, never another's). Returns their ids (folders to delete). */
  forgetBrowser(browserKey: string): string[] {
    return this.db.transaction(() => {
      const ids = (
        this.db.prepare('SELECT id FROM orders WHERE browser_key = ?').all(browserKey) as { id: string }[]
      ).map((r) => r.id);
      for (const id of ids) this.db.prepare('DELETE FROM order_items WHERE order_id = ?').run(id);
      this.db.prepare('DELETE FROM orders WHERE browser_key = ?').run(browserKey);
      return ids;
    })();
  }

  insert(order: OrderRow, items: OrderItemRow[]): void {
    const insertOrder = this.db.prepare(
      `INSERT INTO orders (id, browser_key, owner, size, copies, unit_price_cents, total_cents, status, created_at)
       VALUES (@id, @browser_key, @owner, @size, @copies, @unit_price_cents, @total_cents, @status, @created_at)`,
    );
    const insertItem = this.db.prepare(
      `INSERT INTO order_items (order_id, position, photo_id, title, content_type, file)
       VALUES (@order_id, @position, @photo_id, @title, @content_type, @file)`,
    );
    this.db.transaction(() => {
      insertOrder.run(order);
      for (const item of items) insertItem.run(item);
    })();
  }

  /** The order, only if this browser placed it: another browser gets the same answer as for an unknown id. */
  findForBrowser(id: string, browserKey: string | undefined): OrderRow | undefined {
    if (!browserKey) return undefined;
    return this.db
      .prepare<[string, string], OrderRow>('SELECT * FROM orders WHERE id = ? AND browser_key = ?')
      .get(id, browserKey);
  }

  items(orderId: string): OrderItemRow[] {
    return this.db
      .prepare<[string], OrderItemRow>('SELECT * FROM order_items WHERE order_id = ? ORDER BY position')
      .all(orderId);
  }

  item(orderId: string, photoId: string): OrderItemRow | undefined {
    return this.db
      .prepare<[string, string], OrderItemRow>('SELECT * FROM order_items WHERE order_id = ? AND photo_id = ?')
      .get(orderId, photoId);
  }

  listForBrowser(browserKey: string | undefined): OrderSummary[] {
    if (!browserKey) return [];
    return this.db
      .prepare<[string], OrderSummary>(
        `SELECT o.*, (SELECT count(*) FROM order_items i WHERE i.order_id = o.id) AS item_count
         FROM orders o WHERE o.browser_key = ? ORDER BY o.created_at DESC, o.id`,
      )
      .all(browserKey);
  }
}
