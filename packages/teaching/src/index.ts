/**
 * @module @oauth-demo/teaching
 *
 * The teaching layer around the three services: what makes the invisible visible. Framework-free where it can be
 * (recording and masking exchanges, merging and folding them into a timeline, trace ids, the story's step texts,
 * the grants table, the glossary, the token inspector, the step-through interstitials, the environment doctor's
 * diagnosis), with thin adapters for express (`express/`) and axios (`axios/`).
 */
export * from './recorder.js';
export * from './steps.js';
export * from './grants.js';
export * from './glossary.js';
export * from './glossary_marks.js';
export * from './timeline.js';
export * from './inspector.js';
export * from './claims_editor.js';
export * from './step_through.js';
export * from './doctor.js';
export * from './docs.js';
export * from './exercises.js';
export * from './outgoing.js';
export * from './axios/record_calls.js';
export * from './express/record_http.js';
export * from './express/trace.js';
export * from './express/views.js';
import './express/session.js';
export * from './lesson.js';
export * from './pinned_flows.js';
