/**
 * @module kiosk
 *
 * The shop's photo kiosk (Device Authorization Grant, RFC 8628) as a small state machine kept in the browser's
 * server-side session. The kiosk page reloads itself every `interval` seconds (a `<meta http-equiv="refresh">`,
 * no JavaScript); each load polls the token endpoint AT MOST once, and only when the interval has passed since the
 * previous poll, so a learner pressing reload cannot make the kiosk poll too fast.
 *
 * The device_code stays here (it is what the kiosk presents at the token endpoint); the page shows only the
 * user_code, which is useless without the user's approval.
 */
import { type DeviceAuthorization, type DevicePollResult, SLOW_DOWN_STEP_S } from './oauth/device_authorization.js';

export type KioskStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'failed';

export interface KioskPoll {
  at: number;
  /** `authorization_pending`, `slow_down`, `expired_token`, `access_denied`, another error code, or `tokens`. */
  answer: string;
  status: number;
  /** The interval in force after this answer. */
  interval: number;
}

export interface KioskState {
  deviceCode?: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Seconds between polls: the auth server's `interval`, plus 5 for each slow_down. */
  interval: number;
  startedAt: number;
  expiresAt: number;
  lastPollAt?: number;
  pollCount: number;
  /** The latest answers, newest last. */
  polls: KioskPoll[];
  status: KioskStatus;
  /** Why the kiosk stopped (expired locally, or an error the RFC does not list). */
  failure?: { code: string; description?: string };
  tokens?: { access_token: string; expiresAt: number | null; scope: string };
  /** The W3C trace of this kiosk session (@oauth-demo/teaching, express/trace.ts): its polls and Drive calls are filed there. */
  traceId?: string;
}

const KEPT_POLLS = 12;

export function startKiosk(auth: DeviceAuthorization, now = Date.now()): KioskState {
  const state: KioskState = {
    deviceCode: auth.device_code,
    userCode: auth.user_code,
    verificationUri: auth.verification_uri,
    interval: auth.interval,
    startedAt: now,
    expiresAt: now + auth.expires_in * 1000,
    pollCount: 0,
    polls: [],
    status: 'pending',
  };
  if (auth.verification_uri_complete) state.verificationUriComplete = auth.verification_uri_complete;
  return state;
}

/** When the next poll may happen: `interval` after the previous one (or after the start: the user needs time anyway). */
function nextPollAt(state: KioskState): number {
  return (state.lastPollAt ?? state.startedAt) + state.interval * 1000;
}

/** RFC 8628 §3.5: no faster than the interval. */
export function isPollDue(state: KioskState, now = Date.now()): boolean {
  return state.status === 'pending' && state.deviceCode !== undefined && now >= nextPollAt(state);
}

/** RFC 8628 §3.2 expires_in: past it the codes are dead, so the kiosk stops asking on its own. */
export function expireIfDue(state: KioskState, now = Date.now()): KioskState {
  if (state.status !== 'pending' || now < state.expiresAt) return state;
  const next: KioskState = {
    ...state,
    status: 'expired',
    failure: { code: 'expires_in', description: 'The codes expired (expires_in) before anyone approved them.' },
  };
  delete next.deviceCode;
  return next;
}

/** Seconds until the page should load again (and poll): at least 1. */
export function reloadAfterSeconds(state: KioskState, now = Date.now()): number {
  return Math.max(1, Math.ceil((nextPollAt(state) - now) / 1000));
}

/** RFC 8628 §3.5: what one answer of the token endpoint means for the kiosk. */
export function applyPoll(state: KioskState, result: DevicePollResult, now = Date.now()): KioskState {
  const next: KioskState = { ...state, lastPollAt: now, pollCount: state.pollCount + 1 };
  const record = (answer: string, status: number) => {
    next.polls = [...state.polls, { at: now, answer, status, interval: next.interval }].slice(-KEPT_POLLS);
  };
  if (result.outcome === 'tokens') {
    delete next.deviceCode; // used up: the auth server hands tokens out once
    next.status = 'approved';
    next.tokens = {
      access_token: result.tokens.access_token,
      expiresAt: result.tokens.expiresAt,
      scope: result.tokens.scope,
    };
    record('tokens', 200);
    return next;
  }
  const { code, description, status } = result.error;
  switch (code) {
    case 'authorization_pending':
      // The user has not answered yet: ask again after the interval.
      break;
    case 'slow_down':
      // "the interval MUST be increased by 5 seconds for this and all subsequent requests"
      next.interval = state.interval + SLOW_DOWN_STEP_S;
      break;
    case 'access_denied':
      delete next.deviceCode;
      next.status = 'denied';
      break;
    case 'expired_token':
      delete next.deviceCode;
      next.status = 'expired';
      break;
    default: {
      // invalid_grant, invalid_client, … : not an answer to wait on (RFC 6749 §5.2). The kiosk stops.
      delete next.deviceCode;
      next.status = 'failed';
      next.failure = { code };
      if (description) next.failure.description = description;
    }
  }
  record(code, status);
  return next;
}
