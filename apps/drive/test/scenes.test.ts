/**
 * The generated photos: deterministic, distinct, well-formed SVG.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderScene, SCENES } from '../src/photos/scenes.js';
import { SEED_PHOTOS } from '../src/photos/seed.js';
import { scenesFor } from '../src/photos/own_scenes.js';
import { assertWellFormed } from './helpers.js';

describe('Generated photos', () => {
  const scenes = Object.values(SCENES);

  it('are deterministic: the same scene renders to the same bytes', () => {
    for (const scene of scenes) assert.equal(renderScene(scene), renderScene(scene), scene.slug);
  });

  it('are well-formed SVG documents of 1500x1000 with a title, and no NaN or undefined leaked in', () => {
    for (const scene of scenes) {
      const svg = renderScene(scene);
      assert.ok(
        svg.startsWith(
          '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1500 1000"',
        ),
        scene.slug,
      );
      assert.ok(svg.includes(`<title id="title">${scene.title}</title>`), scene.slug);
      assert.doesNotMatch(svg, /NaN|undefined|Infinity/, scene.slug);
      assertWellFormed(svg.replace(/^<\?xml[^>]*>/, ''), scene.slug);
    }
  });

  it('all differ: slugs, titles and pictures', () => {
    assert.equal(new Set(scenes.map((s) => s.slug)).size, scenes.length);
    assert.equal(new Set(scenes.map((s) => s.title)).size, scenes.length);
    assert.equal(new Set(scenes.map((s) => renderScene(s))).size, scenes.length);
  });

  it('seed alice with at least 8 and bob with at least 4, no scene shared', () => {
    const of = (owner: string) => SEED_PHOTOS.filter((p) => p.owner === owner).map((p) => p.scene.slug);
    assert.ok(of('alice').length >= 8);
    assert.ok(of('bob').length >= 4);
    assert.equal(new Set(SEED_PHOTOS.map((p) => p.scene.slug)).size, SEED_PHOTOS.length);
  });

  it('a learner’s and Mallory’s photos share no picture and no title with alice’s, bob’s or each other’s', () => {
    const carol = scenesFor('carol');
    const mallory = scenesFor('mallory');
    const all = [...scenes, ...carol, ...mallory];
    assert.ok(carol.length >= 6 && mallory.length >= 3);
    assert.equal(new Set(all.map((s) => s.slug)).size, all.length, 'no slug (so no picture) reused');
    assert.equal(new Set(all.map((s) => s.title)).size, all.length, 'no title reused');
    // The picture without its <title>: a learner's set differs from alice's, bob's and Mallory's drawings.
    const picture = (s: (typeof all)[number]) => renderScene(s).replace(/<title[\s\S]*?<\/desc>/, '');
    assert.equal(new Set(all.map(picture)).size, all.length);
    for (const scene of carol) assert.match(scene.title, /^carol’s /, 'each of a learner’s photos is titled as theirs');
    for (const scene of mallory) assert.match(scene.title, /^Mallory’s /);
    for (const scene of [...carol, ...mallory]) {
      const svg = renderScene(scene);
      assert.doesNotMatch(svg, /NaN|undefined|Infinity/, scene.slug);
      assertWellFormed(svg.replace(/^<\?xml[^>]*>/, ''), scene.slug);
    }
  });

  it('learners share one set of pictures, each titled with its owner’s name', () => {
    const dan = scenesFor('dan');
    assert.deepEqual(
      dan.map((s) => s.slug),
      scenesFor('carol').map((s) => s.slug),
    );
    assert.ok(dan.every((s) => s.title.startsWith('dan’s ')));
  });
});
