/**
 * @module loot
 *
 * What Mallory got, per lab run. A run id is made by the printer's lab for one learner's session and travels in
 * Mallory's links, so one learner's loot is never shown to another. In memory, bounded: it is a scoreboard for
 * the lab, not part of OAuth.
 */

export interface Loot {
  scenario: string;
  /** Did the attack work? */
  success: boolean;
  /**
   * One line a newcomer understands: what she got, or why she got nothing. Never with her name: the pages that show
   * it name her once (her own page's title, the printer's lab as “Mallory: …”).
   */
  summary: string;
  /** Details shown on her page: the owner of the photos, their titles, the auth server's error. */
  details: string[];
  /** Not the end of the story yet (her kiosk is still polling): the lab waits for a later entry. */
  pending?: boolean;
  at: number;
}

export const RUN_ID = /^[A-Za-z0-9_-]{16,64}$/;

const MAX_RUNS = 500;
const MAX_PER_RUN = 20;

export class LootBox {
  private readonly runs = new Map<string, Loot[]>();

  add(run: string, loot: Omit<Loot, 'at'>): void {
    const list = this.runs.get(run) ?? [];
    this.runs.delete(run); // re-inserted last: the Map's order is the eviction order
    this.runs.set(run, [...list, { ...loot, at: Date.now() }].slice(-MAX_PER_RUN));
    while (this.runs.size > MAX_RUNS) this.runs.delete(this.runs.keys().next().value!);
  }

  list(run: string): Loot[] {
    return this.runs.get(run) ?? [];
  }
}
