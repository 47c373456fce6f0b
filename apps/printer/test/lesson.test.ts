/**
 * The lesson bar (issue 18 item 2), over HTTP against stub peers: instructor mode only; "next" walks the segments of
 * the one lesson definition (@oauth-demo/teaching LESSON), each opening its page in the state it promises, prepared
 * on the server with the real routes' code (step-through, a revoked grant for a fresh consent, the last flow pinned,
 * the kiosk started).
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { LESSON } from '@oauth-demo/teaching';
import { Browser, USER_CODE, connect, startStubStack } from './helpers.js';

const stack = await startStubStack();
const { auth, printer } = stack;
after(() => stack.stop());
beforeEach(() => stack.reset());

async function instructor(): Promise<Browser> {
  const browser = new Browser(printer.base);
  const home = await browser.get('/');
  await browser.post('/teaching', { csrf: Browser.csrf(home), instructor: 'on', back: '/' });
  return browser;
}

async function move(browser: Browser, to: string) {
  const page = await browser.get('/');
  return browser.post('/lesson', { csrf: Browser.csrf(page), to });
}

function segmentOf(html: string): string | undefined {
  return /data-lesson-segment="([a-z-]+)"/.exec(html)?.[1];
}

describe('the lesson bar', () => {
  it('is for instructor mode only: no Start, no bar, and POST /lesson refused for a learner', async () => {
    const learner = new Browser(printer.base);
    const home = await learner.get('/');
    assert.doesNotMatch(home.text, /Start the lesson/);
    const refused = await learner.post('/lesson', { csrf: Browser.csrf(home), to: 'next' });
    assert.equal(refused.status, 403);
    assert.doesNotMatch((await learner.get('/')).text, /data-lesson-bar/);
    assert.equal((await learner.get('/lesson')).status, 403);
  });

  it('walks every segment with next, each page in its promised state, the timer against the plan', async () => {
    const browser = await instructor();
    assert.match((await browser.get('/')).text, /Start the lesson/);
    const seen: string[] = [];
    for (const [i, segment] of LESSON.entries()) {
      if (segment.id === 'code-flow') {
        // Segment 2 found a connection from before the class: "fresh consent" revokes it (RFC 7009).
        await connect(browser, auth.publicUrl);
        auth.revocations.length = 0;
      }
      const moved = await move(browser, 'next');
      assert.equal(moved.status, 303);
      const expected =
        segment.page.service === 'auth' ? new URL(segment.page.path, auth.publicUrl).href : segment.page.path;
      assert.ok(moved.location?.startsWith(expected), `${segment.id}: ${moved.location} opens ${expected}`);
      // Every printer page shows the bar; a segment on the auth server is checked on the printer's home.
      const page = await browser.get(segment.page.service === 'printer' ? moved.location! : '/');
      assert.equal(segmentOf(page.text), segment.id);
      assert.match(page.text, new RegExp(`Lesson <span data-lesson-number>${i + 1}</span>/${LESSON.length}`));
      assert.match(page.text, /data-lesson-clock="segment"/);
      // What each clock's numbers are, in words on the bar (not only in a tooltip): the segment's minutes, and the
      // plan's time at this segment's end, which is not the lesson's 45 minutes.
      const planEnd = LESSON.slice(0, i + 1).reduce((sum, s) => sum + s.minutes, 0);
      assert.match(
        page.text,
        new RegExp(`>segment <span data-elapsed>\\d+:\\d\\d</span> / ${segment.minutes}:00</span>`),
      );
      assert.match(
        page.text,
        new RegExp(`>lesson <span data-elapsed>\\d+:\\d\\d</span> / ${planEnd}:00 by segment end</span>`),
      );
      seen.push(segment.id);
      const stepThrough = /Step-through mode: <span class="switch-state on">/.test((await browser.get('/')).text);
      assert.equal(stepThrough, segment.prepare.includes('step-through-on'), `${segment.id}: step-through`);
      if (segment.id === 'code-flow') {
        assert.equal(auth.revocations.length > 0, true, 'the old grant revoked for a fresh consent');
        assert.match((await browser.get('/')).text, /data-connection="none"/);
        assert.match((await browser.get('/')).text, /id="ask-again" checked/);
      }
      if (segment.prepare.includes('fresh-consent')) {
        // The class goes through the flow and Allows (here without the step-through pauses): connected again.
        const home = await browser.get('/');
        await browser.post('/teaching', { csrf: Browser.csrf(home), stepThrough: 'off', back: '/' });
        await connect(browser, auth.publicUrl);
      }
      if (segment.id === 'timeline') {
        assert.match(moved.location!, /^\/timeline\?trace=[0-9a-f]{32}$/);
        assert.match(page.text, /data-pinned="true"/);
        assert.match(page.text, /Unpin this flow/);
      }
      if (segment.id === 'other-grants') assert.match(page.text, new RegExp(USER_CODE));
      // The bar links the checked exercises of the segment, and the class board.
      for (const id of segment.exercises ?? []) assert.match(page.text, new RegExp(`href="/exercises/${id}"`));
      assert.match(page.text, /<a href="\/class">the class board<\/a>/);
    }
    assert.deepEqual(
      seen,
      LESSON.map((s) => s.id),
    );
    // Past the last segment the lesson ends: the bar goes, the panel offers to start again.
    const ended = await move(browser, 'next');
    assert.equal(ended.location, '/');
    const home = await browser.get('/');
    assert.doesNotMatch(home.text, /data-lesson-bar/);
    assert.match(home.text, /The lesson is over/);
    assert.match(home.text, /Start the lesson/);
  });

  it('previous goes back and stays at the first segment; a segment id jumps; stop ends it', async () => {
    const browser = await instructor();
    await move(browser, 'next');
    await move(browser, 'next');
    assert.equal(segmentOf((await browser.get('/')).text), 'code-flow');
    await move(browser, 'previous');
    await move(browser, 'previous');
    assert.equal(segmentOf((await browser.get('/')).text), 'story');
    // The whole plan: every segment with its start time, the current one marked, a Go button each.
    const plan = await browser.get('/lesson');
    assert.equal(plan.status, 200);
    assert.equal([...plan.text.matchAll(/name="to" value="[a-z-]+">\s*<button[^>]*>Go</g)].length, LESSON.length);
    assert.match(plan.text, /aria-current="step" class="current" data-segment="story"/);
    assert.match(plan.text, /\[0:41\] Wrap-up/);
    // A hand-made `to` is refused with 400, and the lesson stays where it was.
    const unknown = await move(browser, '<script>');
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /No such lesson segment/);
    assert.doesNotMatch(unknown.text, /<script>/);
    assert.equal(segmentOf((await browser.get('/')).text), 'story');
    const jumped = await move(browser, 'wrap-up');
    assert.equal(jumped.location, '/grants');
    assert.equal(segmentOf((await browser.get('/')).text), 'wrap-up');
    await move(browser, 'stop');
    assert.doesNotMatch((await browser.get('/')).text, /data-lesson-bar/);
    // Instructor mode off: no bar, even with a lesson kept in the session.
    await move(browser, 'story');
    const home = await browser.get('/');
    await browser.post('/teaching', { csrf: Browser.csrf(home), instructor: 'off', back: '/' });
    assert.doesNotMatch((await browser.get('/')).text, /data-lesson-bar/);
  });

  it('n on segment 7’s page (the auth server’s) goes on to segment 8 with its one-time lesson_next; else the plan', async () => {
    const browser = await instructor();
    const opened = await move(browser, 'revocation');
    const url = new URL(opened.location!);
    assert.equal(`${url.origin}${url.pathname}`, new URL('/apps', auth.publicUrl).href);
    assert.ok(url.searchParams.get('client_id'), 'Photo Printer first');
    const token = url.searchParams.get('lesson_next')!;
    assert.match(token, /^[A-Za-z0-9_-]{22}$/);
    const segment = async () => segmentOf((await browser.get('/')).text);
    // A made-up token (or none) moves nothing: it only opens the plan, as n did before.
    for (const forged of ['', 'A'.repeat(22), `${token.slice(0, 21)}${token.endsWith('A') ? 'B' : 'A'}`]) {
      const res = await browser.get(`/lesson/next?lesson_next=${forged}`);
      assert.equal(res.status, 303, forged);
      assert.equal(res.location, '/lesson', forged);
      assert.equal(await segment(), 'revocation', forged);
    }
    assert.equal((await new Browser(printer.base).get(`/lesson/next?lesson_next=${token}`)).status, 403, 'a learner');
    const next = await browser.get(`/lesson/next?lesson_next=${token}`);
    assert.equal(next.status, 303);
    assert.equal(next.location, '/grants');
    assert.equal(await segment(), 'wrap-up');
    // One n per token: spent, it only opens the plan.
    assert.equal((await browser.get(`/lesson/next?lesson_next=${token}`)).location, '/lesson');
    assert.equal(await segment(), 'wrap-up');
    // A token is for its segment: once the bar moved on by itself, the page's old token moves nothing.
    const again = new URL((await move(browser, 'previous')).location!).searchParams.get('lesson_next')!;
    assert.notEqual(again, token);
    await move(browser, 'previous');
    assert.equal(await segment(), 'other-grants');
    assert.equal((await browser.get(`/lesson/next?lesson_next=${again}`)).location, '/lesson');
    assert.equal(await segment(), 'other-grants');
  });

  it('says on the bar what a segment needs that only the class can do (a refresh token for segment 5)', async () => {
    const browser = await instructor();
    await move(browser, 'refresh');
    assert.match((await browser.get('/')).text, /holds no refresh token in this session/);
    await connect(browser, auth.publicUrl);
    assert.doesNotMatch((await browser.get('/')).text, /holds no refresh token in this session/);
  });
});
