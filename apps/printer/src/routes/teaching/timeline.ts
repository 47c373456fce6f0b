/**
 * @module routes/teaching/timeline
 *
 * `GET /timeline`: the current flow (or `?trace=` another flow of this session) as a sequence diagram, merged
 * from Photo Printer's own recordings and the auth server's and Drive's (@oauth-demo/teaching, timeline.ts).
 */
import { Router } from 'express';
import {
  FLOW_GRANT,
  GRANT_STEPS,
  lanesFor,
  MAX_PINNED_PER_SESSION,
  MAX_TRACES_PER_SESSION,
  type MergedExchange,
  type SourceStatus,
  type TraceInfo,
  authorizationRequestKey,
  buildRows,
  fetchRecordings,
  findTrace,
  flowOutcome,
  flowsForList,
  pinTrace,
  isForgottenTrace,
  foldRepeats,
  breakableHtml,
  genericPath,
  readableUrl,
  laneIndex,
  laneName,
  maskExchange,
  mergeExchanges,
  showSpentCodeVerifier,
  rowsForGrant,
  sentAuthorizationRequests,
  stepBar,
  stepsOf,
} from '@oauth-demo/teaching';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import type { AppContext } from '../../context.js';
import { revealsSecrets } from './locals.js';

const KIND_NAMES: Record<TraceInfo['kind'], string> = {
  authorization_code: GRANT_STEPS.authorization_code.name,
  client_credentials: GRANT_STEPS.client_credentials.name,
  device_code: GRANT_STEPS.device_code.name,
  refresh_token: `${GRANT_STEPS.refresh_token.name} (a re-order, an order or a photos visit that refreshed)`,
  reorder: 'Re-order with a still valid access token (no grant, steps 7-8 only)',
  photos: 'Your photos with the token Photo Printer holds (no grant, steps 7-8 only)',
  order: 'An order: Photo Printer fetches the chosen photos with the token it holds (no grant, steps 7-8 only)',
  claims_editor: 'Claims editor: a re-encoded token sent to Drive (steps 7-8 only, refused)',
};

/** Photo Printer's own records: masked unless instructor mode. A peer's: as the peer sent them (it masks). */
function showExchange(e: MergedExchange, instructor: boolean): MergedExchange {
  // A spent code_verifier is shown to its learner (recorder.ts showSpentCodeVerifier): an exercise asks for it.
  const own = e.recordedBy === 'printer' && !instructor ? showSpentCodeVerifier(e, maskExchange(e)) : e;
  if (!e.clientCopy) return own;
  return {
    ...own,
    clientCopy: instructor ? e.clientCopy : showSpentCodeVerifier(e.clientCopy, maskExchange(e.clientCopy)),
  };
}

export function timelineRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/timeline', async (req, res) => {
    const traces = req.session.traces ?? [];
    const trace = findTrace(req, req.query.trace);
    const instructor = revealsSecrets(req);
    let exchanges: MergedExchange[] = [];
    let sources: SourceStatus[] = [];
    if (trace) {
      // The flow's authorization requests, by the key the auth server files a refused one under (RFC 6749 §4.1.2.1:
      // its error page or error redirect), so its answer to a request-builder mistake shows in this flow.
      const refusedKeys = sentAuthorizationRequests(ctx.recorder.list(trace.id)).map((r) =>
        authorizationRequestKey(ctx.config.traceSecret, r.clientId, r.state),
      );
      const reveal = instructor
        ? { clientId: ctx.config.client.clientId, clientSecret: ctx.config.client.clientSecret }
        : undefined;
      const [auth, drive] = await Promise.all([
        fetchRecordings(
          ctx.backChannel.http,
          { party: 'auth', urls: ctx.config.auth },
          trace.id,
          reveal,
          refusedKeys,
        ).then(async (r) =>
          // The auth server may refuse the reveal (another client id): fall back to its masked records.
          r.status.state === 'refused' && reveal
            ? fetchRecordings(ctx.backChannel.http, { party: 'auth', urls: ctx.config.auth }, trace.id)
            : r,
        ),
        fetchRecordings(ctx.backChannel.http, { party: 'drive', urls: ctx.config.drive }, trace.id),
      ]);
      sources = [auth.status, drive.status];
      exchanges = foldRepeats(
        mergeExchanges(ctx.recorder.list(trace.id), [...auth.exchanges, ...drive.exchanges]).map((e) =>
          showExchange(e, instructor),
        ),
      );
    }
    // The flow's own grant numbers its arrows and heads the page (steps.ts): a kiosk flow shows the device flow's steps.
    const grant = trace ? FLOW_GRANT[trace.kind] : undefined;
    const fitted = grant ? rowsForGrant(buildRows(exchanges), grant) : { rows: buildRows(exchanges), steps: [] };
    const rows = fitted.rows;
    // Only this session's own flows: another trace id is not a key to someone else's exchanges.
    const unknownTrace = !trace && typeof req.query.trace === 'string' && req.query.trace !== '';
    // An older flow of this session, forgotten (a session keeps its last flows), is said to be so: not "not yours".
    const forgottenTrace = unknownTrace && isForgottenTrace(req, req.query.trace);
    res.status(unknownTrace ? 404 : 200).render('timeline', {
      unknownTrace,
      title: 'Behind the scenes: the timeline',
      ...(grant ? { stepBar: stepBar(grant, fitted.steps) } : {}),
      trace,
      traces: flowsForList(traces).map((t) => ({
        ...t,
        outcome: flowOutcome(ctx.recorder.list(t.id), ctx.config.client),
      })),
      maxPinned: MAX_PINNED_PER_SESSION,
      pinnedCount: traces.filter((t) => t.pinned === true).length,
      pinOutcome: req.query.pin === 'full' ? 'full' : undefined,
      forgottenCount: req.session.forgottenTraces?.length ?? 0,
      maxTraces: MAX_TRACES_PER_SESSION,
      forgottenTrace,
      rows,
      exchanges,
      sources,
      lanes: lanesFor(rows),
      laneIndex,
      laneName,
      stepsOf,
      genericPath,
      breakableHtml,
      readableUrl,
      recording: ctx.recorder.enabled,
      instructor,
      kindNames: KIND_NAMES,
      csrf: csrfToken(req),
    });
  });

  // Pin a flow of this session so the cap never forgets it (bounded: MAX_PINNED_PER_SESSION; pinned_flows.ts), nor
  // Photo Printer's recorder (recorder.ts: bounded too, and never past its byte budget).
  router.post('/timeline/pin', verifyCsrf, (req, res) => {
    const body = req.body as Record<string, unknown>;
    const result = pinTrace(req, body.trace, body.pin !== 'off');
    if (result === 'unknown') return res.redirect(303, '/timeline');
    const trace = String(body.trace);
    // Photo Printer's own recording of the flow is kept too (past the recorder's trace count and age limits).
    if (result === 'pinned') ctx.recorder.pin(trace);
    if (result === 'unpinned') ctx.recorder.unpin(trace);
    res.redirect(303, `/timeline?trace=${trace}${result === 'full' ? '&pin=full' : ''}`);
  });

  return router;
}
