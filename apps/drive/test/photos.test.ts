/**
 * The protected resources: a user's token reads that user's photos only; a client's own token reads none.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Authority, DRIVE_URL, get, type PhotoListing, type RunningDrive, startTrustingDrive } from './helpers.js';

describe('Photos API', () => {
  let authority: Authority;
  let drive: RunningDrive;
  let aliceToken: string;
  let bobToken: string;
  let alice: PhotoListing;
  let bob: PhotoListing;

  before(async () => {
    ({ authority, drive } = await startTrustingDrive());
    aliceToken = await authority.token({ sub: 'alice' });
    bobToken = await authority.token({ sub: 'bob' });
    alice = (await (await get(`${drive.url}/api/photos`, aliceToken)).json()) as PhotoListing;
    bob = (await (await get(`${drive.url}/api/photos`, bobToken)).json()) as PhotoListing;
  });
  after(() => drive.stop());

  it("lists alice's photos to alice's token", async () => {
    const res = await get(`${drive.url}/api/photos`, aliceToken);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(alice.owner, 'alice');
    assert.ok(alice.photos.length >= 8, `alice has ${alice.photos.length} photos`);
  });

  it("lists bob's photos to bob's token, and none of them is alice's", () => {
    assert.equal(bob.owner, 'bob');
    assert.ok(bob.photos.length >= 4, `bob has ${bob.photos.length} photos`);
    const aliceIds = new Set(alice.photos.map((p) => p.id));
    const aliceTitles = new Set(alice.photos.map((p) => p.title));
    for (const photo of bob.photos) {
      assert.ok(!aliceIds.has(photo.id), `bob's ${photo.id} listed for alice`);
      assert.ok(!aliceTitles.has(photo.title), `bob's "${photo.title}" listed for alice`);
    }
  });

  it('describes each photo with links under the public URL', () => {
    for (const photo of [...alice.photos, ...bob.photos]) {
      assert.match(photo.id, /^[0-9a-f-]{36}$/);
      assert.equal(photo.href, `${DRIVE_URL}/api/photos/${photo.id}`);
      assert.equal(photo.content_url, `${DRIVE_URL}/api/photos/${photo.id}/content`);
      assert.equal(photo.content_type, 'image/svg+xml');
      assert.equal(photo.width, 1500);
      assert.equal(photo.height, 1000);
      assert.match(photo.taken_on, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(photo.title.length > 0);
    }
    assert.equal(new Set(alice.photos.map((p) => p.title)).size, alice.photos.length, 'all titles differ');
  });

  it("gives one of alice's photos to alice", async () => {
    const first = alice.photos[0];
    assert.ok(first);
    const res = await get(`${drive.url}/api/photos/${first.id}`, aliceToken);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), first);
  });

  it('serves the image as image/svg+xml, a real SVG', async () => {
    const first = alice.photos[0];
    assert.ok(first);
    const res = await get(`${drive.url}/api/photos/${first.id}/content`, aliceToken);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/svg+xml');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'.*sandbox/);
    const svg = await res.text();
    assert.match(
      svg,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 1500 1000"/,
    );
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    assert.ok(svg.includes(`<title id="title">${first.title}</title>`));
    assert.ok(svg.length > 5000, 'a picture, not a placeholder');
  });

  it("refuses bob's photo to alice with the same 404 as a photo that does not exist", async () => {
    const bobs = bob.photos[0];
    assert.ok(bobs);
    for (const path of [`/api/photos/${bobs.id}`, `/api/photos/${bobs.id}/content`]) {
      const res = await get(`${drive.url}${path}`, aliceToken);
      assert.equal(res.status, 404, path);
      assert.deepEqual(await res.json(), { error: 'not_found' });
      assert.equal(res.headers.get('www-authenticate'), null);
    }
    const missing = await get(`${drive.url}/api/photos/00000000-0000-4000-8000-000000000000`, aliceToken);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'not_found' });
    // Bob himself can read it.
    assert.equal((await get(`${drive.url}/api/photos/${bobs.id}/content`, bobToken)).status, 200);
  });

  it('odd ids are a 404 too, not an error', async () => {
    for (const id of ['..%2F..%2Fdrive.db', '%2e%2e', "1' OR '1'='1", 'x'.repeat(2000)]) {
      const res = await get(`${drive.url}/api/photos/${id}/content`, aliceToken);
      assert.equal(res.status, 404, id.slice(0, 30));
    }
  });

  it('a user Drive has not met (a learner who joined the class) gets photos of their own (new_owner.test.ts)', async () => {
    const res = await get(`${drive.url}/api/photos`, await authority.token({ sub: 'carol' }));
    assert.equal(res.status, 200);
    const listing = (await res.json()) as PhotoListing;
    assert.equal(listing.owner, 'carol');
    assert.ok(listing.photos.length >= 6);
  });

  it("a client-credentials token (sub = client_id, no user) reads no one's photos", async () => {
    const own = await authority.token({ sub: 'photo-printer', clientId: 'photo-printer' });
    const list = await get(`${drive.url}/api/photos`, own);
    assert.equal(list.status, 200);
    assert.deepEqual(await list.json(), { owner: null, photos: [] });
    const first = alice.photos[0];
    assert.ok(first);
    assert.equal((await get(`${drive.url}/api/photos/${first.id}`, own)).status, 404);
    assert.equal((await get(`${drive.url}/api/photos/${first.id}/content`, own)).status, 404);
  });

  it('even a client whose id happens to be "alice" gets none of alice\'s photos with a token for itself', async () => {
    const own = await authority.token({ sub: 'alice', clientId: 'alice' });
    assert.deepEqual(await (await get(`${drive.url}/api/photos`, own)).json(), { owner: null, photos: [] });
  });

  it('the same user through another client sees the same photos (the owner is sub, not the client)', async () => {
    const viaOtherClient = await authority.token({ sub: 'alice', clientId: 'quick-print-spa' });
    const listing = (await (await get(`${drive.url}/api/photos`, viaOtherClient)).json()) as PhotoListing;
    assert.deepEqual(
      listing.photos.map((p) => p.id),
      alice.photos.map((p) => p.id),
    );
  });

  it('unknown API paths are a JSON 404', async () => {
    const res = await get(`${drive.url}/api/albums`, aliceToken);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'not_found' });
  });
});
