/**
 * Issue 18 items 3-4 over HTTP against createApp(): the exercises' pages and checks (from what was recorded and what
 * the auth server says of THIS learner), completions kept per learner across a restart, the claims editor's token
 * refused by Drive, a spent code_verifier on the learner's own timeline, and the class board for the instructor only.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Browser, CLIENT_ID, CLIENT_SECRET, PHOTOS, type StubStack, connect, startStubStack } from './helpers.js';

let stack: StubStack;
/** What the stub auth server says of each learner's grants (POST /_demo/learner-state), and who asked. */
const grants = new Map<string, { client_id: string; scope: string; created_at: number; revoked_at: number | null }[]>();
const askedAbout: string[] = [];
/** What it says of each learner's device approvals (RFC 8628), with the one fact it tells about browsers. */
const devices = new Map<string, { client_id: string; status: string; same_browser_as_code_flow: boolean | null }[]>();
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function answer(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return true;
}

before(async () => {
  stack = await startStubStack({
    configureStubs: ({ auth }) => {
      auth.extra = (req, url, body, res) => {
        if (req.method !== 'POST' || !url.pathname.startsWith('/_demo/learner')) return false;
        if (req.headers.authorization !== BASIC) return answer(res, 401, { error: 'invalid_client' });
        if (url.pathname === '/_demo/learners')
          return answer(res, 200, { learners: [{ sub: 'ada' }, { sub: 'grace' }] });
        const sub = new URLSearchParams(body).get('sub') ?? '';
        askedAbout.push(sub);
        return answer(res, 200, { sub, grants: grants.get(sub) ?? [], devices: devices.get(sub) ?? [] });
      };
    },
  });
});
after(() => stack.stop());

/** A learner's browser, connected as `sub` with the scope the stub grants. */
async function learner(sub: string, scope: string): Promise<Browser> {
  stack.auth.accessTokenSubject = sub;
  stack.auth.grantScope = scope;
  const browser = new Browser(stack.printer.base);
  await connect(browser, stack.auth.publicUrl);
  stack.auth.accessTokenSubject = undefined;
  return browser;
}

async function check(browser: Browser, id: string, form: Record<string, string> = {}) {
  const page = await browser.get(`/exercises/${id}`);
  assert.equal(page.status, 200);
  return browser.post(`/exercises/${id}/check`, { csrf: Browser.csrf(page), ...form });
}

describe('exercises (issue 18 item 3)', () => {
  it('lists six goals; before any flow the printer says it does not know who you are, and a check says why', async () => {
    const browser = new Browser(stack.printer.base);
    const list = await browser.get('/exercises');
    assert.equal(list.status, 200);
    assert.equal((list.text.match(/href="\/exercises\/[a-z-]+"/g) ?? []).length, 6);
    assert.match(list.text, /does not know who you are yet/);
    const checked = await check(browser, 'scope-photos-read');
    assert.equal(checked.status, 200);
    assert.match(checked.text, /Not yet/);
    assert.match(checked.text, /does not know who you are yet/);
    assert.equal((await browser.get('/exercises/no-such-exercise')).status, 404);
  });

  it('a flow that granted offline_access fails with a hint; one that granted photos.read alone passes, and stays done after a restart', async () => {
    const wide = await learner('ada', 'photos.read offline_access');
    const failed = await check(wide, 'scope-photos-read');
    assert.match(failed.text, /granted &#34;photos\.read offline_access&#34;|granted "photos\.read offline_access"/);
    assert.match(failed.text, /Hint:/);

    const narrow = await learner('ada', 'photos.read');
    const passed = await check(narrow, 'scope-photos-read');
    assert.match(passed.text, /id="exercise-result"/);
    assert.match(passed.text, /Done: here is what happened/);
    assert.match(passed.text, /RFC 6749 §3\.3/);

    await stack.restartPrinter();
    narrow.base = stack.printer.base;
    wide.base = stack.printer.base;
    const list = await wide.get('/exercises'); // the same learner in another browser session: it follows the account
    assert.match(list.text, /<strong>ada<\/strong>/);
    assert.match(list.text, /data-done="scope-photos-read"/);
    assert.match(list.text, /1 of 6/);
  });

  it('pkce-challenge: the learner reads their own spent code_verifier on the timeline, and its S256 hash passes', async () => {
    const browser = await learner('grace', 'photos.read');
    const timeline = await browser.get('/timeline');
    const verifier = /code_verifier=([A-Za-z0-9_~.-]{43,128})/.exec(timeline.text)?.[1];
    assert.ok(verifier, 'the spent code_verifier is on the learner’s own timeline');
    assert.doesNotMatch(timeline.text, /code=code-1\b/, 'the code stays masked');
    const wrong = await check(browser, 'pkce-challenge', { answer: verifier });
    assert.match(wrong.text, /code_verifier itself/);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const right = await check(browser, 'pkce-challenge', { answer: challenge });
    assert.match(right.text, /Done: here is what happened/);
    assert.match(right.text, /RFC 7636/);
  });

  it("tamper-drive: the claims editor's 'Re-encode and send to Drive' gets a 401 invalid_token, which the check sees", async () => {
    const browser = await learner('grace', 'photos.read');
    const before = await check(browser, 'tamper-drive');
    assert.match(before.text, /No call of yours to Drive was refused/);
    const inspector = await browser.get('/inspect');
    const claims = JSON.stringify({ sub: 'bob', scope: 'photos.read photos.write' });
    const sent = await browser.post('/inspect/editor', {
      csrf: Browser.csrf(inspector),
      header: JSON.stringify({ alg: 'ES256', typ: 'at+jwt' }),
      claims,
      mode: 'unsigned',
      send: 'drive',
    });
    assert.equal(sent.status, 200);
    assert.match(sent.text, /data-drive-status="401"/);
    const after = await check(browser, 'tamper-drive');
    assert.match(after.text, /Done: here is what happened/);
    // The learner's real token was left alone: their photos still load.
    assert.equal((await browser.get('/photos')).status, 200);
  });

  it('revoke-still-works: passes on a visit to the photos page (its own flow, Drive 200) after the grant was revoked', async () => {
    const browser = await learner('mary', 'photos.read');
    assert.equal((await browser.get('/photos')).status, 200); // the import's last step
    const notYet = await check(browser, 'revoke-still-works');
    assert.match(notYet.text, /remove Photo Printer/);
    // The auth server keeps seconds: the import's Drive call in an earlier second than the revocation.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const now = Math.floor(Date.now() / 1000);
    grants.set('mary', [{ client_id: CLIENT_ID, scope: 'photos.read', created_at: now - 5, revoked_at: now }]);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the Drive call must come after the revocation second
    const notCalled = await check(browser, 'revoke-still-works');
    assert.match(notCalled.text, /has not called Drive with its old access token since/);
    assert.match(notCalled.text, /Open your photos on Photo Printer/);
    assert.equal((await browser.get('/photos')).status, 200); // a flow of its own: recorded, so the check sees it
    const passed = await check(browser, 'revoke-still-works', { answer: 'JWTs are checked by signature' });
    assert.match(passed.text, /Done: here is what happened/);
    assert.ok(askedAbout.includes('mary'));
  });

  it('revoke-still-works: passes on a re-order too (Drive 200) after the auth server says the grant was revoked', async () => {
    const browser = await learner('lin', 'photos.read');
    const photos = await browser.get('/photos');
    const placed = await browser.post('/orders', {
      csrf: Browser.csrf(photos),
      photo: [PHOTOS[0]!.id],
      size: '5x7',
      copies: '1',
    });
    assert.equal(placed.status, 303);
    const notYet = await check(browser, 'revoke-still-works');
    assert.match(notYet.text, /remove Photo Printer/);
    // The auth server keeps seconds: the order's Drive calls in an earlier second than the revocation.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const now = Math.floor(Date.now() / 1000);
    grants.set('lin', [{ client_id: CLIENT_ID, scope: 'photos.read', created_at: now - 5, revoked_at: now }]);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the Drive call must come after the revocation second
    const notCalled = await check(browser, 'revoke-still-works');
    assert.match(notCalled.text, /has not called Drive with its old access token since/);
    const order = await browser.get(placed.location!);
    const reordered = await browser.post(`${placed.location!}/reorder`, { csrf: Browser.csrf(order) });
    assert.equal(reordered.status, 303);
    const passed = await check(browser, 'revoke-still-works', { answer: 'JWTs are checked by signature' });
    assert.match(passed.text, /Done: here is what happened/);
    assert.ok(askedAbout.every((sub) => ['ada', 'grace', 'lin', 'mary'].includes(sub)));
    assert.ok(askedAbout.includes('lin'));
  });

  it('with TIMELINE_RECORDING=off, the page and every check say the recording is off, not "try again"', async () => {
    const quiet = await stack.startAnotherPrinter({ TIMELINE_RECORDING: 'off' });
    try {
      stack.auth.accessTokenSubject = 'ada';
      stack.auth.grantScope = 'photos.read';
      const browser = new Browser(quiet.base);
      await connect(browser, stack.auth.publicUrl);
      stack.auth.accessTokenSubject = undefined;
      assert.match((await browser.get('/exercises')).text, /TIMELINE_RECORDING=off/);
      const checked = await check(browser, 'scope-photos-read');
      assert.match(checked.text, /records no exchanges \(TIMELINE_RECORDING=off\)/);
    } finally {
      await quiet.close();
    }
  });

  it("a learner sees only their own progress: no other learner's name or completions", async () => {
    const other = await learner('zoe', 'photos.read');
    const list = await other.get('/exercises');
    assert.match(list.text, /<strong>zoe<\/strong>/);
    assert.match(list.text, /0 of 6/);
    assert.doesNotMatch(list.text, /\b(ada|grace|lin)\b/);
  });

  it('device-second-browser: approved in the browser used for Photo Printer fails with why (RFC 8628 §5.4); from another passes', async () => {
    const browser = await learner('kim', 'photos.read');
    stack.auth.accessTokenSubject = 'kim';
    stack.auth.devicePolls.push('tokens');
    const kiosk = await browser.get('/kiosk');
    assert.equal((await browser.post('/kiosk/start', { csrf: Browser.csrf(kiosk) })).status, 303);
    await browser.get('/kiosk'); // the stub's interval is 0: this load polls, and gets kim's token
    stack.auth.accessTokenSubject = undefined;

    devices.set('kim', [{ client_id: 'photo-kiosk', status: 'used', same_browser_as_code_flow: true }]);
    const same = await check(browser, 'device-second-browser');
    assert.match(same.text, /Hint:/);
    assert.match(same.text, /same browser you use for Photo Printer/);
    assert.match(same.text, /§5\.4/);

    devices.set('kim', [{ client_id: 'photo-kiosk', status: 'used', same_browser_as_code_flow: false }]);
    const other = await check(browser, 'device-second-browser');
    assert.match(other.text, /Done: here is what happened/);
    assert.match(other.text, /confirms you approved from another browser/);
  });
});

describe('the class board (issue 18 item 4)', () => {
  it('is refused to a learner, page and JSON', async () => {
    const browser = await learner('ada', 'photos.read');
    const page = await browser.get('/class');
    assert.equal(page.status, 403);
    // Offered here (loopback, no key set) but off: the page says how to turn it on, not that it is unavailable.
    assert.match(page.text, /Turn instructor mode on first/);
    assert.doesNotMatch(page.text, /not available here/);
    const json = await browser.get('/class/progress');
    assert.equal(json.status, 403);
    assert.doesNotMatch(json.text, /grace|ada/);
  });

  it('shows the instructor who joined, what each completed, and the class link as a QR code made here', async () => {
    const browser = new Browser(stack.printer.base);
    const home = await browser.get('/timeline');
    await browser.post('/teaching', { csrf: Browser.csrf(home), instructor: 'on', back: '/class' });
    const board = await browser.get('/class');
    assert.equal(board.status, 200);
    assert.match(board.text, /<svg[^>]*viewBox/);
    assert.match(board.text, /localhost:3999/);
    // localhost is no class link: the board says so on screen, and what to set (README, "Teach a class").
    assert.match(board.text, /data-class-link="loopback">This link names <code>localhost<\/code>/);
    assert.match(board.text, /<code>CLASS_HOST<\/code> set to this machine’s LAN address or name/);
    assert.match(board.text, /<tr data-learner="ada">/);
    assert.match(board.text, /<tr data-learner="grace">/);
    assert.match(board.text, /src="\/assets\/printer\/class_board\.js"/);
    assert.match(board.text, /<a href="\/">Back to Photo Printer<\/a>/, 'the board is not a dead end');
    assert.match(board.text, /id="board-summary">\d+ learners, 0 with all 6 exercises done/);
    const progress = await browser.get('/class/progress');
    assert.equal(progress.status, 200);
    const data = JSON.parse(progress.text) as { learners: { sub: string; count: number; completed: object }[] };
    const bySub = Object.fromEntries(data.learners.map((l) => [l.sub, l]));
    assert.equal(bySub.ada?.count, 1);
    assert.ok('scope-photos-read' in (bySub.ada?.completed ?? {}));
    assert.equal(bySub.grace?.count, 2);
    assert.equal(bySub.lin?.count, 1, 'a learner with a completion is listed even when not among the joined');
    const script = await browser.get('/assets/printer/class_board.js');
    assert.equal(script.status, 200);
  });

  it('says nothing of CLASS_HOST when the class link is a LAN address', async () => {
    const lan = await stack.startAnotherPrinter({
      PRINTER_PUBLIC_URL: 'http://192.168.1.20:3999',
      INSTRUCTOR_KEY: 'class-of-2026',
    });
    try {
      const browser = new Browser(lan.base);
      const home = await browser.get('/timeline');
      await browser.post('/teaching', { csrf: Browser.csrf(home), instructor: 'on', key: 'class-of-2026', back: '/' });
      const board = await browser.get('/class');
      assert.equal(board.status, 200);
      assert.match(board.text, /192\.168\.1\.20:3999/);
      assert.doesNotMatch(board.text, /data-class-link="loopback"/);
    } finally {
      await lan.close();
    }
  });
});
