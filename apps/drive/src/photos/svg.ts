/**
 * @module photos/svg
 *
 * A few drawing primitives for the generated photos: a seeded random generator (so every scene comes out the
 * same on every machine), gradients, ridge lines for mountains and hills, trees, stars. Plain strings of SVG,
 * no library: the output is a self-contained file with nothing to fetch.
 */

export const WIDTH = 1500;
export const HEIGHT = 1000;

export type Point = readonly [x: number, y: number];

/** A deterministic pseudo-random source in [0, 1). Not for secrets: only for drawing. */
export type Rng = () => number;

/** mulberry32, seeded from the FNV-1a hash of a string: the same name always draws the same scene. */
export function seededRandom(seed: string): Rng {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function between(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng();
}

export function pick<T>(rng: Rng, items: readonly [T, ...T[]]): T {
  return items[Math.floor(rng() * items.length)] ?? items[0];
}

/** Numbers with one decimal: smaller files, identical rendering. */
export function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export type Stop = readonly [offset: number, color: string, opacity?: number];

function stops(list: readonly Stop[]): string {
  return list
    .map(
      ([offset, color, opacity]) =>
        `<stop offset="${num(offset * 100)}%" stop-color="${color}"${opacity === undefined ? '' : ` stop-opacity="${opacity}"`}/>`,
    )
    .join('');
}

/** A top-to-bottom gradient unless told otherwise (coordinates are fractions of the filled box). */
export function linearGradient(
  id: string,
  list: readonly Stop[],
  direction: { x1?: number; y1?: number; x2?: number; y2?: number } = {},
): string {
  const { x1 = 0, y1 = 0, x2 = 0, y2 = 1 } = direction;
  return `<linearGradient id="${id}" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}">${stops(list)}</linearGradient>`;
}

/** A gradient in user space (pixels), centred on (cx, cy): glows around suns, moons and lamps. */
export function radialGlow(id: string, cx: number, cy: number, r: number, list: readonly Stop[]): string {
  return `<radialGradient id="${id}" cx="${num(cx)}" cy="${num(cy)}" r="${num(r)}" gradientUnits="userSpaceOnUse">${stops(list)}</radialGradient>`;
}

export function rect(x: number, y: number, w: number, h: number, fill: string, extra = ''): string {
  return `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;
}

export function circle(cx: number, cy: number, r: number, fill: string, extra = ''): string {
  return `<circle cx="${num(cx)}" cy="${num(cy)}" r="${num(r)}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;
}

export function polygon(points: readonly Point[], fill: string, extra = ''): string {
  return `<polygon points="${points.map(([x, y]) => `${num(x)},${num(y)}`).join(' ')}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;
}

export function ellipse(cx: number, cy: number, rx: number, ry: number, fill: string, extra = ''): string {
  return `<ellipse cx="${num(cx)}" cy="${num(cy)}" rx="${num(rx)}" ry="${num(ry)}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;
}

/** A straight stroke from (x1, y1) to (x2, y2). */
export function line(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  stroke: string,
  width: number,
  extra = '',
): string {
  return `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}" stroke="${stroke}" stroke-width="${num(width)}"${extra ? ` ${extra}` : ''}/>`;
}

/** Any outline given as path data `d` (written as is: round its numbers with num() when building it). */
export function path(d: string, fill: string, extra = ''): string {
  return `<path d="${d}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;
}

/** An upright triangle standing on the line y = baseY, its tip at (x, topY): a roof, a tent. */
export function triangle(x: number, baseY: number, halfWidth: number, topY: number, fill: string): string {
  return polygon(
    [
      [x - halfWidth, baseY],
      [x + halfWidth, baseY],
      [x, topY],
    ],
    fill,
  );
}

/** `count` equal rectangles, each moved on by (dx, dy) from the one before: stripes on a towel, bands on a tower. */
export function stripes(
  count: number,
  x: number,
  y: number,
  w: number,
  h: number,
  fill: string,
  step: { dx?: number; dy?: number },
): string {
  const { dx = 0, dy = 0 } = step;
  return repeat(count, (i) => rect(x + i * dx, y + i * dy, w, h, fill));
}

/** Draw something `count` times (`draw` gets the index 0, 1, 2…) and join the pieces into one string. */
export function repeat(count: number, draw: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => draw(i)).join('');
}

/** The area under a line, down to `bottom`: a mountain range, a hill, a dune. */
export function areaBelow(line: readonly Point[], bottom = HEIGHT): string {
  const first = line[0];
  const last = line[line.length - 1];
  if (!first || !last) return '';
  return `M${num(first[0])},${num(bottom)} ${line.map(([x, y]) => `L${num(x)},${num(y)}`).join(' ')} L${num(last[0])},${num(bottom)} Z`;
}

/**
 * A jagged ridge by midpoint displacement: each halving of the segments adds a random offset that shrinks by
 * `roughness`. About 0.5 gives alpine peaks, 0.35 softer ranges. The ridge spans the whole width.
 */
export function ridge(
  rng: Rng,
  options: { baseY: number; amplitude: number; roughness?: number; levels?: number },
): Point[] {
  const { baseY, amplitude, roughness = 0.5, levels = 7 } = options;
  const count = 2 ** levels;
  const heights: number[] = new Array<number>(count + 1).fill(0);
  heights[0] = between(rng, -0.5, 0.5) * amplitude;
  heights[count] = between(rng, -0.5, 0.5) * amplitude;
  let displacement = amplitude;
  for (let step = count; step > 1; step /= 2) {
    const half = step / 2;
    for (let i = half; i < count; i += step) {
      const mid = ((heights[i - half] ?? 0) + (heights[i + half] ?? 0)) / 2;
      heights[i] = mid + between(rng, -1, 1) * displacement;
    }
    displacement *= roughness;
  }
  return heights.map((h, i) => [(i * WIDTH) / count, baseY - h] as const);
}

/** Rolling hills: a few long, gentle waves added together. */
export function hills(
  rng: Rng,
  options: { baseY: number; amplitude: number; waves?: number; x0?: number; x1?: number },
): Point[] {
  const { baseY, amplitude, waves = 3, x0 = 0, x1 = WIDTH } = options;
  const components = Array.from({ length: waves }, (_, k) => ({
    frequency: between(rng, 0.6, 1.6) * (k + 1) * ((2 * Math.PI) / WIDTH),
    phase: between(rng, 0, 2 * Math.PI),
    weight: amplitude / (k + 1),
  }));
  const line: Point[] = [];
  for (let x = x0; x <= x1; x += 15) {
    const y = components.reduce((sum, c) => sum + Math.sin(x * c.frequency + c.phase) * c.weight, 0);
    line.push([x, baseY - y]);
  }
  return line;
}

/** The height of a line at x (linear interpolation), to stand things on a hill. */
export function heightAt(line: readonly Point[], x: number): number {
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1];
    const b = line[i];
    if (a && b && x >= a[0] && x <= b[0]) return a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0] || 1);
  }
  return line[line.length - 1]?.[1] ?? HEIGHT;
}

/**
 * `count` things at random places along the ground line, each sunk a random depth (between sink[0] and sink[1]) below it:
 * trees standing on a hill. `draw` gets the spot and draws the thing there.
 */
export function scatterAlong(
  rng: Rng,
  ground: readonly Point[],
  count: number,
  sink: readonly [min: number, max: number],
  draw: (x: number, y: number) => string,
): string {
  return repeat(count, () => {
    const x = between(rng, 0, WIDTH);
    return draw(x, heightAt(ground, x) + between(rng, sink[0], sink[1]));
  });
}

/** A pine (fir) as three stacked triangles on a short trunk, its base at (x, y). */
export function pine(x: number, y: number, height: number, color: string, snow?: string): string {
  const w = height * 0.42;
  const trunk = rect(x - w * 0.06, y - height * 0.12, w * 0.12, height * 0.12, '#3b2a20');
  const tiers = [0, 1, 2].map((i) => {
    const top = y - height + i * height * 0.22;
    const bottom = y - height * 0.1 - (2 - i) * height * 0.16;
    const half = w * (0.55 + i * 0.22);
    const tier = polygon(
      [
        [x, top],
        [x + half, bottom],
        [x - half, bottom],
      ],
      color,
    );
    const cap = snow
      ? polygon(
          [
            [x, top],
            [x + half * 0.45, top + (bottom - top) * 0.45],
            [x - half * 0.45, top + (bottom - top) * 0.45],
          ],
          snow,
        )
      : '';
    return tier + cap;
  });
  return trunk + tiers.join('');
}

/** A broadleaf tree: a trunk and a cluster of round crowns in a few shades. */
export function broadleaf(
  rng: Rng,
  x: number,
  y: number,
  height: number,
  shades: readonly [string, ...string[]],
): string {
  const crown = height * 0.36;
  const trunk = polygon(
    [
      [x - height * 0.04, y],
      [x + height * 0.04, y],
      [x + height * 0.02, y - height * 0.6],
      [x - height * 0.02, y - height * 0.6],
    ],
    '#4a3426',
  );
  const blobs = repeat(7, () =>
    circle(
      x + between(rng, -crown * 0.9, crown * 0.9),
      y - height * 0.62 + between(rng, -crown * 0.7, crown * 0.5),
      crown * between(rng, 0.45, 0.75),
      pick(rng, shades),
    ),
  );
  return trunk + blobs;
}

/** Stars scattered above `horizon`, thinning towards it, with a few bright ones. */
export function stars(rng: Rng, count: number, horizon: number): string {
  return repeat(count, () => {
    const y = horizon * rng() ** 1.6;
    const bright = rng() < 0.06;
    return circle(
      between(rng, 0, WIDTH),
      y,
      bright ? between(rng, 1.8, 2.6) : between(rng, 0.6, 1.5),
      '#ffffff',
      `opacity="${num(between(rng, 0.35, 1))}"`,
    );
  });
}

/** A soft cloud: overlapping ellipses. */
export function cloud(rng: Rng, x: number, y: number, size: number, color = '#ffffff', opacity = 0.9): string {
  const puffs = Array.from({ length: 6 }, (_, i) => {
    const dx = (i - 2.5) * size * 0.32 + between(rng, -size * 0.08, size * 0.08);
    const r = size * between(rng, 0.22, 0.38) * (1 - Math.abs(i - 2.5) * 0.12);
    return `<ellipse cx="${num(x + dx)}" cy="${num(y - r * 0.3)}" rx="${num(r * 1.3)}" ry="${num(r)}"/>`;
  });
  return `<g fill="${color}" opacity="${opacity}">${puffs.join('')}<ellipse cx="${num(x)}" cy="${num(y)}" rx="${num(size * 1.1)}" ry="${num(size * 0.16)}"/></g>`;
}

/** Thin horizontal strokes on water: light catching the ripples. */
export function ripples(
  rng: Rng,
  count: number,
  area: { x0?: number; x1?: number; y0: number; y1?: number },
  color: string,
): string {
  // By default the water runs from y0 to the bottom edge, across the whole width.
  const { x0 = 0, x1 = WIDTH, y0, y1 = HEIGHT } = area;
  return repeat(count, () => {
    const y = between(rng, y0, y1);
    const depth = (y - y0) / (y1 - y0 || 1);
    const length = between(rng, 20, 90) * (0.5 + depth);
    const x = between(rng, x0, x1 - length);
    return line(
      x,
      y,
      x + length,
      y,
      color,
      1 + depth * 2.5,
      `stroke-linecap="round" opacity="${num(between(rng, 0.25, 0.7))}"`,
    );
  });
}

/** A small flying bird, as two arcs. */
function bird(x: number, y: number, span: number, color = '#2b2b36'): string {
  const s = span / 2;
  const d = `M${num(x - s)},${num(y)} Q${num(x - s / 2)},${num(y - s * 0.55)} ${num(x)},${num(y)} Q${num(x + s / 2)},${num(y - s * 0.55)} ${num(x + s)},${num(y)}`;
  return path(d, 'none', `stroke="${color}" stroke-width="${num(Math.max(1.5, span / 14))}" stroke-linecap="round"`);
}

/** A few birds of one colour, each given as [x, y, span]. */
export function flock(birds: readonly (readonly [x: number, y: number, span: number])[], color?: string): string {
  return birds.map(([x, y, span]) => bird(x, y, span, color)).join('');
}

export interface Scene {
  defs: string;
  body: string;
}

/** A complete SVG document with an accessible title and description. */
export function svgDocument(title: string, description: string, scene: Scene): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="title desc">`,
    `<title id="title">${escapeXml(title)}</title>`,
    `<desc id="desc">${escapeXml(description)}</desc>`,
    `<defs>${scene.defs}</defs>`,
    scene.body,
    '</svg>',
    '',
  ].join('\n');
}
