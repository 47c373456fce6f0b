/**
 * Drive's public sample gallery (scope `gallery.read`): test prints that belong to no user, read by Photo
 * Printer's print lab with a token it got for itself (Client Credentials, RFC 6749 §4.4). The main tests use
 * the REAL auth server and real tokens, in both validation modes; a client-credentials token still opens no
 * user's photos (RFC 6750 §3.1: 403 insufficient_scope).
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { countGallery, countPhotos, openDriveDatabase } from '../src/db.js';
import { renderScene } from '../src/photos/scenes.js';
import { TEST_PRINTS } from '../src/photos/calibration_prints.js';
import {
  clientCredentialsToken,
  codeFlowAccessToken,
  DRIVE_SECRET,
  type RunningAuthServer,
  startAuthServer,
} from './auth_server.js';
import {
  assertWellFormed,
  type Authority,
  DRIVE_URL,
  get,
  type PhotoListing,
  type RunningDrive,
  startDrive,
  startTrustingDrive,
} from './helpers.js';

interface GalleryListing {
  photos: {
    id: string;
    title: string;
    width: number;
    height: number;
    content_type: string;
    href: string;
    content_url: string;
  }[];
}

async function assertInsufficientScope(res: Response, scope: string, why: string): Promise<void> {
  assert.equal(res.status, 403, why);
  const challenge = res.headers.get('www-authenticate') ?? '';
  assert.match(challenge, /^Bearer realm="drive", error="insufficient_scope"/, why);
  assert.ok(challenge.includes(`scope="${scope}"`), `${why}: ${challenge}`);
  assert.equal(((await res.json()) as { error: string }).error, 'insufficient_scope', why);
}

describe('Sample gallery with the real auth server (gallery.read)', () => {
  let auth: RunningAuthServer;
  const drives: { mode: string; drive: RunningDrive }[] = [];
  /** print-lab's own token: sub = client_id = print-lab, scope gallery.read. */
  let labToken: string;
  /** alice's token through Photo Printer: photos.read, no gallery.read. */
  let aliceToken: string;

  before(async () => {
    auth = await startAuthServer();
    drives.push({ mode: 'jwt', drive: await startDrive({ env: { AUTH_INTERNAL_URL: auth.url } }) });
    drives.push({
      mode: 'introspection',
      drive: await startDrive({
        env: {
          AUTH_INTERNAL_URL: auth.url,
          DRIVE_TOKEN_VALIDATION: 'introspection',
          DRIVE_CLIENT_SECRET: DRIVE_SECRET,
        },
      }),
    });
    labToken = await clientCredentialsToken(auth);
    aliceToken = await codeFlowAccessToken(auth);
  });
  after(async () => {
    for (const { drive } of drives) await drive.stop();
    await auth.destroy();
  });

  it('the print lab token is what the print lab gets: sub = client_id, scope gallery.read', () => {
    const claims = JSON.parse(Buffer.from(labToken.split('.')[1]!, 'base64url').toString('utf8')) as {
      sub: string;
      client_id: string;
      scope: string;
      aud: string;
    };
    assert.equal(claims.sub, 'print-lab');
    assert.equal(claims.client_id, 'print-lab');
    assert.equal(claims.scope, 'gallery.read');
    assert.equal(claims.aud, DRIVE_URL);
  });

  it('GET /api/gallery with a client-credentials token (client_secret_post): 200 and the test prints', async () => {
    for (const { mode, drive } of drives) {
      const res = await get(`${drive.url}/api/gallery`, labToken);
      assert.equal(res.status, 200, mode);
      assert.equal(res.headers.get('cache-control'), 'no-store', mode);
      assert.equal(res.headers.get('set-cookie'), null, `${mode}: the API sets no cookie`);
      const listing = (await res.json()) as GalleryListing;
      assert.deepEqual(Object.keys(listing), ['photos'], `${mode}: no owner, nothing else`);
      assert.ok(
        listing.photos.length >= 4 && listing.photos.length <= 6,
        `${mode}: ${listing.photos.length} test prints`,
      );
      assert.deepEqual(
        listing.photos.map((p) => p.title),
        TEST_PRINTS.map((p) => p.title),
        mode,
      );
      for (const photo of listing.photos) {
        assert.deepEqual(
          Object.keys(photo).sort(),
          ['content_type', 'content_url', 'height', 'href', 'id', 'title', 'width'],
          mode,
        );
        assert.equal(photo.href, `${DRIVE_URL}/api/gallery/${photo.id}`);
        assert.equal(photo.content_url, `${DRIVE_URL}/api/gallery/${photo.id}/content`);
        assert.equal(photo.content_type, 'image/svg+xml');
        assert.equal(photo.width, 1500);
        assert.equal(photo.height, 1000);

        const one = await get(`${drive.url}/api/gallery/${photo.id}`, labToken);
        assert.equal(one.status, 200, `${mode}: ${photo.id}`);
        assert.deepEqual(await one.json(), photo);

        const content = await get(`${drive.url}/api/gallery/${photo.id}/content`, labToken);
        assert.equal(content.status, 200, `${mode}: ${photo.id} content`);
        assert.equal(content.headers.get('content-type'), 'image/svg+xml');
        assert.match(content.headers.get('content-security-policy') ?? '', /default-src 'none'.*sandbox/);
        const svg = await content.text();
        assert.ok(svg.includes(`<title id="title">${photo.title}</title>`), photo.id);
      }
    }
  });

  it('the same token on /api/photos: 403 insufficient_scope, scope="photos.read" (it lacks photos.read)', async () => {
    const alicePhotos = (await (await get(`${drives[0]!.drive.url}/api/photos`, aliceToken)).json()) as PhotoListing;
    const photo = alicePhotos.photos[0];
    assert.ok(photo);
    for (const { mode, drive } of drives) {
      await assertInsufficientScope(await get(`${drive.url}/api/photos`, labToken), 'photos.read', `${mode}: list`);
      await assertInsufficientScope(
        await get(`${drive.url}/api/photos/${photo.id}`, labToken),
        'photos.read',
        `${mode}: one photo`,
      );
      await assertInsufficientScope(
        await get(`${drive.url}/api/photos/${photo.id}/content`, labToken),
        'photos.read',
        `${mode}: content`,
      );
    }
  });

  it('alice\'s token (photos.read, no gallery.read) on /api/gallery: 403 insufficient_scope, scope="gallery.read"', async () => {
    for (const { mode, drive } of drives) {
      assert.equal((await get(`${drive.url}/api/photos`, aliceToken)).status, 200, `${mode}: the token itself is fine`);
      await assertInsufficientScope(await get(`${drive.url}/api/gallery`, aliceToken), 'gallery.read', `${mode}: list`);
      await assertInsufficientScope(
        await get(`${drive.url}/api/gallery/grey-ramp`, aliceToken),
        'gallery.read',
        `${mode}: one`,
      );
      await assertInsufficientScope(
        await get(`${drive.url}/api/gallery/grey-ramp/content`, aliceToken),
        'gallery.read',
        `${mode}: content`,
      );
    }
  });

  it('RFC 6750 §3.1: no token on the gallery is the bare challenge', async () => {
    const res = await get(`${drives[0]!.drive.url}/api/gallery`);
    assert.equal(res.status, 401);
    assert.doesNotMatch(res.headers.get('www-authenticate') ?? '', /error=/);
  });
});

describe('Sample gallery (stand-in keys)', () => {
  let drive: RunningDrive;
  let authority: Authority;

  before(async () => {
    ({ authority, drive } = await startTrustingDrive());
  });
  after(() => drive.stop());

  it('gallery and photos never mix: a photo id is no test print, a test print id is no photo', async () => {
    const both = await authority.token({ sub: 'alice', scope: 'photos.read gallery.read' });
    const alice = (await (await get(`${drive.url}/api/photos`, both)).json()) as PhotoListing;
    const photo = alice.photos[0];
    assert.ok(photo);
    assert.equal((await get(`${drive.url}/api/gallery/${photo.id}`, both)).status, 404);
    assert.equal((await get(`${drive.url}/api/gallery/${photo.id}/content`, both)).status, 404);
    assert.equal((await get(`${drive.url}/api/photos/grey-ramp`, both)).status, 404);
    assert.ok(
      !alice.photos.some((p) => TEST_PRINTS.some((t) => t.title === p.title)),
      "no test print among alice's photos",
    );
  });

  it("a client token with gallery.read AND photos.read still reads no one's photos (sub = client_id)", async () => {
    const own = await authority.token({ sub: 'print-lab', clientId: 'print-lab', scope: 'gallery.read photos.read' });
    assert.deepEqual(await (await get(`${drive.url}/api/photos`, own)).json(), { owner: null, photos: [] });
    assert.equal((await get(`${drive.url}/api/gallery`, own)).status, 200);
  });

  it('odd gallery ids are a JSON 404', async () => {
    const token = await authority.token({ sub: 'print-lab', clientId: 'print-lab', scope: 'gallery.read' });
    for (const id of ['nope', '..%2F..%2Fdrive.db', '%2e%2e', "1' OR '1'='1", 'x'.repeat(2000)]) {
      const res = await get(`${drive.url}/api/gallery/${id}/content`, token);
      assert.equal(res.status, 404, id.slice(0, 30));
      assert.deepEqual(await res.json(), { error: 'not_found' });
    }
  });

  it('is seeded once, in its own table and folder, and survives a restart', async () => {
    const token = await authority.token({ sub: 'print-lab', clientId: 'print-lab', scope: 'gallery.read' });
    const before = await (await get(`${drive.url}/api/gallery`, token)).json();
    await drive.stop({ keepData: true });
    drive = await startDrive({ deps: { keys: authority.keys }, dataDir: drive.dataDir });
    assert.deepEqual(await (await get(`${drive.url}/api/gallery`, token)).json(), before);

    const db = openDriveDatabase(join(drive.dataDir, 'drive.db'));
    try {
      assert.equal(countGallery(db), TEST_PRINTS.length);
      assert.equal(countPhotos(db), 12, 'the users’ photos are untouched');
      const columns = (db.prepare('PRAGMA table_info(gallery)').all() as { name: string }[]).map((c) => c.name);
      assert.ok(!columns.includes('owner'), 'a test print has no owner column at all');
    } finally {
      db.close();
    }
    const files = await readdir(join(drive.dataDir, 'gallery'));
    assert.deepEqual(files.sort(), TEST_PRINTS.map((p) => `${p.slug}.svg`).sort());
  });

  it('the home page documents the gallery endpoint', async () => {
    const html = await (await get(`${drive.url}/`)).text();
    assert.ok(html.includes('GET /api/gallery'));
    assert.ok(html.includes('gallery.read'));
  });
});

describe('Test prints', () => {
  it('are 4 to 6, deterministic, distinct, well-formed 1500x1000 SVG with a title', () => {
    assert.ok(TEST_PRINTS.length >= 4 && TEST_PRINTS.length <= 6);
    assert.equal(new Set(TEST_PRINTS.map((p) => p.slug)).size, TEST_PRINTS.length);
    assert.equal(new Set(TEST_PRINTS.map((p) => p.title)).size, TEST_PRINTS.length);
    for (const print of TEST_PRINTS) {
      const svg = renderScene(print);
      assert.equal(svg, renderScene(print), print.slug);
      assert.match(print.slug, /^[a-z0-9-]+$/, 'the slug is the id: URL-safe');
      assert.ok(
        svg.startsWith(
          '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1500 1000"',
        ),
        print.slug,
      );
      assert.ok(svg.includes(`<title id="title">${print.title}</title>`), print.slug);
      assert.doesNotMatch(svg, /NaN|undefined|Infinity|<script|href=/i, print.slug);
      assertWellFormed(svg.replace(/^<\?xml[^>]*>/, ''), print.slug);
    }
  });
});
