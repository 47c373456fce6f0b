/**
 * @module lab/state
 *
 * One learner's attack lab, kept in THEIR printer session (issue 16: one learner's lab never changes another's):
 * the defense switches, the lab copy's pending requests, what the lab copy got, and the results side by side.
 * No token is kept here; only what a page shows (owners, photo titles, error codes).
 */
import { randomBytes } from 'node:crypto';
import type { ScenarioId } from './scenarios.js';

export interface LabOutcome {
  /** Did Mallory get what she wanted? */
  attackWorked: boolean;
  summary: string;
  details: string[];
  at: number;
}

/** A lab copy's authorization request, sent and not yet answered. */
export interface LabPending {
  scenario: ScenarioId;
  state: string;
  /** Absent when the learner switched PKCE off. */
  code_verifier?: string;
  /** The defense's position when the run started: the result goes into that column. */
  defenseOn: boolean;
  /** The authorization server the request went to (scenario 4: the lab copy knows two). */
  issuer?: string;
  createdAt: number;
}

/** Scenario 2: the code the lab copy received and shows its "almost done" page for, before redeeming it. */
export interface LabReceived {
  scenario: 'pkce';
  code: string;
  code_verifier?: string;
  defenseOn: boolean;
  createdAt: number;
}

export interface LabState {
  /** Random: names this learner's run on Mallory's site, so her loot page shows only theirs. */
  run: string;
  /** A defense is on unless the learner switched it off (false). */
  defenses: Partial<Record<ScenarioId, boolean>>;
  pending: LabPending[];
  received?: LabReceived;
  results: Partial<Record<ScenarioId, { off?: LabOutcome; on?: LabOutcome }>>;
  /**
   * Scenario 7: the lab copy's refresh token (kept server side, like the real printer's connection) between the
   * theft and the printer's own refresh.
   */
  refresh?: { refreshToken: string; defenseOn: boolean; createdAt: number };
  /** Scenarios whose result is read from Mallory's site: when the last run started, and in which position. */
  started?: Partial<Record<ScenarioId, { defenseOn: boolean; at: number }>>;
}

const LAB_PENDING_TTL_MS = 10 * 60 * 1000;

export function newLabState(): LabState {
  return { run: randomBytes(16).toString('base64url'), defenses: {}, pending: [], results: {} };
}

export function isDefenseOn(lab: LabState, id: ScenarioId): boolean {
  return lab.defenses[id] !== false;
}

export function recordOutcome(
  lab: LabState,
  id: ScenarioId,
  defenseOn: boolean,
  outcome: Omit<LabOutcome, 'at'>,
): void {
  const row = lab.results[id] ?? {};
  row[defenseOn ? 'on' : 'off'] = { ...outcome, at: Date.now() };
  lab.results[id] = row;
}

/** Keep a new pending request (at most a few, none expired). */
export function addPending(lab: LabState, pending: LabPending, now = Date.now()): void {
  lab.pending = [...lab.pending.filter((p) => now - p.createdAt < LAB_PENDING_TTL_MS), pending].slice(-3);
}

/** The pending request with exactly this state, removed (used once). */
export function takePending(lab: LabState, state: string, now = Date.now()): LabPending | undefined {
  const index = lab.pending.findIndex((p) => p.state === state && now - p.createdAt < LAB_PENDING_TTL_MS);
  if (index === -1) return undefined;
  const [pending] = lab.pending.splice(index, 1);
  return pending;
}
