import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CurvePoint, curveSvg, niceMax } from '../src/curve.js';

describe('the curve of class sizes', () => {
  it('rounds an axis up to 1, 2 or 5 times a power of ten', () => {
    assert.equal(niceMax(73.2), 100);
    assert.equal(niceMax(101), 200);
    assert.equal(niceMax(3.1), 5);
    assert.equal(niceMax(0), 1);
  });

  it('draws one bar and one label per class size, errors in red, and escapes the title', () => {
    const point = (learners: number, flowsPerS: number, errors: number): CurvePoint => ({
      learners,
      flowsPerS,
      errors,
      busyRetries: 0,
      p50Ms: 900,
      p99Ms: 2000,
      steadyP50Ms: 800,
      steadyP99Ms: 1500,
      errorSamples: [],
    });
    const svg = curveSvg([point(50, 40, 0), point(200, 90, 0), point(800, 60, 12)], 'flows <on> one machine');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal(svg.match(/<rect x=/g)?.length, 3);
    for (const n of [50, 200, 800]) assert.match(svg, new RegExp(`>${n}</text>`));
    assert.match(svg, /fill="#c00">12 errors/);
    assert.match(svg, /flows &lt;on&gt; one machine/);
    assert.doesNotMatch(svg, /NaN/);
  });
});
