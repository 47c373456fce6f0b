/**
 * @module photos/calibration_prints
 *
 * Drive's public sample gallery: test prints a print lab uses to calibrate its printers (Client Credentials,
 * scope `gallery.read`). They belong to no user. Like the photos, they are painted by code, deterministic,
 * and self-contained (no fonts or images to fetch): a colour chart, a grey ramp, a resolution target, a
 * colour wheel, and a still life of plain geometric shapes (a test scene with no people in it).
 */
import type { SceneDefinition } from './scenes.js';
import {
  circle,
  ellipse,
  escapeXml,
  HEIGHT,
  line,
  linearGradient,
  num,
  path,
  type Point,
  polygon,
  radialGlow,
  rect,
  repeat,
  type Scene,
  stripes,
  WIDTH,
} from './svg.js';

const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

/** A line of text; the content is escaped. */
function text(
  x: number,
  y: number,
  content: string,
  options: { size?: number; fill?: string; anchor?: 'start' | 'middle' | 'end'; weight?: number } = {},
): string {
  const { size = 18, fill = '#1d2330', anchor = 'start', weight = 400 } = options;
  return `<text x="${num(x)}" y="${num(y)}" ${FONT} font-size="${size}" font-weight="${weight}" fill="${fill}" text-anchor="${anchor}">${escapeXml(content)}</text>`;
}

/** A printer's registration mark: a circle with a cross, used to check that the colour plates line up. */
function registrationMark(x: number, y: number, color: string): string {
  return (
    circle(x, y, 14, 'none', `stroke="${color}" stroke-width="2"`) +
    line(x - 24, y, x + 24, y, color, 2) +
    line(x, y - 24, x, y + 24, color, 2)
  );
}

/** The frame every test print shares: a registration mark in each corner and a caption at the bottom. */
function printFrame(title: string, caption: string, ink: string): string {
  const m = 40;
  return (
    registrationMark(m, m, ink) +
    registrationMark(WIDTH - m, m, ink) +
    registrationMark(m, HEIGHT - m, ink) +
    registrationMark(WIDTH - m, HEIGHT - m, ink) +
    text(WIDTH / 2, 70, title, { size: 34, fill: ink, anchor: 'middle', weight: 700 }) +
    text(WIDTH / 2, HEIGHT - 34, caption, { size: 16, fill: ink, anchor: 'middle' })
  );
}

/** A test print as listed in the gallery, with the caption and ink colour of its frame. */
interface TestPrint extends SceneDefinition {
  caption: string;
  ink: string;
  paint(): Scene;
}

/** Turn a test print into a scene: what its paint() draws, then the frame on top (see printFrame). */
function framed({ caption, ink, paint, ...definition }: TestPrint): SceneDefinition {
  return {
    ...definition,
    paint(): Scene {
      const { defs, body } = paint();
      return { defs, body: body + printFrame(definition.title, caption, ink) };
    },
  };
}

/** HSL (h in degrees, s and l in 0..1) to #rrggbb. */
function hslToHex(h: number, s: number, l: number): string {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const value = l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** The point at distance r from (cx, cy), at an angle in degrees clockwise from the top (as on a clock face). */
function polar(cx: number, cy: number, r: number, deg: number): Point {
  const rad = ((deg - 90) * Math.PI) / 180;
  return [cx + r * Math.cos(rad), cy + r * Math.sin(rad)];
}

/** A ring segment between two angles (degrees, clockwise from the top). */
function annularSector(
  cx: number,
  cy: number,
  inner: number,
  outer: number,
  from: number,
  to: number,
  fill: string,
): string {
  const at = (r: number, deg: number): string => {
    const [x, y] = polar(cx, cy, r, deg);
    return `${num(x)},${num(y)}`;
  };
  const large = to - from > 180 ? 1 : 0;
  return path(
    `M${at(outer, from)} A${num(outer)},${num(outer)} 0 ${large} 1 ${at(outer, to)} L${at(inner, to)} A${num(inner)},${num(inner)} 0 ${large} 0 ${at(inner, from)} Z`,
    fill,
  );
}

/**
 * The 24 patches of the classic colour checker chart (sRGB approximations of the published values), named as
 * usual. Photographed or printed next to the real chart, a difference in any patch shows a colour cast.
 */
const CHART_PATCHES: readonly (readonly [name: string, color: string])[] = [
  ['dark skin', '#735244'],
  ['light skin', '#c29682'],
  ['blue sky', '#627a9d'],
  ['foliage', '#576c43'],
  ['blue flower', '#8580b1'],
  ['bluish green', '#67bdaa'],
  ['orange', '#d67e2c'],
  ['purplish blue', '#505ba6'],
  ['moderate red', '#c15a63'],
  ['purple', '#5e3c6c'],
  ['yellow green', '#9dbc40'],
  ['orange yellow', '#e0a32e'],
  ['blue', '#383d96'],
  ['green', '#469449'],
  ['red', '#af363c'],
  ['yellow', '#e7c71f'],
  ['magenta', '#bb5695'],
  ['cyan', '#0885a1'],
  ['white', '#f3f3f2'],
  ['neutral 8', '#c8c8c8'],
  ['neutral 6.5', '#a0a0a0'],
  ['neutral 5', '#7a7a79'],
  ['neutral 3.5', '#555555'],
  ['black', '#343434'],
];

const colourCalibrationChart = framed({
  slug: 'colour-calibration-chart',
  title: 'Colour calibration chart',
  description:
    'Twenty-four colour patches in four rows on a dark grey card: natural colours, primaries and secondaries, and a row of neutral greys from white to black.',
  caption: 'Drive sample gallery · test print · compare each patch with the reference card under daylight',
  ink: '#d9d9d9',
  paint() {
    const cols = 6;
    const size = 180;
    const gap = 26;
    const x0 = (WIDTH - (cols * size + (cols - 1) * gap)) / 2;
    const y0 = 130;
    const patches = CHART_PATCHES.map(([name, color], i) => {
      const x = x0 + (i % cols) * (size + gap);
      const y = y0 + Math.floor(i / cols) * (size + gap);
      return (
        rect(x, y, size, size - 24, color, 'rx="10"') +
        text(x + size / 2, y + size - 4, `${i + 1} ${name}`, { size: 15, fill: '#d9d9d9', anchor: 'middle' })
      );
    });
    return {
      defs: '',
      body: rect(0, 0, WIDTH, HEIGHT, '#2b2b2b') + patches.join(''),
    };
  },
});

const greyRamp = framed({
  slug: 'grey-ramp',
  title: 'Grey ramp',
  description:
    'Twenty-one grey steps from black to white in five per cent increments, a smooth grey gradient, and red, green and blue ramps below.',
  caption: 'Drive sample gallery · test print · each step should be distinct from its neighbours',
  ink: '#1d2330',
  paint() {
    const steps = 21;
    const x0 = 90;
    const w = (WIDTH - 2 * x0) / steps;
    const stepsRow = repeat(steps, (i) => {
      const v = Math.round((i / (steps - 1)) * 255);
      const hex = v.toString(16).padStart(2, '0');
      const fill = `#${hex}${hex}${hex}`;
      return (
        rect(x0 + i * w, 130, w + 0.5, 260, fill) +
        text(x0 + i * w + w / 2, 420, `${i * 5}%`, { size: 15, anchor: 'middle' })
      );
    });
    const ramp = (id: string, y: number, label: string) =>
      rect(x0, y, WIDTH - 2 * x0, 80, `url(#${id})`) + text(x0, y - 10, label, { size: 16 });
    return {
      defs:
        linearGradient(
          'ramp-grey',
          [
            [0, '#000000'],
            [1, '#ffffff'],
          ],
          { x2: 1, y2: 0 },
        ) +
        linearGradient(
          'ramp-red',
          [
            [0, '#000000'],
            [1, '#ff0000'],
          ],
          { x2: 1, y2: 0 },
        ) +
        linearGradient(
          'ramp-green',
          [
            [0, '#000000'],
            [1, '#00ff00'],
          ],
          { x2: 1, y2: 0 },
        ) +
        linearGradient(
          'ramp-blue',
          [
            [0, '#000000'],
            [1, '#0000ff'],
          ],
          { x2: 1, y2: 0 },
        ),
      body:
        rect(0, 0, WIDTH, HEIGHT, '#f4f2ec') +
        stepsRow +
        ramp('ramp-grey', 470, 'Smooth gradient: no bands should be visible') +
        ramp('ramp-red', 590, 'Red') +
        ramp('ramp-green', 710, 'Green') +
        ramp('ramp-blue', 830, 'Blue'),
    };
  },
});

const resolutionTarget = framed({
  slug: 'resolution-target',
  title: 'Resolution target',
  description:
    'A Siemens star of 36 black wedges, and groups of black and white bars, horizontal and vertical, each group finer than the last.',
  caption: 'Drive sample gallery · test print · where the star turns grey is the limit of the printer',
  ink: '#111111',
  paint() {
    const cx = 430;
    const cy = 530;
    const r = 330;
    // Each wedge is 5° wide, with a 5° gap before the next one.
    const wedges = repeat(36, (i) =>
      polygon([[cx, cy], polar(cx, cy, r, i * 10), polar(cx, cy, r, i * 10 + 5)], '#111111'),
    );
    // One row per bar width, halving from 12 px to 1 px: five horizontal bars, then five vertical ones.
    const groups = [12, 6, 3, 2, 1].map((bar, g) => {
      const y = 150 + g * 135;
      const horizontal = stripes(5, 960, y, 160, bar, '#111111', { dy: bar * 2 });
      const vertical = stripes(5, 1180, y, bar, 100, '#111111', { dx: bar * 2 });
      return horizontal + vertical + text(940, y + 56, `${bar} px`, { size: 16, anchor: 'end' });
    });
    return {
      defs: '',
      body:
        rect(0, 0, WIDTH, HEIGHT, '#ffffff') +
        circle(cx, cy, r + 6, 'none', 'stroke="#111111" stroke-width="3"') +
        wedges +
        circle(cx, cy, 6, '#d11f1f') +
        groups.join(''),
    };
  },
});

const colourWheel = framed({
  slug: 'colour-wheel',
  title: 'Colour wheel',
  description:
    'A wheel of 36 hues in three rings from full to soft saturation, beside bars of the printing primaries cyan, magenta, yellow and black and the screen primaries red, green and blue.',
  caption: 'Drive sample gallery · test print · hues should run smoothly, with no jump between neighbours',
  ink: '#1d2330',
  paint() {
    const cx = 480;
    const cy = 540;
    const rings = [
      [250, 340, 1],
      [160, 250, 0.66],
      [80, 160, 0.33],
    ] as const;
    // Each sector overlaps the next by 0.3° so no hairline gap shows between them.
    const sectors = rings
      .map(([inner, outer, saturation]) =>
        repeat(36, (i) =>
          annularSector(cx, cy, inner, outer, i * 10, i * 10 + 10.3, hslToHex(i * 10, saturation, 0.5)),
        ),
      )
      .join('');
    const bars = (
      [
        ['Cyan', '#00aeef'],
        ['Magenta', '#ec008c'],
        ['Yellow', '#fff200'],
        ['Black', '#111111'],
        ['Red', '#ff0000'],
        ['Green', '#00ff00'],
        ['Blue', '#0000ff'],
      ] as const
    ).map(
      ([name, color], i) =>
        rect(930, 180 + i * 100, 420, 70, color, 'rx="6"') +
        text(915, 225 + i * 100, name, { size: 18, anchor: 'end' }),
    );
    return {
      defs: '',
      body: rect(0, 0, WIDTH, HEIGHT, '#f4f2ec') + sectors + circle(cx, cy, 80, '#808080') + bars.join(''),
    };
  },
});

const stillLifeOfShapes = framed({
  slug: 'still-life-of-shapes',
  title: 'Still life of shapes',
  description:
    'A test scene with no people in it: a red, a green and a blue sphere, a yellow cube and a grey cone on a table, in soft light against a graded backdrop.',
  caption: 'Drive sample gallery · test scene · smooth shading, clean edges, neutral greys',
  ink: '#1d2330',
  paint() {
    const table = 700;
    const shadow = (x: number, w: number) => ellipse(x, table + 8, w, w * 0.16, '#000000', 'opacity="0.25"');
    const sphere = (id: string, x: number, r: number, light: string, dark: string): Scene => ({
      defs: radialGlow(id, x - r * 0.35, table - r - r * 0.35, r * 1.4, [
        [0, light],
        [0.55, dark],
        [1, '#111111'],
      ]),
      body: shadow(x + r * 0.2, r * 1.05) + circle(x, table - r, r, `url(#${id})`),
    });
    const red = sphere('sphere-red', 330, 130, '#ff9b8f', '#c0261b');
    const green = sphere('sphere-green', 1250, 105, '#a6f0b0', '#1f8a36');
    const blue = sphere('sphere-blue', 590, 80, '#a9c8ff', '#1e4fb3');
    // A cube in two-point view: front, side and top faces in three shades of one yellow.
    const cx = 790;
    const s = 170;
    const cube =
      shadow(cx + 60, 150) +
      polygon(
        [
          [cx - s / 2, table],
          [cx + s / 2, table],
          [cx + s / 2, table - s],
          [cx - s / 2, table - s],
        ],
        '#e8b828',
      ) +
      polygon(
        [
          [cx + s / 2, table],
          [cx + s / 2 + 70, table - 40],
          [cx + s / 2 + 70, table - s - 40],
          [cx + s / 2, table - s],
        ],
        '#b88a12',
      ) +
      polygon(
        [
          [cx - s / 2, table - s],
          [cx + s / 2, table - s],
          [cx + s / 2 + 70, table - s - 40],
          [cx - s / 2 + 70, table - s - 40],
        ],
        '#f6d76a',
      );
    const cone =
      shadow(1060, 70) +
      path(`M1000,${table} L1060,${table - 260} L1120,${table} A60,16 0 0 1 1000,${table} Z`, 'url(#cone)');
    return {
      defs:
        linearGradient('backdrop', [
          [0, '#dfe4ea'],
          [1, '#9aa6b4'],
        ]) +
        linearGradient('tabletop', [
          [0, '#8a6a4f'],
          [1, '#5e4532'],
        ]) +
        linearGradient(
          'cone',
          [
            [0, '#4a4f57'],
            [0.45, '#c9ced6'],
            [1, '#5a5f67'],
          ],
          { x2: 1, y2: 0 },
        ) +
        red.defs +
        green.defs +
        blue.defs,
      body:
        rect(0, 0, WIDTH, table, 'url(#backdrop)') +
        rect(0, table, WIDTH, HEIGHT - table, 'url(#tabletop)') +
        red.body +
        cube +
        blue.body +
        cone +
        green.body,
    };
  },
});

/** The sample gallery, in the order it is listed. */
export const TEST_PRINTS: readonly SceneDefinition[] = [
  colourCalibrationChart,
  greyRamp,
  resolutionTarget,
  colourWheel,
  stillLifeOfShapes,
];
