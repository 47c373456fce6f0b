/**
 * Issue 13: a flow ends when its last step is done (or fails); later requests of the same browser session start
 * no flow or their own, and are never filed under a finished one (express/trace.ts, axios/record_calls.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import axios, { type AxiosAdapter } from 'axios';
import type { Request, Response } from 'express';
import { recordBackChannel } from './axios/record_calls.js';
import {
  activeTrace,
  currentTrace,
  currentTraceId,
  endFlowOfCall,
  endTrace,
  endTraceOnFailure,
  runInTrace,
  startTrace,
  traceContext,
  traceEndedDuring,
} from './express/trace.js';
import { Recorder } from './recorder.js';

/** One browser session; each call of `request` is a new request of it. */
function browser() {
  const session = {} as Request['session'];
  return () => ({ session, headers: {} }) as unknown as Request;
}

/** Serve `req`: run `fn` inside the trace context, as the printer's middleware does. */
function serve<T>(req: Request, fn: () => Promise<T> | T): Promise<T> {
  return new Promise((resolve, reject) => {
    traceContext()(req, {} as Response, () => {
      Promise.resolve().then(fn).then(resolve, reject);
    });
  });
}

const peers = {
  auth: { publicUrl: 'http://auth.test', internalUrl: 'http://auth.internal', port: 9000 },
  drive: { publicUrl: 'http://drive.test', internalUrl: 'http://drive.internal', port: 9100 },
};

/** A back channel whose peers answer what `answer` says, instrumented like the printer's (flowEnded wired). */
function backChannel(answer: (url: string) => { status: number; data: unknown }) {
  const adapter: AxiosAdapter = async (config) => {
    const { status, data } = answer(config.url ?? '');
    return { status, statusText: '', headers: {}, config, data };
  };
  const http = axios.create({ adapter, validateStatus: () => true });
  const sent: (string | undefined)[] = [];
  http.interceptors.request.use((config) => {
    sent.push(config.headers.get('traceparent') as string | undefined);
    return config;
  });
  recordBackChannel(http, {
    traceId: currentTraceId,
    recorder: new Recorder({ enabled: true }),
    ...peers,
    userAgent: 'photo-printer/1.0',
    traceSecret: 'x'.repeat(43),
    describeFailure: () => 'failed',
    flowEnded: endFlowOfCall,
  });
  return { http, sent };
}

describe('a flow ends with its last step', () => {
  it('ended: no longer the current flow of later requests, but still of the request during which it ended', () => {
    const request = browser();
    const first = request();
    const trace = startTrace(first, 'authorization_code', 'Import photos from Drive');
    assert.equal(activeTrace(request())?.id, trace.id, 'a running flow is active');
    const last = request();
    endTrace(last);
    assert.equal(activeTrace(last)?.id, trace.id, 'the request that ended it keeps it');
    assert.equal(traceEndedDuring(last), trace.id);
    const later = request();
    assert.equal(activeTrace(later), undefined, 'a later request is in no flow');
    assert.equal(currentTrace(later)?.id, trace.id, 'it is still the newest flow (the timeline shows it)');
    assert.equal(traceEndedDuring(later), undefined);
    const next = startTrace(later, 'refresh_token', 'Re-order 1');
    assert.equal(activeTrace(request())?.id, next.id, 'a new flow is active again');
  });

  it('Drive’s answer ends the flow; calls later in the same request stay in it, later requests carry no trace', async () => {
    const request = browser();
    const { http, sent } = backChannel(() => ({ status: 200, data: { photos: [] } }));
    const trace = startTrace(request(), 'authorization_code', 'Import photos from Drive');
    const page = request();
    await serve(page, async () => {
      await http.get('http://drive.internal/api/photos');
      await http.get('http://drive.internal/api/photos/p1'); // same request: still the flow's
    });
    assert.ok(trace.endedAt !== undefined, 'ended by Drive’s answer');
    await serve(request(), () => http.get('http://drive.internal/api/photos')); // a later page load
    assert.equal(sent.length, 3);
    assert.match(sent[0] ?? '', new RegExp(trace.id));
    assert.match(sent[1] ?? '', new RegExp(trace.id));
    assert.equal(sent[2], undefined, 'the later load joins no flow');
  });

  it('a token request refused ends the flow; a polling device’s “not yet” does not', async () => {
    const request = browser();
    let error = 'authorization_pending';
    const { http } = backChannel(() => ({ status: 400, data: { error } }));
    const kiosk = startTrace(request(), 'device_code', 'The shop’s kiosk');
    const poll = () =>
      serve(request(), () =>
        http.post(
          'http://auth.internal/token',
          'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=x',
        ),
      );
    await poll();
    assert.equal(kiosk.endedAt, undefined, 'authorization_pending: the flow goes on (RFC 8628 §3.5)');
    error = 'slow_down';
    await poll();
    assert.equal(kiosk.endedAt, undefined);
    error = 'access_denied';
    await poll();
    assert.ok(kiosk.endedAt !== undefined, 'a refusal ends it');
  });

  it('runInTrace joins a running flow, not an ended one, unless asked to (the thumbnails of the page that ended it)', async () => {
    const request = browser();
    const { http, sent } = backChannel(() => ({ status: 200, data: {} }));
    const kiosk = startTrace(request(), 'device_code', 'The shop’s kiosk');
    startTrace(request(), 'client_credentials', 'The print lab'); // another flow is newer
    await serve(request(), () => runInTrace(kiosk.id, () => http.get('http://drive.internal/api/photos')));
    assert.match(sent[0] ?? '', new RegExp(kiosk.id), 'the kiosk’s own flow, though another is current');
    assert.ok(kiosk.endedAt !== undefined, 'Drive’s answer ended the kiosk’s flow');
    await serve(request(), () => runInTrace(kiosk.id, () => http.get('http://drive.internal/api/photos')));
    assert.equal(sent[1], undefined, 'a later kiosk page joins no flow');
    await serve(request(), () =>
      runInTrace(kiosk.id, () => http.get('http://drive.internal/api/photos/p1/content'), { evenIfEnded: true }),
    );
    assert.match(sent[2] ?? '', new RegExp(kiosk.id));
  });

  it('an error page of one of the flow’s exchanges ends it; an error page of another request does not', () => {
    const request = browser();
    const trace = startTrace(request(), 'authorization_code', 'Import photos from Drive');
    endTraceOnFailure(request(), { locals: {} } as Response);
    assert.equal(trace.endedAt, undefined, 'a request outside the flow (no recording key)');
    endTraceOnFailure(request(), { locals: { recording: { key: trace.id } } } as unknown as Response);
    assert.ok(trace.endedAt !== undefined);
  });
});
