import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packageOf } from '../src/profile.js';
import { table } from '../src/report.js';
import { median, percentile } from '../src/stats.js';

describe('bench helpers', () => {
  it('medians and nearest-rank percentiles', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile(values, 100), 100);
    assert.equal(percentile([7], 99), 7);
  });

  it('names the package a profiled frame belongs to', () => {
    assert.equal(
      packageOf('file:///w/node_modules/.pnpm/jose@6.2.18/node_modules/jose/dist/webapi/jws.js', 'verify'),
      'jose',
    );
    assert.equal(packageOf('file:///w/node_modules/.pnpm/@types+x/node_modules/@scope/pkg/a.js', 'f'), '@scope/pkg');
    assert.equal(packageOf('node:internal/http', 'f'), 'node (core)');
    assert.equal(packageOf('file:///w/apps/drive/dist/app.js', 'f'), 'apps/drive');
    assert.equal(packageOf('', '(garbage collector)'), '(gc)');
  });

  it('prints an aligned Markdown table', () => {
    assert.equal(table(['a', 'bb'], [['xyz', 1]]), '| a   | bb |\n|-----|----|\n| xyz | 1  |');
  });
});
