/**
 * The attack lab's copy of the photo list (src/lab.ts): every check of step 8 but the audience. With the REAL auth
 * server: a valid token opens it, no token, a forged one or the wrong scope do not. (That a token for another API
 * opens it, and not /api, is shown end to end by e2e/tests/attack-lab.spec.ts, scenario 5.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NO_AUD_PHOTOS_PATH } from '../src/lab.js';
import { clientCredentialsToken, codeFlowAccessToken, type RunningAuthServer, startAuthServer } from './auth_server.js';
import { get, type RunningDrive, startDrive } from './helpers.js';

describe('Drive’s lab copy without the aud check', () => {
  let auth: RunningAuthServer;
  let drive: RunningDrive;
  before(async () => {
    auth = await startAuthServer();
    drive = await startDrive({ env: { AUTH_INTERNAL_URL: auth.url } });
  });
  after(async () => {
    await drive.stop();
    await auth.destroy();
  });

  it('serves the owner’s photos to a valid token', async () => {
    const res = await get(`${drive.url}${NO_AUD_PHOTOS_PATH}`, await codeFlowAccessToken(auth));
    assert.equal(res.status, 200);
    const body = (await res.json()) as { owner: string; photos: unknown[] };
    assert.equal(body.owner, 'alice');
    assert.equal(body.photos.length, 8);
  });

  it('still refuses no token (401), a forged token (401 invalid_token) and a token without photos.read (403)', async () => {
    assert.equal((await get(`${drive.url}${NO_AUD_PHOTOS_PATH}`)).status, 401);
    const token = await codeFlowAccessToken(auth);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    const res = await get(`${drive.url}${NO_AUD_PHOTOS_PATH}`, forged);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_token');
    assert.equal((await get(`${drive.url}${NO_AUD_PHOTOS_PATH}`, await clientCredentialsToken(auth))).status, 403);
  });
});
