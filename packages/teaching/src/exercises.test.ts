/**
 * The six checks, each passing and failing, on recorded exchanges shaped exactly as Photo Printer's recorder files
 * its back-channel calls (axios/record_calls.ts): recordedBy 'printer', channel 'back', the form body sent, the
 * JSON answer received.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calculateCodeChallenge } from '@oauth-demo/tokens';
import {
  EXERCISES,
  type ExerciseEvidence,
  type ExerciseId,
  type LearnerState,
  checkExercise,
  findExercise,
  subjectOf,
} from './exercises.js';
import { type Exchange, newSpanId, newTraceId } from './recorder.js';

const AUTH = 'http://127.0.0.1:9000';
const DRIVE = 'http://127.0.0.1:9001';
const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const traceId = newTraceId();

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT as the auth server makes them (the signature is not checked by the exercises: they read claims only). */
function jwt(claims: Record<string, unknown>, signature = 'c2lnbmF0dXJl'): string {
  return `${b64({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })}.${b64(claims)}.${signature}`;
}

function call(
  to: 'auth' | 'drive',
  at: number,
  request: Exchange['request'],
  response: Exchange['response'],
): Exchange {
  return {
    id: newSpanId(),
    traceId,
    recordedBy: 'printer',
    from: 'printer',
    to,
    channel: 'back',
    label: 'x',
    at,
    durationMs: 5,
    request,
    response,
  };
}

function tokenCall(
  at: number,
  form: Record<string, string>,
  status: number,
  answer: Record<string, unknown>,
): Exchange {
  return call(
    'auth',
    at,
    { method: 'POST', url: `${AUTH}/token`, headers: {}, body: new URLSearchParams(form).toString() },
    { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(answer) },
  );
}

function driveCall(at: number, token: string, status: number, challenge?: string): Exchange {
  return call(
    'drive',
    at,
    { method: 'GET', url: `${DRIVE}/api/photos`, headers: { authorization: `Bearer ${token}` } },
    { status, headers: challenge ? { 'www-authenticate': challenge } : {}, body: '{}' },
  );
}

const access = (iatSeconds: number, sub = 'ada') =>
  jwt({ sub, client_id: 'photo-printer', scope: 'photos.read', iat: iatSeconds, exp: iatSeconds + 600 });
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

function codeFlow(at: number, scope: string, token = access(Math.floor(at / 1000))): Exchange {
  return tokenCall(at, { grant_type: 'authorization_code', code: 'c0de', code_verifier: VERIFIER }, 200, {
    access_token: token,
    token_type: 'Bearer',
    expires_in: 600,
    scope,
    ...(scope.includes('offline_access') ? { refresh_token: 'refresh-1' } : {}),
  });
}

function evidence(exchanges: Exchange[], extra: Partial<ExerciseEvidence> = {}): ExerciseEvidence {
  return { sub: 'ada', exchanges, heldAccessTokens: [], authState: null, ...extra };
}

function run(id: ExerciseId, e: ExerciseEvidence) {
  return checkExercise(findExercise(id)!, e);
}

function assertFails(result: ReturnType<typeof run>, hint: RegExp): void {
  assert.equal(result.passed, false);
  if (!result.passed) assert.match(result.hint, hint);
}

function assertPasses(result: ReturnType<typeof run>, explanation: RegExp): void {
  assert.equal(result.passed, true, result.passed ? '' : result.hint);
  if (result.passed) assert.match(result.explanation, explanation);
}

describe('exercises', () => {
  it('are six, with distinct ids, each with a goal, a start page and its RFC sections', () => {
    assert.equal(EXERCISES.length, 6);
    assert.equal(new Set(EXERCISES.map((e) => e.id)).size, 6);
    for (const e of EXERCISES) {
      assert.ok(e.goal.length > 20 && e.startAt.href.startsWith('/'), e.id);
      assert.match(e.rfc, /RFC \d+/);
    }
    assert.equal(findExercise('nope'), undefined);
  });

  it('every check fails with a hint when nothing was recorded', () => {
    for (const e of EXERCISES) {
      const result = checkExercise(e, evidence([]));
      assert.equal(result.passed, false, e.id);
      if (!result.passed) assert.ok(result.hint.length > 20, e.id);
    }
  });
});

describe('scope-photos-read (RFC 6749 §3.3)', () => {
  it('passes on a flow that granted photos.read alone', () => {
    assertPasses(run('scope-photos-read', evidence([codeFlow(T0, 'photos.read')])), /§3\.3/);
  });
  it('fails on a flow that granted offline_access too, and says what was granted', () => {
    assertFails(
      run('scope-photos-read', evidence([codeFlow(T0, 'photos.read offline_access')])),
      /granted "photos\.read offline_access".*untick/,
    );
  });
  it('does not count a refused token request', () => {
    const refused = tokenCall(T0, { grant_type: 'authorization_code' }, 400, { error: 'invalid_grant' });
    assertFails(run('scope-photos-read', evidence([refused])), /no recorded flow/);
  });
});

describe('pkce-challenge (RFC 7636 §4.2)', () => {
  const challenge = calculateCodeChallenge(VERIFIER);
  it("passes with the S256 challenge of the last flow's code_verifier", () => {
    assert.equal(challenge, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'); // RFC 7636 Appendix B
    assertPasses(run('pkce-challenge', evidence([codeFlow(T0, 'photos.read')], { answer: ` ${challenge} ` })), /§4\.2/);
  });
  it('fails on the verifier itself, on standard base64, on another value and on an empty answer', () => {
    const flows = [codeFlow(T0, 'photos.read')];
    assertFails(run('pkce-challenge', evidence(flows, { answer: VERIFIER })), /code_verifier itself/);
    const std = Buffer.from(challenge, 'base64url').toString('base64');
    assertFails(run('pkce-challenge', evidence(flows, { answer: std })), /base64url/);
    assertFails(run('pkce-challenge', evidence(flows, { answer: 'abc' })), /not the challenge/);
    assertFails(run('pkce-challenge', evidence(flows, { answer: '' })), /Paste a code_challenge/);
  });
  it("takes the LAST flow: an older flow's challenge fails", () => {
    const newer = tokenCall(T0 + 60_000, { grant_type: 'authorization_code', code_verifier: 'x'.repeat(43) }, 200, {
      access_token: access(1),
    });
    assertFails(run('pkce-challenge', evidence([codeFlow(T0, 'photos.read'), newer], { answer: challenge })), /not/);
  });
});

describe('tamper-drive (RFC 6750 §3.1)', () => {
  const token = access(Math.floor(T0 / 1000));
  const [h, , s] = token.split('.');
  const tampered = `${h}.${b64({ sub: 'alice', scope: 'photos.read' })}.${s}`;
  const invalid = 'Bearer realm="drive", error="invalid_token", error_description="signature"';
  it('passes when Drive answered 401 invalid_token to a token the auth server never issued', () => {
    const flows = [codeFlow(T0, 'photos.read', token), driveCall(T0 + 1000, tampered, 401, invalid)];
    assertPasses(run('tamper-drive', evidence(flows)), /RFC 7515/);
  });
  it('fails when the refused token is one the auth server issued (expired, revoked), or Drive accepted it', () => {
    assertFails(
      run('tamper-drive', evidence([driveCall(T0, token, 401, invalid)], { heldAccessTokens: [token] })),
      /auth server issued/,
    );
    assertFails(
      run('tamper-drive', evidence([codeFlow(T0, 'photos.read', token), driveCall(T0, token, 401, invalid)])),
      /auth server issued/,
    );
    assertFails(run('tamper-drive', evidence([driveCall(T0, tampered, 200)])), /No call of yours/);
  });
});

describe('refresh-rotation (RFC 9700 §4.14.2)', () => {
  const refresh = tokenCall(T0, { grant_type: 'refresh_token', refresh_token: 'old-rt' }, 200, {
    access_token: access(1),
    refresh_token: 'new-rt',
  });
  const introspect = (active: boolean) =>
    call(
      'auth',
      T0 + 100,
      { method: 'POST', url: `${AUTH}/introspect`, headers: {}, body: 'token=old-rt&token_type_hint=refresh_token' },
      { status: 200, headers: {}, body: JSON.stringify({ active }) },
    );
  it('passes on a rotation and the old refresh token introspected inactive', () => {
    assertPasses(run('refresh-rotation', evidence([refresh, introspect(false)])), /rotation/);
  });
  it('passes on a rotation and the old refresh token refused with invalid_grant', () => {
    const replay = tokenCall(T0 + 200, { grant_type: 'refresh_token', refresh_token: 'old-rt' }, 400, {
      error: 'invalid_grant',
    });
    assertPasses(run('refresh-rotation', evidence([refresh, replay])), /invalid_grant/);
  });
  it('fails without a refresh, without proof the old one is dead, or when the token was not rotated', () => {
    assertFails(run('refresh-rotation', evidence([introspect(false)])), /No refresh yet/);
    assertFails(run('refresh-rotation', evidence([refresh, introspect(true)])), /nothing recorded shows/);
    const same = tokenCall(T0, { grant_type: 'refresh_token', refresh_token: 'old-rt' }, 200, {
      access_token: access(1),
      refresh_token: 'old-rt',
    });
    assertFails(run('refresh-rotation', evidence([same, introspect(false)])), /nothing recorded shows/);
  });
});

describe('device-second-browser (RFC 8628)', () => {
  const grant = 'urn:ietf:params:oauth:grant-type:device_code';
  const pending = tokenCall(T0, { grant_type: grant, device_code: 'dc' }, 400, { error: 'authorization_pending' });
  const kioskToken = jwt({ sub: 'ada', client_id: 'photo-kiosk', scope: 'photos.read', iat: 1, exp: 601 });
  const done = tokenCall(T0 + 5000, { grant_type: grant, device_code: 'dc' }, 200, { access_token: kioskToken });
  const approval = (same: boolean | null) => ({
    client_id: 'photo-kiosk',
    status: 'used' as const,
    same_browser_as_code_flow: same,
  });
  const state: LearnerState = { sub: 'ada', grants: [], devices: [approval(false)] };
  it('passes when the kiosk got a token for this learner and the auth server has the approval from another browser', () => {
    const result = run('device-second-browser', evidence([pending, done], { authState: state }));
    assertPasses(result, /RFC 8628|§3\.4/);
    assertPasses(result, /confirms you approved from another browser/);
  });
  it('passes, saying so, when the auth server could not compare the browsers', () => {
    const unknown = { ...state, devices: [approval(null)] };
    assertPasses(run('device-second-browser', evidence([done], { authState: unknown })), /could not compare/);
    assertPasses(run('device-second-browser', evidence([done], { authState: null })), /could not be asked/);
  });
  it('fails with the why when every approval came from the browser used for Photo Printer (§3.3, §5.4)', () => {
    const same = { ...state, devices: [approval(true)] };
    assertFails(run('device-second-browser', evidence([done], { authState: same })), /same browser.*§5\.4 .*phishing/s);
    // One approval from a second browser is enough, whichever came last.
    const both = { ...state, devices: [approval(false), approval(true)] };
    assertPasses(run('device-second-browser', evidence([done], { authState: both })), /another browser/);
    // Another device client's approval does not count for the kiosk.
    const elsewhere = { ...state, devices: [approval(true), { ...approval(false), client_id: 'other-tv' }] };
    assertFails(run('device-second-browser', evidence([done], { authState: elsewhere })), /same browser/);
  });
  it('fails while pending, for a token of someone else, and without the approval on record', () => {
    assertFails(run('device-second-browser', evidence([pending], { authState: state })), /authorization_pending/);
    const bobs = tokenCall(T0, { grant_type: grant, device_code: 'dc' }, 200, { access_token: access(1, 'bob') });
    assertFails(run('device-second-browser', evidence([bobs], { authState: state })), /did not get a token for you/);
    assertFails(
      run('device-second-browser', evidence([done], { authState: { ...state, devices: [] } })),
      /no device approval/,
    );
  });
});

describe('revoke-still-works (RFC 7009, RFC 9068)', () => {
  const issuedAt = Math.floor(T0 / 1000);
  const token = access(issuedAt);
  const revokedAt = issuedAt + 60;
  const state = (revoked: number | null): LearnerState => ({
    sub: 'ada',
    grants: [{ client_id: 'photo-printer', scope: 'photos.read', created_at: issuedAt - 1, revoked_at: revoked }],
    devices: [],
  });
  it('passes on a Drive 200 after the revocation, with a token issued before it', () => {
    const after = driveCall(revokedAt * 1000 + 5000, token, 200);
    assertPasses(run('revoke-still-works', evidence([after], { authState: state(revokedAt) })), /expires/);
  });
  it('fails before any revocation, with only calls before it, or with a token issued after it', () => {
    const before = driveCall(T0 + 1000, token, 200);
    assertFails(run('revoke-still-works', evidence([before], { authState: state(null) })), /Connected apps/);
    assertFails(run('revoke-still-works', evidence([before], { authState: state(revokedAt) })), /has not called Drive/);
    const newToken = driveCall(revokedAt * 1000 + 9000, access(revokedAt + 5), 200);
    assertFails(run('revoke-still-works', evidence([newToken], { authState: state(revokedAt) })), /has not called/);
    assertFails(run('revoke-still-works', evidence([before])), /could not ask/);
  });
});

describe('subjectOf', () => {
  it('reads sub from a JWT, and nothing from anything else', () => {
    assert.equal(subjectOf(access(1, 'ada')), 'ada');
    assert.equal(subjectOf('opaque'), undefined);
    assert.equal(subjectOf(undefined), undefined);
  });
});
