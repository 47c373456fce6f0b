/**
 * @module express/session
 *
 * What the teaching layer keeps in a browser's server-side session (express-session's SessionData, merged with
 * what the client app keeps there itself).
 */
import type { StepHop } from '../step_through.js';
import type { TraceInfo } from './trace.js';

declare module 'express-session' {
  interface SessionData {
    /** The flows of this session, each a W3C trace (express/trace.ts); the last one is current. */
    traces?: TraceInfo[];
    /** Ids of this session's older flows, dropped from `traces` (the timeline says so instead of "not yours"). */
    forgottenTraces?: string[];
    /** Teaching switches: instructor mode (reveal secrets, larger type) and step-through mode. */
    teaching?: { instructor?: boolean; stepThrough?: boolean };
    /** Step-through mode: the hop the client is paused before (step_through.ts). */
    stepHop?: StepHop;
  }
}
