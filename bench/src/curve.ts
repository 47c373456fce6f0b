/**
 * @module curve
 *
 * Benchmark 3 at several class sizes (BENCH_LEARNERS=50,100,200,400,800): one point per size, and a small SVG
 * chart of them written next to the JSON by the benchmark itself (hand-written SVG, no library), so that an
 * instructor can read how large a class one machine serves: completed flows per second (bars, left axis) and the
 * p50 / p99 of a whole flow started after the sign-in burst (lines, right axis), errors written under each bar.
 */
import type { FlowBenchResult } from './bench_flows.js';

export interface CurvePoint {
  learners: number;
  flowsPerS: number;
  errors: number;
  /** Requests answered 503 + Retry-After and sent again (overload said honestly; not errors). */
  busyRetries: number;
  p50Ms: number;
  p99Ms: number;
  /** Flows started after the sign-in burst. */
  steadyP50Ms: number;
  steadyP99Ms: number;
  /** The most frequent errors, if any. */
  errorSamples: { message: string; count: number }[];
}

export function curvePoint(f: FlowBenchResult): CurvePoint {
  return {
    learners: f.learners,
    flowsPerS: f.flowsPerS,
    errors: f.errors,
    busyRetries: Object.values(f.busyRetries).reduce((a, b) => a + b, 0),
    p50Ms: f.p50Ms,
    p99Ms: f.p99Ms,
    steadyP50Ms: f.steady.p50Ms,
    steadyP99Ms: f.steady.p99Ms,
    errorSamples: f.errorSamples.slice(0, 3),
  };
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round number at or above `max` for an axis: 1, 2 or 5 times a power of ten. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

export function curveSvg(points: readonly CurvePoint[], title: string): string {
  const width = 640;
  const height = 360;
  const left = 60;
  const right = 60;
  const top = 40;
  const bottom = 70;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const n = Math.max(1, points.length);
  const slot = plotW / n;
  const flowsMax = niceMax(Math.max(0, ...points.map((p) => p.flowsPerS)));
  const secondsMax = niceMax(Math.max(0, ...points.map((p) => p.steadyP99Ms / 1000)));
  const yFlows = (v: number) => top + plotH - (v / flowsMax) * plotH;
  const ySeconds = (v: number) => top + plotH - (v / 1000 / secondsMax) * plotH;
  const x = (i: number) => left + slot * i + slot / 2;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
  ];
  // Axes and gridlines (five steps).
  for (let i = 0; i <= 5; i++) {
    const y = top + plotH - (plotH * i) / 5;
    out.push(`<line x1="${left}" x2="${width - right}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${round2((flowsMax * i) / 5)}</text>`);
    out.push(`<text x="${width - right + 6}" y="${y + 4}">${round2((secondsMax * i) / 5)}</text>`);
  }
  out.push(
    `<text x="16" y="${top + plotH / 2}" transform="rotate(-90 16 ${top + plotH / 2})" text-anchor="middle" fill="#36c">flows per second</text>`,
    `<text x="${width - 14}" y="${top + plotH / 2}" transform="rotate(90 ${width - 14} ${top + plotH / 2})" text-anchor="middle" fill="#c33">seconds per flow (after the sign-in burst)</text>`,
  );
  points.forEach((p, i) => {
    const barW = slot * 0.5;
    const y = yFlows(p.flowsPerS);
    out.push(
      `<rect x="${x(i) - barW / 2}" y="${y}" width="${barW}" height="${top + plotH - y}" fill="#9bd" stroke="#36c"><title>${p.learners} learners: ${p.flowsPerS} flows/s</title></rect>`,
      `<text x="${x(i)}" y="${top + plotH + 16}" text-anchor="middle">${p.learners}</text>`,
      `<text x="${x(i)}" y="${top + plotH + 32}" text-anchor="middle" fill="${p.errors > 0 ? '#c00' : '#555'}">${p.errors} errors</text>`,
    );
    if (p.busyRetries > 0)
      out.push(
        `<text x="${x(i)}" y="${top + plotH + 46}" text-anchor="middle" fill="#555">${p.busyRetries} × 503</text>`,
      );
  });
  out.push(`<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle">learners</text>`);
  for (const [key, color, dash] of [
    ['steadyP50Ms', '#c33', '4 3'],
    ['steadyP99Ms', '#c33', ''],
  ] as const) {
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round2(x(i))},${round2(ySeconds(p[key]))}`).join(' ');
    out.push(
      `<path d="${path}" fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
    );
    for (const [i, p] of points.entries())
      out.push(
        `<circle cx="${round2(x(i))}" cy="${round2(ySeconds(p[key]))}" r="3" fill="${color}"><title>${p.learners} learners: ${key === 'steadyP50Ms' ? 'p50' : 'p99'} ${round2(p[key] / 1000)} s</title></circle>`,
      );
  }
  out.push(
    `<text x="${left + 4}" y="${top - 6}" fill="#36c">bars: flows/s</text>`,
    `<text x="${left + 110}" y="${top - 6}" fill="#c33">solid: p99, dashed: p50 of a flow started after the burst</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
