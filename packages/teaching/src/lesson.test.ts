import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { EXERCISES, findExercise } from './exercises.js';
import {
  LESSON,
  LESSON_MINUTES,
  formatClock,
  formatElapsed,
  lessonHeadings,
  lessonTimer,
  moveLesson,
  parseLessonHeadings,
  segmentStartMinutes,
} from './lesson.js';

const LESSON_MD = resolve(import.meta.dirname, '..', '..', '..', 'docs', 'lesson.md');

/** The text of the docs/lesson.md section whose `## ` heading starts with `heading`, up to the next one. */
function section(heading: string): string {
  const md = readFileSync(LESSON_MD, 'utf8');
  const start = md.indexOf(`\n## ${heading}`);
  assert.ok(start >= 0, `docs/lesson.md has a section "${heading}"`);
  const end = md.indexOf('\n## ', start + 4);
  return md.slice(start, end < 0 ? undefined : end);
}

describe('the lesson as data (issue 18 item 2)', () => {
  it('adds up to the 45 minutes of the plan, with unique ids', () => {
    assert.equal(
      LESSON.reduce((sum, s) => sum + s.minutes, 0),
      LESSON_MINUTES,
    );
    assert.equal(new Set(LESSON.map((s) => s.id)).size, LESSON.length);
    assert.equal(segmentStartMinutes(0), 0);
    assert.equal(segmentStartMinutes(LESSON.length), LESSON_MINUTES);
  });

  it('docs/lesson.md has the same segments, titles, minutes and start times (no drift)', () => {
    const headings = parseLessonHeadings(readFileSync(LESSON_MD, 'utf8'));
    assert.deepEqual(headings, lessonHeadings());
  });

  it('docs/lesson.md’s table of what Next prepares names each segment’s page and preparations', () => {
    const rows = [...section('The lesson bar').matchAll(/^\| (\d+) \| ([^|]+) \| ([^|]+) \|$/gm)];
    assert.equal(rows.length, LESSON.length);
    const services = { printer: 'printer', auth: 'auth server', drive: 'Drive' };
    const words: Record<string, RegExp> = {
      'step-through-on': /step-through on/,
      'step-through-off': /step-through off/,
      'fresh-consent': /fresh consent/,
      'pin-last-flow': /last flow \*\*pinned\*\*/,
      'start-kiosk': /kiosk started/,
      'printer-app-first': /Photo Printer listed first/,
    };
    for (const [i, segment] of LESSON.entries()) {
      const [, number, page, prepared] = rows[i]!;
      assert.equal(Number(number), i + 1);
      const expected =
        segment.page.path === '/'
          ? `${services[segment.page.service]} home`
          : `${services[segment.page.service]} \`${segment.page.path}\``;
      assert.equal(page!.trim(), expected, segment.id);
      for (const what of segment.prepare) assert.match(prepared!, words[what]!, `${segment.id}: ${what}`);
      for (const [what, word] of Object.entries(words))
        if (!segment.prepare.includes(what as never))
          assert.doesNotMatch(prepared!, word, `${segment.id}: not ${what}`);
    }
  });

  it('links the checked exercises, each one once, each to a segment', () => {
    const linked = LESSON.flatMap((s) => s.exercises ?? []);
    for (const id of linked) assert.ok(findExercise(id), id);
    assert.deepEqual([...linked].sort(), EXERCISES.map((e) => e.id).sort());
  });

  it('docs/lesson.md’s table of exercises puts each after the segment whose bar links it', () => {
    const rows = [...section('Exercises the demo checks').matchAll(/^\| (\d+) \| (\d+)\. [^|]+ \|/gm)];
    assert.equal(rows.length, EXERCISES.length);
    for (const [, segment, exercise] of rows) {
      const id = EXERCISES[Number(exercise) - 1]!.id;
      assert.ok(
        LESSON[Number(segment) - 1]!.exercises?.includes(id),
        `exercise ${exercise} (${id}) after segment ${segment}`,
      );
    }
  });

  it('reads headings of the docs form, and only those', () => {
    const md = '# Title\n## 1. One: 5 minutes [0:00]\n## An aside\n## 2. Two, with: a colon: 10 minutes [0:05]\n';
    assert.deepEqual(parseLessonHeadings(md), [
      { number: 1, title: 'One', minutes: 5, startsAt: '0:00' },
      { number: 2, title: 'Two, with: a colon', minutes: 10, startsAt: '0:05' },
    ]);
  });

  it('formats the plan’s clock and the timer', () => {
    assert.equal(formatClock(0), '0:00');
    assert.equal(formatClock(41), '0:41');
    assert.equal(formatClock(65), '1:05');
    assert.equal(formatElapsed(0), '0:00');
    assert.equal(formatElapsed(61_999), '1:01');
    assert.equal(formatElapsed(-5), '0:00');
  });

  it('moves next and previous within the lesson; next after the last ends it; the lesson clock keeps running', () => {
    const start = moveLesson(undefined, 'next', 1000);
    assert.deepEqual(start, { index: 0, startedAt: 1000, segmentStartedAt: 1000 });
    const second = moveLesson(start!, 'next', 5000);
    assert.deepEqual(second, { index: 1, startedAt: 1000, segmentStartedAt: 5000 });
    assert.equal(moveLesson(start!, 'previous', 6000)!.index, 0);
    assert.equal(moveLesson(second!, 'previous', 6000)!.index, 0);
    assert.equal(moveLesson(second!, 'wrap-up', 7000)!.index, LESSON.length - 1);
    assert.equal(moveLesson({ index: LESSON.length - 1, startedAt: 0, segmentStartedAt: 0 }, 'next', 1), null);
    assert.equal(moveLesson(second!, 'no-such-segment', 1), null);
    assert.equal(moveLesson(undefined, 'previous', 1), null);
  });

  it('times a segment and the lesson against the plan, over when past it', () => {
    const state = { index: 1, startedAt: 0, segmentStartedAt: 5 * 60_000 };
    const onTime = lessonTimer(state, 10 * 60_000);
    assert.equal(onTime.segmentElapsedMs, 5 * 60_000);
    assert.equal(onTime.segmentPlanMs, 10 * 60_000);
    assert.equal(onTime.lessonPlanMs, 15 * 60_000);
    assert.equal(onTime.segmentOver, false);
    assert.equal(onTime.lessonOver, false);
    const late = lessonTimer(state, 16 * 60_000);
    assert.equal(late.segmentOver, true);
    assert.equal(late.lessonOver, true);
    // A segment started late is over the lesson's plan before it is over its own.
    const startedLate = lessonTimer({ index: 0, startedAt: 0, segmentStartedAt: 4 * 60_000 }, 6 * 60_000);
    assert.equal(startedLate.segmentOver, false);
    assert.equal(startedLate.lessonOver, true);
  });
});
