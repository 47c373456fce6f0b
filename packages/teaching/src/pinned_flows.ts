/**
 * @module pinned_flows
 *
 * Pinned flows (issue 18 item 2): a session keeps its last MAX_TRACES_PER_SESSION flows for the timeline and forgets
 * older ones; a flow the instructor (or a learner) pins is never forgotten that way. Pins are bounded too
 * (MAX_PINNED_PER_SESSION), or a session could pin every flow and the cap would mean nothing.
 */

/** How many flows one session may pin: the timeline page says so. */
export const MAX_PINNED_PER_SESSION = 5;

interface Flow {
  id: string;
  pinned?: boolean;
}

/**
 * Keep at most `max` flows (oldest first in `flows`): the oldest unpinned go first, pinned ones stay. Order is kept.
 * (`max` is larger than MAX_PINNED_PER_SESSION, so there is always an unpinned flow to drop.)
 */
export function capFlows<T extends Flow>(flows: readonly T[], max: number): { kept: T[]; dropped: T[] } {
  let over = flows.length - max;
  const dropped = new Set<T>();
  for (const flow of flows) {
    if (over <= 0) break;
    if (flow.pinned === true) continue;
    dropped.add(flow);
    over--;
  }
  return { kept: flows.filter((f) => !dropped.has(f)), dropped: flows.filter((f) => dropped.has(f)) };
}

export type PinResult = 'pinned' | 'unpinned' | 'full' | 'unknown';

/** Pin or unpin the flow `id`: `full` when the session already pins MAX_PINNED_PER_SESSION others. */
export function pinFlow<T extends Flow>(
  flows: readonly T[],
  id: string,
  pin: boolean,
): { flows: T[]; result: PinResult } {
  const flow = flows.find((f) => f.id === id);
  if (!flow) return { flows: [...flows], result: 'unknown' };
  if (pin && flow.pinned !== true && flows.filter((f) => f.pinned === true).length >= MAX_PINNED_PER_SESSION)
    return { flows: [...flows], result: 'full' };
  return {
    flows: flows.map((f) => {
      if (f !== flow) return f;
      const { pinned: _was, ...rest } = f;
      return (pin ? { ...rest, pinned: true } : rest) as T;
    }),
    result: pin ? 'pinned' : 'unpinned',
  };
}

/** The flows as the timeline lists them: pinned first, then the others; newest first in each. */
export function flowsForList<T extends Flow>(flows: readonly T[]): T[] {
  const newestFirst = [...flows].reverse();
  return [...newestFirst.filter((f) => f.pinned === true), ...newestFirst.filter((f) => f.pinned !== true)];
}
