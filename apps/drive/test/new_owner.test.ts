/**
 * Issue 12 item 2: a learner who joined the class on the auth server is a resource owner Drive has never met;
 * on first sight Drive gives them photos of their own (at least 6, painted like alice's), once.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NEW_OWNER_PHOTOS, SEED_PHOTOS } from '../src/photos/seed.js';
import { type Authority, get, makeAuthority, type PhotoListing, type RunningDrive, startDrive } from './helpers.js';

let authority: Authority;
let drive: RunningDrive;
before(async () => {
  authority = await makeAuthority();
  drive = await startDrive({ deps: { keys: authority.keys } });
});
after(() => drive.stop());

async function photosOf(sub: string): Promise<PhotoListing> {
  const res = await get(`${drive.url}/api/photos`, await authority.token({ sub }));
  assert.equal(res.status, 200);
  return (await res.json()) as PhotoListing;
}

describe('a resource owner Drive has not met', () => {
  it('gets photos of their own on first sight, the same ones afterwards, even when asked twice at once', async () => {
    const [a, b] = await Promise.all([photosOf('carol'), photosOf('carol')]);
    assert.equal(a.owner, 'carol');
    assert.ok(a.photos.length >= 6);
    assert.equal(a.photos.length, NEW_OWNER_PHOTOS);
    assert.ok(
      a.photos.every((p) => p.title.startsWith('carol’s ')),
      'every photo is recognisably carol’s, none a copy of alice’s or bob’s',
    );
    const seeded = new Set(SEED_PHOTOS.map((p) => p.scene.title));
    assert.ok(a.photos.every((p) => !seeded.has(p.title.replace(/^carol’s /, ''))));
    assert.deepEqual(a.photos.map((p) => p.id).sort(), b.photos.map((p) => p.id).sort(), 'one set, not two');
    assert.deepEqual((await photosOf('carol')).photos.map((p) => p.id).sort(), a.photos.map((p) => p.id).sort());
    const content = await get(
      a.photos[0]!.content_url.replace(/^https?:\/\/[^/]+/, drive.url),
      await authority.token({ sub: 'carol' }),
    );
    assert.equal(content.status, 200);
    assert.match(await content.text(), /<svg/);
  });

  it('never sees another owner’s photos, nor changes theirs', async () => {
    const carol = await photosOf('carol');
    const dan = await photosOf('dan');
    const ids = new Set(carol.photos.map((p) => p.id));
    assert.ok(dan.photos.every((p) => !ids.has(p.id)));
    const other = await get(`${drive.url}/api/photos/${carol.photos[0]!.id}`, await authority.token({ sub: 'dan' }));
    assert.equal(other.status, 404);
    assert.equal(
      (await photosOf('alice')).photos.length,
      SEED_PHOTOS.filter((p) => p.owner === 'alice').length,
      'alice keeps her own, no more',
    );
    // File names are Drive's own (random), never taken from the name in the token.
    assert.ok(readdirSync(join(drive.dataDir, 'photos')).every((f) => !f.startsWith('carol') && !f.startsWith('dan')));
  });

  it('Mallory (the attack lab’s attacker) gets photos of her own, none of alice’s, bob’s or a learner’s', async () => {
    const mallory = await photosOf('mallory');
    assert.ok(mallory.photos.length >= 3);
    assert.ok(mallory.photos.every((p) => p.title.startsWith('Mallory’s ')));
    const alice = new Set((await photosOf('alice')).photos.map((p) => p.title));
    assert.ok(mallory.photos.every((p) => !alice.has(p.title)));
  });

  it('a client acting for itself (no user) is given nothing', async () => {
    const res = await get(
      `${drive.url}/api/photos`,
      await authority.token({ sub: 'print-lab', clientId: 'print-lab' }),
    );
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as PhotoListing).photos, []);
  });
});
