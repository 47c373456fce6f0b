/**
 * @module format
 *
 * Small helpers the views use (made available as `res.locals`-style app locals).
 */
export { formatPrice } from './orders.js';

/** "2026-11-25 14:03:07 UTC": unambiguous for a class in any time zone. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "in 9 min", "in 40 s", "2 min ago". */
export function formatRelative(ms: number, now = Date.now()): string {
  const seconds = Math.round((ms - now) / 1000);
  const abs = Math.abs(seconds);
  const amount = abs >= 120 ? `${Math.round(abs / 60)} min` : `${abs} s`;
  return seconds >= 0 ? `in ${amount}` : `${amount} ago`;
}
