/**
 * Durability (docs/security.md §D1, §D2; docs/design.md, Persistence): each service is killed with
 * SIGKILL by its PID (nothing gets to flush or close), started again on the same data directory and
 * environment, and everything users made before the crash is checked.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  ALL_SERVICES,
  isPortInUse,
  isProcessAlive,
  runningPid,
  servicePort,
  startService,
  stopService,
  type ServiceName,
} from '@oauth-demo/testkit';
import { Browser, csrfFrom, json, raw } from '../support/http.js';
import {
  assertOAuthError,
  codeFlowTokens,
  introspect,
  isActive,
  refresh,
  revoke,
  type TokenResponse,
} from '../support/oauth.js';
import { connectPrinter, offeredPhotos, placeOrder } from '../support/printer.js';
import { INTERNAL, ISSUER, PUBLIC, stack, USERS } from '../support/stack.js';

interface PhotoList {
  owner: string;
  photos: { id: string; title: string }[];
}

const kids = async () =>
  json<{ keys: { kid: string }[] }>(await raw(INTERNAL.auth, 'GET', '/.well-known/jwks.json'))
    .keys.map((k) => k.kid)
    .sort();
const photosOf = async (token: string) => {
  const res = await raw(INTERNAL.drive, 'GET', '/api/photos', { authorization: `Bearer ${token}` });
  assert.equal(res.status, 200, res.body.slice(0, 200));
  const list = json<PhotoList>(res);
  return { owner: list.owner, photos: list.photos.map((p) => ({ id: p.id, title: p.title })) };
};
const contentHash = async (token: string, id: string) => {
  const res = await raw(INTERNAL.drive, 'GET', `/api/photos/${id}/content`, { authorization: `Bearer ${token}` });
  assert.equal(res.status, 200);
  return createHash('sha256').update(res.body).digest('hex');
};

describe('docs/security.md §D1, §D2: after a crash (kill -9) and a restart, nothing users made is lost', () => {
  const saved: {
    kids: string[];
    pids: Partial<Record<ServiceName, number>>;
    kept: TokenResponse;
    rotatedRefreshToken: string;
    currentRefreshToken: string;
    revoked: TokenResponse;
    photos: Awaited<ReturnType<typeof photosOf>>;
    firstPhotoHash: string;
    printer: Browser;
    orderUrl: string;
    orderTitles: string[];
  } = { pids: {} } as never;

  before(async () => {
    // Everything a user makes, before the crash.
    saved.kids = await kids();
    const first = await codeFlowTokens({ user: 'alice' });
    const rotated = await refresh(first.refresh_token!);
    assert.equal(rotated.status, 200, rotated.body);
    saved.kept = json<TokenResponse>(rotated);
    saved.rotatedRefreshToken = first.refresh_token!;
    saved.currentRefreshToken = saved.kept.refresh_token!;
    saved.revoked = await codeFlowTokens({ user: 'alice' });
    assert.equal((await revoke(saved.revoked.access_token)).status, 200);
    assert.equal(await isActive(saved.revoked.access_token), false);
    saved.photos = await photosOf(saved.kept.access_token);
    saved.firstPhotoHash = await contentHash(saved.kept.access_token, saved.photos.photos[0]!.id);

    saved.printer = new Browser();
    const photosPage = await connectPrinter(saved.printer, 'bob');
    const offered = offeredPhotos(photosPage.text);
    assert.ok(offered.length >= 2, `the printer offers bob's photos: ${offered.length}`);
    const chosen = offered.slice(0, 2);
    saved.orderUrl = await placeOrder(
      saved.printer,
      photosPage,
      chosen.map((p) => p.id),
      '5x7',
      '3',
    );
    saved.orderTitles = chosen.map((p) => p.title);
    const order = await saved.printer.get(saved.orderUrl);
    assert.equal(order.status, 200);
    for (const title of saved.orderTitles) assert.ok(order.text.includes(title));

    // The crash: every service, SIGKILL, by the PID we started it with. Then all of them again, same env.
    for (const name of ALL_SERVICES) {
      const pid = runningPid(name, stack);
      assert.ok(pid, `${name} is running before the crash`);
      saved.pids[name] = pid;
    }
    for (const name of ALL_SERVICES) {
      await stopService(name, stack, 'SIGKILL');
      assert.equal(isProcessAlive(saved.pids[name]!), false, `${name} (pid ${saved.pids[name]}) is gone`);
      assert.equal(await isPortInUse(servicePort(name, stack)), false, `${name}'s port is closed`);
    }
    for (const name of ALL_SERVICES) await startService(name, stack);
  });

  it('docs/security.md §D1 (kill -9): each service really was killed by its PID and runs again under a new PID', () => {
    for (const name of ALL_SERVICES) {
      const now = runningPid(name, stack);
      assert.ok(now, `${name} runs again`);
      assert.notEqual(now, saved.pids[name], `${name} has a new PID`);
    }
  });

  it('RFC 7517 §4.5 + RFC 9068 §4: the signing key survives: the JWKS kids are unchanged', async () => {
    assert.deepEqual(await kids(), saved.kids);
  });

  it('RFC 9068 §4: an access token issued before the crash still opens Drive', async () => {
    const res = await raw(INTERNAL.drive, 'GET', '/api/photos', { authorization: `Bearer ${saved.kept.access_token}` });
    assert.equal(res.status, 200, res.body.slice(0, 200));
  });

  it('RFC 7662 §2.2: an access token issued before the crash is still active at the auth server', async () => {
    const res = await introspect(saved.kept.access_token);
    assert.equal(res.status, 200);
    assert.equal(json(res).active, true);
  });

  it('RFC 7009 §2: a token revoked before the crash is still revoked (exactly {"active": false})', async () => {
    const res = await introspect(saved.revoked.access_token);
    assert.equal(res.status, 200);
    assert.deepEqual(json(res), { active: false });
  });

  it("docs/security.md §D2: alice's photos are unchanged (same ids, titles and bytes)", async () => {
    const after = await photosOf(saved.kept.access_token);
    assert.deepEqual(after, saved.photos);
    assert.equal(await contentHash(saved.kept.access_token, saved.photos.photos[0]!.id), saved.firstPhotoHash);
  });

  it('docs/security.md §D2: the printer order placed before the crash still shows, with its photos, in the same browser session', async () => {
    const order = await saved.printer.get(saved.orderUrl);
    assert.equal(order.status, 200, order.text.slice(0, 200));
    assert.match(order.text, /Order placed/);
    for (const title of saved.orderTitles) assert.ok(order.text.includes(title), `the order lists ${title}`);
    const image = /src="(\/orders\/[^"]+\/image)"/.exec(order.text)?.[1];
    assert.ok(image, 'the order shows its photos');
    const bytes = await saved.printer.get(`${PUBLIC.printer}${image}`);
    assert.equal(bytes.status, 200);
    assert.match(bytes.headers.get('content-type') ?? '', /^image\//);
    const list = await saved.printer.get(`${PUBLIC.printer}/orders`);
    assert.ok(list.text.includes(new URL(saved.orderUrl).pathname.split('/').pop()!), 'the order is in the list');
  });

  it("docs/security.md §D2: grants are intact: the printer still reaches bob's photos with the tokens it kept, and alice's Connected apps still lists it", async () => {
    const photos = await saved.printer.get(`${PUBLIC.printer}/photos`);
    assert.equal(photos.status, 200, `the printer's connection survived: ${photos.status}`);
    const browser = new Browser();
    const login = await browser.get(`${ISSUER}/login`);
    const signedIn = await browser.post(`${ISSUER}/login`, {
      csrf: csrfFrom(login.text),
      username: 'alice',
      password: USERS.alice,
    });
    assert.equal(signedIn.status, 303);
    const apps = await browser.get(`${ISSUER}/apps`);
    assert.equal(apps.status, 200);
    assert.match(apps.text, /Photo Printer/);
  });

  it('RFC 6749 §6: a refresh token issued before the crash still works', async () => {
    const res = await refresh(saved.currentRefreshToken);
    assert.equal(res.status, 200, res.body);
  });

  it('RFC 9700 §4.14.2: a refresh token rotated before the crash is still dead', async () => {
    assertOAuthError(await refresh(saved.rotatedRefreshToken), 400, 'invalid_grant', 'rotated before the crash');
  });
});
