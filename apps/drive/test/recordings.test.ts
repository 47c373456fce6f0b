/**
 * Behind the scenes: the drive records the API calls of a traced flow (W3C traceparent) for the timeline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatTraceparent, formatTracestate, newTraceId } from '@oauth-demo/teaching';
import { type Authority, type RunningDrive, startTrustingDrive, TEST_TRACE_SECRET } from './helpers.js';

interface Recorded {
  step?: number;
  note?: string;
  label: string;
  request: { headers: Record<string, string> };
  response: { status: number };
}

describe('Drive recordings for the timeline', () => {
  let authority: Authority;
  let drive: RunningDrive;
  before(async () => {
    ({ authority, drive } = await startTrustingDrive());
  });
  after(() => drive.stop());

  const call = (token: string | undefined, traceId: string) =>
    fetch(`${drive.url}/api/photos`, {
      headers: {
        traceparent: formatTraceparent(traceId),
        tracestate: formatTracestate(TEST_TRACE_SECRET, traceId),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
  const recordings = async (traceId: string) =>
    ((await (await fetch(`${drive.url}/_demo/recordings/${traceId}`)).json()) as { exchanges: Recorded[] }).exchanges;

  it('records nothing for a traceparent without the printer’s proof (issue 12 item 5)', async () => {
    const traceId = newTraceId();
    const token = await authority.token({ sub: 'alice' });
    const forged = formatTracestate('another-secret-0123456789-0123456789-abcdefg', traceId);
    const attempts: Record<string, string>[] = [
      { traceparent: formatTraceparent(traceId) },
      { traceparent: formatTraceparent(traceId), tracestate: forged },
    ];
    for (const headers of attempts) {
      assert.equal(
        (await fetch(`${drive.url}/api/photos`, { headers: { ...headers, authorization: `Bearer ${token}` } })).status,
        200,
      );
    }
    assert.deepEqual(await recordings(traceId), []);
  });

  it('records step 7 with the step 8 verdict, the token masked', async () => {
    const traceId = newTraceId();
    const token = await authority.token({ sub: 'alice' });
    assert.equal((await call(token, traceId)).status, 200);
    assert.equal((await call(`${token}x`, traceId)).status, 401);
    assert.equal((await call(token, traceId)).status, 200);
    const [ok, refused, again] = await recordings(traceId);
    assert.equal(ok!.step, 7);
    assert.match(ok!.note!, /^Step 8: token valid: sub=alice/);
    assert.doesNotMatch(ok!.note!, /remembered/, 'the first call verified the signature');
    // The same token again: answered from the verified-token cache, and the timeline says so.
    assert.match(
      again!.note!,
      /^Step 8: token valid: sub=alice.*\(verified on an earlier call; Drive remembers a verified token for at most a minute, never past its exp\)$/,
    );
    assert.match(ok!.request.headers.authorization!, /^Bearer eyJ.{3}…\(\d+ chars, masked\)$/);
    assert.equal(refused!.response.status, 401);
    assert.match(refused!.note!, /^Step 8: token refused \(invalid_token/);
  });

  it('records nothing without a trace, and keeps traces apart', async () => {
    const token = await authority.token({ sub: 'bob' });
    await fetch(`${drive.url}/api/photos`, { headers: { authorization: `Bearer ${token}` } });
    const other = newTraceId();
    assert.deepEqual(await recordings(other), []);
    assert.equal((await fetch(`${drive.url}/_demo/recordings/nope`)).status, 404);
  });
});
