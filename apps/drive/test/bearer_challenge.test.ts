/**
 * RFC 6750 §2 and §3: how the token must be sent, and the challenge when it is missing or malformed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Authority, DRIVE_URL, get, rawRequestStatus, type RunningDrive, startTrustingDrive } from './helpers.js';

const BARE_CHALLENGE = `Bearer realm="drive", resource_metadata="${DRIVE_URL}/.well-known/oauth-protected-resource"`;

describe('Bearer token usage (RFC 6750)', () => {
  let authority: Authority;
  let drive: RunningDrive;

  before(async () => {
    ({ authority, drive } = await startTrustingDrive());
  });
  after(() => drive.stop());

  it('without a token: 401 and a bare challenge, with no error code (§3.1)', async () => {
    const res = await get(`${drive.url}/api/photos`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), BARE_CHALLENGE);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.error, undefined, 'no error code when no credentials were sent');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  it('every API route asks for a token the same way', async () => {
    for (const path of ['/api/photos', '/api/photos/anything', '/api/photos/anything/content']) {
      const res = await get(`${drive.url}${path}`);
      assert.equal(res.status, 401, path);
      assert.equal(res.headers.get('www-authenticate'), BARE_CHALLENGE, path);
    }
  });

  it('a valid token in the query string is not accepted: the request has no token (§2.3 not supported)', async () => {
    const token = await authority.token();
    const res = await get(`${drive.url}/api/photos?access_token=${token}`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), BARE_CHALLENGE);
  });

  it('a header with another scheme (Basic) is no bearer token: bare 401', async () => {
    const res = await get(`${drive.url}/api/photos`, undefined, { authorization: 'Basic YWxpY2U6YWxpY2U=' });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), BARE_CHALLENGE);
  });

  it('the scheme name is case-insensitive (RFC 9110 §11.1)', async () => {
    const token = await authority.token();
    const res = await get(`${drive.url}/api/photos`, undefined, { authorization: `bearer ${token}` });
    assert.equal(res.status, 200);
  });

  for (const header of [
    'Bearer',
    'Bearer ',
    'Bearer a b',
    'Bearer a,b',
    'Bearer "quoted"',
    'Bearer ***',
    'Bearer abc==def',
    'Bearer é',
  ]) {
    it(`a malformed Authorization header is 400 invalid_request, never a 500: ${JSON.stringify(header)}`, async () => {
      const res = await get(`${drive.url}/api/photos`, undefined, { authorization: header });
      assert.equal(res.status, 400);
      const challenge = res.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Bearer realm="drive", error="invalid_request"/);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
    });
  }

  it('a huge token is just an invalid token (or a 431 from node), never a 500', async () => {
    const res = await get(`${drive.url}/api/photos`, 'x'.repeat(9000));
    assert.ok(res.status === 401 || res.status === 431, `status ${res.status}`);
  });

  it('bytes fetch() would never send still get a 4xx, never a 5xx', async () => {
    const host = new URL(drive.url).host;
    const heads = [
      `GET /api/photos HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer \xff\xfe\xfd\r\nConnection: close\r\n\r\n`,
      `GET /api/photos HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer abc\x01def\r\nConnection: close\r\n\r\n`,
      `GET /api/photos HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer a.b.c\r\nAuthorization: Bearer d.e.f\r\nConnection: close\r\n\r\n`,
      `GET /api/photos/%E0%A4%A HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      `GET /api/photos/%00/content HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer \r\nConnection: close\r\n\r\n`,
    ];
    for (const head of heads) {
      const status = await rawRequestStatus(drive.url, head);
      assert.ok(status >= 400 && status < 500, `${JSON.stringify(head.slice(0, 60))} → ${status}`);
    }
  });

  it('a path with broken percent-encoding is a plain 400 invalid_request (not a token problem: no challenge)', async () => {
    const res = await get(`${drive.url}/api/photos/%E0%A4%A`);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('www-authenticate'), null);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
  });
});
