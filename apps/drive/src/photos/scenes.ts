/**
 * @module photos/scenes
 *
 * The demo's photos: each one a small landscape painted by code, the same on every machine (the random
 * generator is seeded by the scene's name). The project makes its photos instead of downloading them, so the
 * demo works offline and carries no third-party image licences.
 */
import {
  areaBelow,
  between,
  broadleaf,
  circle,
  cloud,
  ellipse,
  flock,
  HEIGHT,
  heightAt,
  hills,
  line,
  linearGradient,
  num,
  path,
  pick,
  pine,
  type Point,
  polygon,
  radialGlow,
  rect,
  repeat,
  ridge,
  ripples,
  type Rng,
  type Scene,
  scatterAlong,
  seededRandom,
  stars,
  stripes,
  svgDocument,
  triangle,
  WIDTH,
} from './svg.js';

export interface SceneDefinition {
  /** Stable name: seeds the drawing and names the file. */
  slug: string;
  title: string;
  /** What the picture shows, for the SVG `<desc>` (screen readers). */
  description: string;
  paint(rng: Rng): Scene;
}

/** Render a scene to a complete SVG document. Deterministic: same slug, same bytes. */
export function renderScene(scene: SceneDefinition): string {
  return svgDocument(scene.title, scene.description, scene.paint(seededRandom(scene.slug)));
}

/** A crescent moon: a disc with a second, offset disc masked out. */
function crescentMoon(id: string, x: number, y: number, r: number, color: string): Scene {
  return {
    defs:
      `<mask id="${id}"><rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>${circle(x + r * 0.45, y - r * 0.2, r * 0.9, '#000')}</mask>` +
      radialGlow(`${id}-glow`, x, y, r * 4, [
        [0, color, 0.35],
        [1, color, 0],
      ]),
    body: circle(x, y, r * 4, `url(#${id}-glow)`) + circle(x, y, r, color, `mask="url(#${id})"`),
  };
}

/** A glowing sun or full moon. */
function glowingDisc(id: string, x: number, y: number, r: number, core: string, glow: string, reach = 6): Scene {
  return {
    defs: radialGlow(id, x, y, r * reach, [
      [0, glow, 0.85],
      [0.18, glow, 0.5],
      [1, glow, 0],
    ]),
    body: circle(x, y, r * reach, `url(#${id})`) + circle(x, y, r, core),
  };
}

/** Everything drawn inside `inner`, mirrored around the horizontal line y = axis: reflections on water. */
function mirrored(axis: number, inner: string, opacity: number, clipId: string): string {
  return `<g clip-path="url(#${clipId})" opacity="${opacity}"><g transform="translate(0 ${num(2 * axis)}) scale(1 -1)">${inner}</g></g>`;
}

function clipBelow(id: string, y: number): string {
  return `<clipPath id="${id}"><rect x="0" y="${num(y)}" width="${WIDTH}" height="${num(HEIGHT - y)}"/></clipPath>`;
}

const mirrorLakeAtDawn: SceneDefinition = {
  slug: 'mirror-lake-at-dawn',
  title: 'Mirror lake at dawn',
  description: 'The sun rises between violet mountains; the still lake mirrors them, framed by dark pines.',
  paint(rng) {
    const horizon = 600;
    const sun = glowingDisc('sun', 1000, 575, 52, '#fff4d8', '#ffd9a0', 7);
    const far = ridge(rng, { baseY: 470, amplitude: 120, roughness: 0.52 });
    const mid = ridge(rng, { baseY: 545, amplitude: 80, roughness: 0.48 });
    const near = hills(rng, { baseY: 590, amplitude: 18 });
    const mountains =
      path(areaBelow(far, horizon), '#a08cbd') +
      path(areaBelow(mid, horizon), '#6f5e96') +
      path(areaBelow(near, horizon), '#403a66');
    const sunColumn = repeat(26, (i) => {
      const y = horizon + 8 + i * 14;
      const w = between(rng, 30, 110) * (1 - i / 40);
      return line(1000 - w, y, 1000 + w, y, '#ffe6b8', 3, `stroke-linecap="round" opacity="${num(0.75 - i * 0.025)}"`);
    });
    const shore = `M0,790 C180,800 360,880 560,1000 L0,1000 Z`;
    const leftPines = repeat(9, (i) =>
      pine(30 + i * 55 + between(rng, -12, 12), 815 + i * 16, between(rng, 170, 290) - i * 9, '#1b1930'),
    );
    const rightPines = repeat(6, (i) =>
      pine(1220 + i * 48 + between(rng, -10, 10), 640 + between(rng, -4, 4), between(rng, 60, 110), '#2a2647'),
    );
    return {
      defs:
        linearGradient('sky', [
          [0, '#2d3561'],
          [0.38, '#7c5fa8'],
          [0.72, '#ef9479'],
          [1, '#fcd9a8'],
        ]) +
        linearGradient('lake', [
          [0, '#f7cfa4'],
          [0.35, '#c48a95'],
          [1, '#272b57'],
        ]) +
        linearGradient('mist', [
          [0, '#ffe8d0', 0],
          [0.5, '#ffe8d0', 0.45],
          [1, '#ffe8d0', 0],
        ]) +
        clipBelow('water', horizon) +
        sun.defs,
      body:
        rect(0, 0, WIDTH, horizon, 'url(#sky)') +
        sun.body +
        mountains +
        rect(0, horizon, WIDTH, HEIGHT - horizon, 'url(#lake)') +
        mirrored(horizon, sun.body + mountains, 0.5, 'water') +
        sunColumn +
        ripples(rng, 70, { y0: horizon + 10 }, '#ffe3c2') +
        rect(0, horizon - 40, WIDTH, 80, 'url(#mist)') +
        path('M1180,650 C1260,630 1400,628 1500,640 L1500,660 C1400,652 1280,655 1180,650 Z', '#2a2647') +
        rightPines +
        path(shore, '#15142a') +
        leftPines,
    };
  },
};

const alpineMeadowAtNoon: SceneDefinition = {
  slug: 'alpine-meadow-at-noon',
  title: 'Alpine meadow at noon',
  description: 'Snow-capped peaks under a blue sky with white clouds, a forested ridge, and a meadow full of flowers.',
  paint(rng) {
    const peaks = ridge(rng, { baseY: 360, amplitude: 220, roughness: 0.55 });
    // Snow caps: below each ridge point higher than the snowline, a snowfield of random depth (gullies).
    const heights = peaks.map(([, y]) => y).sort((a, b) => a - b);
    const snowBase = (heights[Math.floor(heights.length * 0.45)] ?? 300) + 20;
    const snowBottom = peaks.map(
      ([x, y]) => [x, y < snowBase ? y + (snowBase - y) * between(rng, 0.45, 1.1) : y] as const,
    );
    const snow = `M${peaks.map(([x, y]) => `${num(x)},${num(y - 1)}`).join(' L')} ${[...snowBottom]
      .reverse()
      .map(([x, y]) => `L${num(x)},${num(y)}`)
      .join(' ')} Z`;
    const forest = ridge(rng, { baseY: 575, amplitude: 70, roughness: 0.42 });
    const meadow = hills(rng, { baseY: 705, amplitude: 35 });
    const front = hills(rng, { baseY: 890, amplitude: 30 });
    const trees = scatterAlong(rng, forest, 60, [18, 70], (x, y) =>
      pine(x, y, between(rng, 35, 70), pick(rng, ['#2f5a45', '#244a39', '#386a50'])),
    );
    // Flowers anywhere below a hill line, larger towards the viewer.
    const flowers = (ground: readonly Point[], count: number, minR: number, maxR: number) =>
      repeat(count, () => {
        const x = between(rng, 0, WIDTH);
        const top = heightAt(ground, x);
        const y = between(rng, top + 8, HEIGHT);
        const r = minR + (maxR - minR) * ((y - top) / (HEIGHT - top));
        return circle(x, y, r, pick(rng, ['#ffffff', '#ffe15a', '#b48ee6', '#ff8fb1', '#ffd23f']));
      });
    return {
      defs:
        linearGradient('sky', [
          [0, '#2f86d4'],
          [0.6, '#86c2ef'],
          [1, '#dcf0fc'],
        ]) +
        linearGradient(
          'rock',
          [
            [0, '#a7b2c6'],
            [0.55, '#7f8ca5'],
            [1, '#5d6882'],
          ],
          { x1: 0, y1: 0, x2: 1, y2: 0.3 },
        ) +
        linearGradient('grass', [
          [0, '#9acb5e'],
          [1, '#5f9e3c'],
        ]) +
        linearGradient('haze', [
          [0, '#dcf0fc', 0],
          [1, '#dcf0fc', 0.55],
        ]),
      body:
        rect(0, 0, WIDTH, HEIGHT, 'url(#sky)') +
        cloud(rng, 260, 150, 180) +
        cloud(rng, 820, 95, 130) +
        cloud(rng, 1250, 190, 200) +
        path(areaBelow(peaks), 'url(#rock)') +
        path(snow, '#f5f8fc') +
        rect(0, 420, WIDTH, 200, 'url(#haze)') +
        path(areaBelow(forest), '#4f7a5e') +
        trees +
        path(areaBelow(meadow), 'url(#grass)') +
        flowers(meadow, 420, 1.5, 5) +
        path(areaBelow(front), '#4d8a34') +
        flowers(front, 160, 4, 9),
    };
  },
};

const cityLightsAtDusk: SceneDefinition = {
  slug: 'city-lights-at-dusk',
  title: 'City lights at dusk',
  description:
    'A city skyline against a violet and orange dusk sky, windows lit, mirrored in the river below a crescent moon.',
  paint(rng) {
    const waterline = 760;
    const moon = crescentMoon('moon', 300, 170, 44, '#fdf3d6');
    let x = -20;
    const back: string[] = [];
    while (x < WIDTH) {
      const w = between(rng, 45, 115);
      const h = between(rng, 140, 340);
      back.push(rect(x, waterline - h, w + 2, h, '#3d3163'));
      x += w;
    }
    x = -10;
    const front: string[] = [];
    while (x < WIDTH) {
      const w = between(rng, 60, 150);
      const h = rng() < 0.15 ? between(rng, 380, 470) : between(rng, 90, 300);
      const top = waterline - h;
      front.push(rect(x, top, w, h, '#1c1833'));
      if (h > 380) {
        front.push(line(x + w / 2, top, x + w / 2, top - 70, '#1c1833', 4));
        front.push(circle(x + w / 2, top - 72, 5, '#ff5a4f'));
      }
      for (let wy = top + 16; wy < waterline - 20; wy += 26) {
        for (let wx = x + 10; wx < x + w - 16; wx += 18) {
          if (rng() < 0.36) front.push(rect(wx, wy, 9, 13, pick(rng, ['#ffd27a', '#ffe9b0', '#ffc35c'])));
        }
      }
      x += w + between(rng, 0, 8);
    }
    const skyline = back.join('') + front.join('');
    return {
      defs:
        linearGradient('sky', [
          [0, '#141a46'],
          [0.45, '#4d3575'],
          [0.74, '#c2577a'],
          [0.9, '#f59b6b'],
          [1, '#ffd39a'],
        ]) +
        linearGradient('river', [
          [0, '#4a3566'],
          [1, '#0e0f25'],
        ]) +
        clipBelow('water', waterline) +
        moon.defs,
      body:
        rect(0, 0, WIDTH, waterline, 'url(#sky)') +
        stars(rng, 40, 330) +
        moon.body +
        `<g id="skyline">${skyline}</g>` +
        rect(0, waterline, WIDTH, HEIGHT - waterline, 'url(#river)') +
        mirrored(waterline, '<use href="#skyline"/>', 0.4, 'water') +
        ripples(rng, 140, { y0: waterline + 4 }, '#0e0f25') +
        ripples(rng, 50, { y0: waterline + 4 }, '#ffcf8a') +
        rect(0, waterline - 2, WIDTH, 6, '#0d0c1c'),
    };
  },
};

const quietBeach: SceneDefinition = {
  slug: 'quiet-beach-in-the-afternoon',
  title: 'Quiet beach in the afternoon',
  description:
    'A palm tree leans over warm sand; a red and white parasol, a striped towel, a turquoise sea and a far sailboat.',
  paint(rng) {
    const horizon = 520;
    const sun = glowingDisc('sun', 1150, 190, 58, '#fff7dc', '#fff1c4', 5);
    const shoreline = hills(rng, { baseY: 700, amplitude: 22, waves: 2 });
    const trunk = repeat(12, (i) => {
      const t = i / 12;
      const t2 = (i + 1) / 12;
      const at = (s: number) => [260 + 150 * s * s, 900 - 480 * s] as const;
      const [ax, ay] = at(t);
      const [bx, by] = at(t2);
      const wa = 24 - 10 * t;
      const wb = 24 - 10 * t2;
      return polygon(
        [
          [ax - wa, ay],
          [ax + wa, ay],
          [bx + wb, by + 4],
          [bx - wb, by + 4],
        ],
        i % 2 ? '#8a6240' : '#7a5436',
      );
    });
    const crownX = 410;
    const crownY = 420;
    const fronds = [-160, -120, -75, -30, 15, 60, 105, 150, 195]
      .map((angle, i) => {
        const length = 190 + (i % 3) * 25;
        const a = (angle * Math.PI) / 180;
        const tipX = crownX + Math.cos(a) * length;
        const tipY = crownY + Math.sin(a) * length * 0.55 + 70;
        const ctrlX = crownX + Math.cos(a) * length * 0.5;
        const ctrlY = crownY + Math.sin(a) * length * 0.5 - 60;
        const side = 22;
        return path(
          `M${crownX},${crownY} Q${num(ctrlX - side)},${num(ctrlY - side)} ${num(tipX)},${num(tipY)} Q${num(ctrlX + side)},${num(ctrlY + side)} ${crownX},${crownY} Z`,
          i % 2 ? '#2f7d3a' : '#3f9a48',
        );
      })
      .join('');
    const parasol =
      line(1010, 880, 1040, 640, '#6b6b6b', 6) +
      path('M890,660 Q1040,520 1190,640 Z', '#e04a3f') +
      path('M965,615 Q1040,560 1040,560 Q1040,560 1115,618 Q1045,600 965,615 Z', '#ffffff', 'opacity="0.9"');
    const towel = `<g transform="rotate(-8 880 860)">${rect(760, 820, 240, 90, '#f4f1ea')}${stripes(3, 760, 832, 240, 12, '#2d8fc4', { dy: 26 })}</g>`;
    return {
      defs:
        linearGradient('sky', [
          [0, '#56a6e4'],
          [0.7, '#a9d9f1'],
          [1, '#f6e8c8'],
        ]) +
        linearGradient('sea', [
          [0, '#22759f'],
          [1, '#4ab8c6'],
        ]) +
        linearGradient('sand', [
          [0, '#f4deae'],
          [1, '#e0bd86'],
        ]) +
        sun.defs,
      body:
        rect(0, 0, WIDTH, horizon, 'url(#sky)') +
        sun.body +
        cloud(rng, 300, 140, 150) +
        cloud(rng, 760, 230, 110, '#ffffff', 0.8) +
        rect(0, horizon, WIDTH, 240, 'url(#sea)') +
        path(`M40,${horizon} Q150,${horizon - 45} 290,${horizon} Z`, '#5f8f8a') +
        polygon(
          [
            [620, 505],
            [620, 450],
            [655, 505],
          ],
          '#ffffff',
        ) +
        polygon(
          [
            [612, 509],
            [664, 509],
            [655, 516],
            [620, 516],
          ],
          '#3b4a5a',
        ) +
        ripples(rng, 90, { y0: horizon + 6, y1: 700 }, '#e9fbff') +
        path(areaBelow(shoreline.map(([sx, sy]) => [sx, sy + 10] as const)), '#c9b58c', 'opacity="0.7"') +
        path(areaBelow(shoreline.map(([sx, sy]) => [sx, sy + 22] as const)), 'url(#sand)') +
        `<polyline points="${shoreline.map(([sx, sy]) => `${num(sx)},${num(sy + 8)}`).join(' ')}" fill="none" stroke="#ffffff" stroke-width="7" opacity="0.85" stroke-linecap="round"/>` +
        ellipse(520, 910, 260, 30, '#7a5a3a', 'opacity="0.15"') +
        trunk +
        fronds +
        circle(400, 440, 14, '#5b3b22') +
        circle(426, 446, 13, '#6b4628') +
        circle(412, 462, 13, '#5b3b22') +
        towel +
        parasol +
        repeat(25, () =>
          circle(
            between(rng, 0, WIDTH),
            between(rng, 780, 990),
            between(rng, 2, 5),
            pick(rng, ['#fff5e6', '#f2b8a0', '#e7d2b0']),
          ),
        ) +
        flock([
          [900, 300, 34],
          [960, 330, 26],
        ]),
    };
  },
};

const starsOverTheHills: SceneDefinition = {
  slug: 'stars-over-the-hills',
  title: 'Stars over the hills',
  description:
    'The Milky Way arcs over dark rolling hills; a crescent moon, a shooting star, a lone tree and a glowing tent.',
  paint(rng) {
    const moon = crescentMoon('moon', 1240, 170, 38, '#fff8e1');
    const band = repeat(500, () => {
      const t = rng();
      const spread = (rng() + rng() + rng() - 1.5) * 110;
      const bx = -100 + t * 1700;
      const by = 620 - t * 520 + spread;
      return circle(bx, by, between(rng, 0.5, 1.3), '#ffffff', `opacity="${num(between(rng, 0.3, 0.9))}"`);
    });
    const back = hills(rng, { baseY: 720, amplitude: 45 });
    const middle = hills(rng, { baseY: 810, amplitude: 50 });
    const front = hills(rng, { baseY: 905, amplitude: 35 });
    const treeX = 1080;
    const tentX = 420;
    const tentY = heightAt(front, tentX) + 30;
    return {
      defs:
        linearGradient('sky', [
          [0, '#03061a'],
          [0.55, '#0f1c45'],
          [0.85, '#2a3f74'],
          [1, '#46618f'],
        ]) +
        `<radialGradient id="milky"><stop offset="0%" stop-color="#dfe6ff" stop-opacity="0.28"/><stop offset="60%" stop-color="#9fb0ff" stop-opacity="0.08"/><stop offset="100%" stop-color="#9fb0ff" stop-opacity="0"/></radialGradient>` +
        linearGradient(
          'meteor',
          [
            [0, '#ffffff', 0],
            [1, '#ffffff', 0.9],
          ],
          { x1: 0, y1: 0, x2: 1, y2: 0 },
        ) +
        radialGlow('tent-glow', tentX, tentY - 40, 160, [
          [0, '#ffb55a', 0.55],
          [1, '#ffb55a', 0],
        ]) +
        moon.defs,
      body:
        rect(0, 0, WIDTH, HEIGHT, 'url(#sky)') +
        ellipse(750, 360, 900, 150, 'url(#milky)', 'transform="rotate(-19 750 360)"') +
        stars(rng, 420, 820) +
        band +
        moon.body +
        line(260, 110, 470, 205, 'url(#meteor)', 3, 'stroke-linecap="round"') +
        path(areaBelow(back), '#17223f') +
        path(areaBelow(middle), '#0d152c') +
        broadleaf(rng, treeX, heightAt(middle, treeX) + 8, 230, ['#070b17', '#0a0f1f']) +
        path(areaBelow(front), '#060a17') +
        circle(tentX, tentY - 40, 160, 'url(#tent-glow)') +
        triangle(tentX, tentY, 70, tentY - 90, '#f6a74b') +
        triangle(tentX, tentY, 14, tentY - 40, '#7a3d12'),
    };
  },
};

const tulipFields: SceneDefinition = {
  slug: 'tulip-fields-and-the-windmill',
  title: 'Tulip fields and the windmill',
  description:
    'Stripes of red, yellow, pink and purple tulips run to the horizon, where an old windmill turns under a spring sky.',
  paint(rng) {
    const horizon = 520;
    const vanishX = 750;
    const colors = [
      ['#e0313b', '#ff6b6b'],
      ['#f7c531', '#ffe27a'],
      ['#f07aa5', '#ffb3cf'],
      ['#8e44ad', '#b97fd6'],
      ['#f4f1ea', '#ffffff'],
      ['#f08a24', '#ffb25e'],
    ] as const;
    const count = 16;
    const topX = (k: number) => -350 + (k * 2200) / count;
    const bottomX = (k: number) => vanishX + (topX(k) - vanishX) * 5;
    const fieldStripes: string[] = [];
    for (let k = 0; k < count; k++) {
      const [base, light] = colors[k % colors.length] ?? colors[0];
      const gap = 0.12;
      const a = k + gap;
      const b = k + 1 - gap;
      const lerpTop = (s: number) =>
        topX(Math.floor(s)) + (topX(Math.floor(s) + 1) - topX(Math.floor(s))) * (s - Math.floor(s));
      const lerpBottom = (s: number) =>
        bottomX(Math.floor(s)) + (bottomX(Math.floor(s) + 1) - bottomX(Math.floor(s))) * (s - Math.floor(s));
      fieldStripes.push(
        polygon(
          [
            [lerpTop(a), horizon],
            [lerpTop(b), horizon],
            [lerpBottom(b), HEIGHT],
            [lerpBottom(a), HEIGHT],
          ],
          base,
        ),
      );
      for (let row = 0, y = horizon + 4; y < HEIGHT; row++, y += 3 + row * 1.1) {
        const depth = (y - horizon) / (HEIGHT - horizon);
        const left = lerpTop(a) + (lerpBottom(a) - lerpTop(a)) * depth;
        const right = lerpTop(b) + (lerpBottom(b) - lerpTop(b)) * depth;
        const size = 1 + depth * 9;
        const n = Math.min(7, Math.max(1, Math.floor((right - left) / (size * 3))));
        for (let i = 0; i < n; i++) {
          const fx = left + ((i + 0.5) * (right - left)) / n + between(rng, -size, size);
          if (fx < -20 || fx > WIDTH + 20) continue;
          fieldStripes.push(ellipse(fx, y, size, size * 1.3, light));
        }
      }
    }
    const millX = 1120;
    const hubY = horizon - 175;
    const sails = [20, 110, 200, 290]
      .map(
        (angle) =>
          `<g transform="rotate(${angle} ${millX} ${hubY})">${rect(millX - 4, hubY - 200, 8, 200, '#3b2a22')}${rect(millX + 4, hubY - 190, 36, 160, '#f3efe6', 'opacity="0.92"')}${stripes(5, millX + 4, hubY - 185, 36, 3, '#8a7a6a', { dy: 32 })}</g>`,
      )
      .join('');
    const treeLine = repeat(70, () =>
      ellipse(
        between(rng, 0, WIDTH),
        horizon - 4,
        between(rng, 14, 34),
        between(rng, 10, 26),
        pick(rng, ['#4c7a4a', '#3f6b40', '#5a8a55']),
      ),
    );
    return {
      defs:
        linearGradient('sky', [
          [0, '#69b0ec'],
          [1, '#dbeefb'],
        ]) +
        linearGradient('soil', [
          [0, '#5b8c3e'],
          [1, '#3f6d2a'],
        ]),
      body:
        rect(0, 0, WIDTH, horizon, 'url(#sky)') +
        cloud(rng, 240, 130, 160) +
        cloud(rng, 700, 80, 110, '#ffffff', 0.85) +
        cloud(rng, 1330, 150, 150) +
        treeLine +
        polygon(
          [
            [millX - 38, horizon],
            [millX + 38, horizon],
            [millX + 20, hubY + 10],
            [millX - 20, hubY + 10],
          ],
          '#7a4a35',
        ) +
        path(`M${millX - 26},${hubY + 12} Q${millX},${hubY - 40} ${millX + 26},${hubY + 12} Z`, '#4a3024') +
        rect(millX - 9, horizon - 40, 18, 40, '#3b2a22') +
        rect(millX - 7, hubY + 60, 14, 18, '#f3d9a0') +
        sails +
        circle(millX, hubY, 7, '#2a1d16') +
        rect(0, horizon, WIDTH, HEIGHT - horizon, 'url(#soil)') +
        fieldStripes.join(''),
    };
  },
};

const lighthouseOnTheCliffs: SceneDefinition = {
  slug: 'lighthouse-on-the-cliffs',
  title: 'Lighthouse on the cliffs',
  description:
    'A red and white lighthouse on a green cliff sweeps its beam across the evening sea; waves break below and gulls fly by.',
  paint(rng) {
    const horizon = 600;
    const lx = 1180;
    const top = 315;
    // The cliff: a flat grassy top from x=900 to the right edge, and a jagged face falling to the sea.
    const plateau = ridge(rng, { baseY: 622, amplitude: 16, roughness: 0.5, levels: 5 }).filter(([x]) => x >= 900);
    const plateauY = plateau[0]?.[1] ?? 622;
    const base = heightAt(plateau, lx) + 8;
    const tower = [
      [lx - 46, base],
      [lx + 46, base],
      [lx + 30, top],
      [lx - 30, top],
    ] as const;
    const bands = stripes(6, lx - 60, top, 120, 25, '#c8352e', { dy: 50 });
    const houseBase = heightAt(plateau, 1330) + 8;
    const face = Array.from({ length: 11 }, (_, i) => {
      const t = i / 10;
      const x = 900 - t * 150 + (i === 0 ? 0 : between(rng, -22, 22));
      return [x, plateauY + t * (HEIGHT - plateauY)] as const;
    });
    const faceX = (y: number) => {
      const t = (y - plateauY) / (HEIGHT - plateauY);
      return 900 - t * 150;
    };
    const cliff = `M${[...face]
      .reverse()
      .map(([x, y]) => `${num(x)},${num(y)}`)
      .join(' L')} ${plateau.map(([x, y]) => `L${num(x)},${num(y)}`).join(' ')} L${WIDTH},${HEIGHT} Z`;
    const grass = `M${num(face[0]?.[0] ?? 900)},${num(plateauY - 3)} ${plateau.map(([x, y]) => `L${num(x)},${num(y - 4)}`).join(' ')} ${[
      ...plateau,
    ]
      .reverse()
      .map(([x, y]) => `L${num(x)},${num(y + 16)}`)
      .join(' ')} L${num((face[0]?.[0] ?? 900) + 14)},${num(plateauY + 22)} Z`;
    const strata = repeat(9, (i) => {
      const y = plateauY + 50 + i * 38;
      return path(
        `M${num(faceX(y) + 6)},${num(y)} Q${num(1150 + between(rng, -60, 60))},${num(y + between(rng, -14, 14))} ${WIDTH},${num(y + between(rng, -10, 10))}`,
        'none',
        'stroke="#3a3431" stroke-width="3" opacity="0.5"',
      );
    });
    const foam = repeat(22, () => {
      const y = between(rng, 880, HEIGHT);
      const x = faceX(y) - between(rng, 0, 60);
      const w = between(rng, 18, 46);
      return ellipse(x, y, w, w * 0.18, '#f4f7fb', `opacity="${num(between(rng, 0.45, 0.85))}"`);
    });
    return {
      defs:
        linearGradient('sky', [
          [0, '#1f3b73'],
          [0.5, '#5b6fa8'],
          [0.85, '#e7a38a'],
          [1, '#f6cfa0'],
        ]) +
        linearGradient('sea', [
          [0, '#46648f'],
          [1, '#132340'],
        ]) +
        linearGradient(
          'beam',
          [
            [0, '#fff6cf', 0],
            [1, '#fff6cf', 0.6],
          ],
          { x1: 0, y1: 0, x2: 1, y2: 0 },
        ) +
        linearGradient(
          'rock',
          [
            [0, '#4a4340'],
            [0.35, '#6b625c'],
            [1, '#5a524d'],
          ],
          { x1: 0, y1: 0, x2: 1, y2: 0 },
        ) +
        radialGlow('lamp', lx, 275, 140, [
          [0, '#fff2b0', 0.9],
          [0.3, '#ffe07a', 0.35],
          [1, '#ffe07a', 0],
        ]) +
        `<clipPath id="tower"><polygon points="${tower.map(([x, y]) => `${x},${y}`).join(' ')}"/></clipPath>`,
      body:
        rect(0, 0, WIDTH, horizon, 'url(#sky)') +
        stars(rng, 45, 260) +
        rect(0, horizon, WIDTH, HEIGHT - horizon, 'url(#sea)') +
        ripples(rng, 110, { y0: horizon + 4 }, '#f3c9a6') +
        polygon(
          [
            [0, 150],
            [lx, 262],
            [lx, 290],
            [0, 380],
          ],
          'url(#beam)',
        ) +
        path(cliff, 'url(#rock)') +
        strata +
        path(grass, '#3d6b45') +
        foam +
        rect(1270, houseBase - 60, 120, 60, '#ece6da') +
        triangle(1330, houseBase - 58, 70, houseBase - 105, '#8c2f28') +
        rect(1300, houseBase - 40, 18, 18, '#ffe08a') +
        rect(1340, houseBase - 40, 18, 18, '#ffe08a') +
        polygon(tower, '#f4f1ea') +
        `<g clip-path="url(#tower)">${bands}</g>` +
        circle(lx, 275, 140, 'url(#lamp)') +
        rect(lx - 42, top - 14, 84, 14, '#2a2a33') +
        rect(lx - 22, 250, 44, 52, '#ffe9a8') +
        line(lx - 8, 250, lx - 8, 302, '#5a4a3a', 2) +
        line(lx + 8, 250, lx + 8, 302, '#5a4a3a', 2) +
        triangle(lx, 252, 30, 214, '#8c2f28') +
        circle(lx, 212, 6, '#2a2a33') +
        flock(
          [
            [520, 420, 40],
            [590, 455, 30],
            [470, 470, 24],
          ],
          '#f4f1ea',
        ),
    };
  },
};

const autumnForestPath: SceneDefinition = {
  slug: 'autumn-forest-path',
  title: 'Autumn forest path',
  description:
    'A sandy path winds between orange, red and golden trees; light falls through the leaves onto the fallen ones.',
  paint(rng) {
    const backTrees = repeat(26, () =>
      broadleaf(rng, between(rng, -40, WIDTH + 40), 600, between(rng, 160, 240), ['#e3b778', '#d9a066', '#c98a55']),
    );
    const midTrees = repeat(14, (i) => {
      const x = i < 7 ? between(rng, -60, 560) : between(rng, 940, WIDTH + 60);
      return broadleaf(rng, x, between(rng, 700, 760), between(rng, 300, 420), [
        '#d9622b',
        '#e8892f',
        '#c0392b',
        '#f0b13a',
      ]);
    });
    const rays = [0, 1, 2, 3]
      .map((i) =>
        polygon(
          [
            [380 + i * 190, 0],
            [470 + i * 190, 0],
            [900 + i * 130, HEIGHT],
            [700 + i * 130, HEIGHT],
          ],
          '#fff4d0',
          `opacity="${num(0.08 + (i % 2) * 0.05)}"`,
        ),
      )
      .join('');
    const leaves = repeat(260, () => {
      const y = between(rng, 640, HEIGHT);
      const size = 3 + ((y - 640) / 360) * 9;
      const x = between(rng, 0, WIDTH);
      const fill = pick(rng, ['#e8892f', '#c0392b', '#f0b13a', '#a84a1f']);
      return ellipse(
        x,
        y,
        size,
        size * 0.5,
        fill,
        `transform="rotate(${Math.round(between(rng, 0, 180))} ${num(x)} ${num(y)})"`,
      );
    });
    return {
      defs:
        linearGradient('sky', [
          [0, '#f7e7c0'],
          [1, '#f0c28a'],
        ]) +
        linearGradient('ground', [
          [0, '#a4683a'],
          [1, '#5d3a22'],
        ]) +
        linearGradient('path', [
          [0, '#e4c79b'],
          [1, '#c39a6b'],
        ]) +
        linearGradient('haze', [
          [0, '#f7e1b5', 0.1],
          [1, '#f7e1b5', 0.6],
        ]),
      body:
        rect(0, 0, WIDTH, HEIGHT, 'url(#sky)') +
        backTrees +
        rect(0, 0, WIDTH, 640, 'url(#haze)') +
        rect(0, 590, WIDTH, HEIGHT - 590, 'url(#ground)') +
        path(`M470,${HEIGHT} C620,880 820,760 735,600 L765,600 C880,760 780,880 1120,${HEIGHT} Z`, 'url(#path)') +
        midTrees +
        broadleaf(rng, 110, HEIGHT + 40, 980, ['#b8401f', '#d9622b', '#9c2f1a']) +
        broadleaf(rng, 1420, HEIGHT + 40, 940, ['#e8892f', '#f0b13a', '#cf7a22']) +
        rays +
        leaves,
    };
  },
};

const harbourBoats: SceneDefinition = {
  slug: 'harbour-boats-at-first-light',
  title: 'Harbour boats at first light',
  description:
    'Sailboats rest on calm water in a small harbour; colourful houses line the far shore under a golden morning sky.',
  paint(rng) {
    const horizon = 560;
    const sun = glowingDisc('sun', 300, 540, 40, '#fff3d6', '#ffd9a0', 6);
    const far = hills(rng, { baseY: horizon - 40, amplitude: 28 });
    let hx = 40;
    const houses: string[] = [];
    while (hx < 1000) {
      const w = between(rng, 30, 58);
      const h = between(rng, 32, 70);
      const color = pick(rng, ['#d8674a', '#e9b949', '#6a9fc8', '#f2eee4', '#9c5a7a', '#7fb08a']);
      houses.push(rect(hx, horizon - h, w, h, color));
      houses.push(triangle(hx + w / 2, horizon - h, w / 2 + 4, horizon - h - w * 0.5, '#5b3a33'));
      houses.push(rect(hx + w * 0.35, horizon - h * 0.6, w * 0.3, h * 0.3, '#fff1c7', 'opacity="0.8"'));
      hx += w + between(rng, 4, 18);
    }
    const boat = (x: number, y: number, s: number, hull: string, sail: string) =>
      path(
        `M${num(x - 80 * s)},${num(y - 22 * s)} L${num(x + 90 * s)},${num(y - 22 * s)} Q${num(x + 70 * s)},${num(y + 4 * s)} ${num(x + 40 * s)},${num(y)} L${num(x - 55 * s)},${num(y)} Q${num(x - 72 * s)},${num(y - 6 * s)} ${num(x - 80 * s)},${num(y - 22 * s)} Z`,
        hull,
      ) +
      line(x, y - 22 * s, x, y - 250 * s, '#3a3030', 4 * s) +
      polygon(
        [
          [x + 4 * s, y - 245 * s],
          [x + 4 * s, y - 34 * s],
          [x + 95 * s, y - 34 * s],
        ],
        sail,
      ) +
      polygon(
        [
          [x - 4 * s, y - 215 * s],
          [x - 4 * s, y - 40 * s],
          [x - 70 * s, y - 40 * s],
        ],
        sail,
        'opacity="0.92"',
      );
    const boats = [
      [330, 735, 1.05, '#b8322c', '#f8f3e8'],
      [660, 650, 0.7, '#f4f1ea', '#f3e2c4'],
      [930, 775, 1.2, '#2b5d8a', '#fbf7ee'],
      [1250, 680, 0.85, '#e2a53a', '#f8f3e8'],
    ] as const;
    const pier =
      rect(1080, 820, 420, 22, '#5b4636') +
      [1100, 1180, 1260, 1340, 1420, 1490].map((px) => rect(px, 820, 12, 180, '#4a382b')).join('');
    return {
      defs:
        linearGradient('sky', [
          [0, '#7fa7d9'],
          [0.6, '#f3d1b0'],
          [1, '#fbe7c5'],
        ]) +
        linearGradient('water', [
          [0, '#d9c9c4'],
          [1, '#2f4d6b'],
        ]) +
        clipBelow('below-horizon', horizon) +
        sun.defs,
      body:
        rect(0, 0, WIDTH, horizon, 'url(#sky)') +
        sun.body +
        cloud(rng, 900, 160, 140, '#fff4e6', 0.7) +
        path(areaBelow(far, horizon), '#7d8fa6') +
        houses.join('') +
        rect(0, horizon, WIDTH, HEIGHT - horizon, 'url(#water)') +
        mirrored(horizon, sun.body + houses.join(''), 0.35, 'below-horizon') +
        boats
          .map(([x, y, s, hull, sail], i) => {
            const drawn = boat(x, y, s, hull, sail);
            return clipBelow(`boat-water-${i}`, y) + mirrored(y, drawn, 0.3, `boat-water-${i}`) + drawn;
          })
          .join('') +
        ripples(rng, 120, { y0: horizon + 4 }, '#f7e6cf') +
        pier +
        flock([
          [700, 260, 36],
          [760, 235, 28],
          [820, 280, 22],
        ]),
    };
  },
};

const snowyCabin: SceneDefinition = {
  slug: 'snowy-cabin-in-the-pines',
  title: 'Snowy cabin in the pines',
  description:
    'A log cabin with warm windows and a smoking chimney sits in deep snow among pines, under a full moon and falling snow.',
  paint(rng) {
    const moon = glowingDisc('moon', 1210, 180, 48, '#f6f3e4', '#dfe8ff', 5);
    const mountains = ridge(rng, { baseY: 520, amplitude: 130, roughness: 0.5 });
    const mid = hills(rng, { baseY: 700, amplitude: 30 });
    const front = hills(rng, { baseY: 850, amplitude: 35 });
    const midPines = scatterAlong(rng, mid, 40, [5, 30], (x, y) =>
      pine(x, y, between(rng, 70, 140), '#1f3b3a', '#f4f8ff'),
    );
    const frontPines = [80, 190, 1330, 1440]
      .map((x) =>
        pine(x + between(rng, -20, 20), HEIGHT - between(rng, 20, 60), between(rng, 320, 420), '#17302f', '#ffffff'),
      )
      .join('');
    const cx = 640;
    const cy = heightAt(front, cx + 130) + 20;
    const logs = repeat(7, (i) => line(cx, cy - 20 - i * 20, cx + 260, cy - 20 - i * 20, '#4e2d1d', 3));
    const smoke = repeat(7, (i) =>
      circle(
        cx + 205 + i * 14 + between(rng, -6, 6),
        cy - 230 - i * 30,
        12 + i * 4,
        '#c9d3e6',
        `opacity="${num(0.5 - i * 0.06)}"`,
      ),
    );
    const snowfall = repeat(320, () =>
      circle(
        between(rng, 0, WIDTH),
        between(rng, 0, HEIGHT),
        between(rng, 1, 3.2),
        '#ffffff',
        `opacity="${num(between(rng, 0.5, 0.95))}"`,
      ),
    );
    return {
      defs:
        linearGradient('sky', [
          [0, '#17264f'],
          [0.6, '#4c67a1'],
          [1, '#a9b9dd'],
        ]) +
        linearGradient('peaks', [
          [0, '#dfe7f6'],
          [1, '#a8b8d8'],
        ]) +
        linearGradient('snow', [
          [0, '#f7faff'],
          [1, '#d5e1f3'],
        ]) +
        radialGlow('window-glow', cx + 130, cy - 60, 260, [
          [0, '#ffcf6b', 0.45],
          [1, '#ffcf6b', 0],
        ]) +
        moon.defs,
      body:
        rect(0, 0, WIDTH, 700, 'url(#sky)') +
        stars(rng, 120, 500) +
        moon.body +
        path(areaBelow(mountains), 'url(#peaks)') +
        path(areaBelow(mid), '#dfe8f6') +
        midPines +
        path(areaBelow(front), 'url(#snow)') +
        circle(cx + 130, cy - 60, 260, 'url(#window-glow)') +
        rect(cx + 190, cy - 230, 30, 70, '#5a3a2a') +
        rect(cx, cy - 150, 260, 150, '#6b3f2a') +
        logs +
        triangle(cx + 130, cy - 145, 160, cy - 250, '#4a2a1c') +
        // The snow on the roof, the window bars and the drift below write cy unrounded (not through num()):
        // they are kept that way so the seeded photo stays byte-for-byte the same.
        path(
          `M${cx - 36},${cy - 140} L${cx + 130},${cy - 258} L${cx + 296},${cy - 140} Q${cx + 280},${cy - 128} ${cx + 262},${cy - 140} L${cx + 130},${cy - 232} L${cx - 2},${cy - 140} Q${cx - 18},${cy - 128} ${cx - 36},${cy - 140} Z`,
          '#ffffff',
        ) +
        rect(cx + 110, cy - 90, 42, 90, '#3b2216') +
        rect(cx + 30, cy - 110, 54, 46, '#ffd36b') +
        rect(cx + 180, cy - 110, 54, 46, '#ffd36b') +
        `<line x1="${cx + 57}" y1="${cy - 110}" x2="${cx + 57}" y2="${cy - 64}" stroke="#6b3f2a" stroke-width="4"/>` +
        `<line x1="${cx + 207}" y1="${cy - 110}" x2="${cx + 207}" y2="${cy - 64}" stroke="#6b3f2a" stroke-width="4"/>` +
        `<ellipse cx="${cx + 130}" cy="${cy + 6}" rx="190" ry="14" fill="#ffffff"/>` +
        smoke +
        frontPines +
        snowfall,
    };
  },
};

const hotAirBalloons: SceneDefinition = {
  slug: 'hot-air-balloons-over-the-valley',
  title: 'Hot-air balloons over the valley',
  description:
    'Striped hot-air balloons drift over a green valley and a winding river in the soft light of a summer morning.',
  paint(rng) {
    const sun = glowingDisc('sun', 1230, 600, 46, '#fff6de', '#ffe2b0', 6);
    const far = hills(rng, { baseY: 640, amplitude: 40 });
    const middle = hills(rng, { baseY: 740, amplitude: 55 });
    const near = hills(rng, { baseY: 860, amplitude: 45 });
    const palettes = [
      ['#e63946', '#f1c453'],
      ['#3a86ff', '#ffffff'],
      ['#8338ec', '#ffbe0b'],
      ['#2a9d8f', '#e9c46a'],
      ['#ff6b35', '#1d3557'],
      ['#f15bb5', '#fee440'],
    ] as const;
    const balloons = [
      [420, 330, 110],
      [820, 210, 70],
      [1110, 390, 88],
      [240, 140, 44],
      [1010, 110, 36],
      [640, 480, 54],
    ] as const;
    const defs: string[] = [];
    const drawn = balloons.map(([x, y, r], i) => {
      const [a, b] = palettes[i % palettes.length] ?? palettes[0];
      const envelope = `M${num(x - r)},${num(y)} A${num(r)},${num(r)} 0 1 1 ${num(x + r)},${num(y)} Q${num(x + r)},${num(y + r * 0.7)} ${num(x + r * 0.32)},${num(y + r * 1.25)} L${num(x - r * 0.32)},${num(y + r * 1.25)} Q${num(x - r)},${num(y + r * 0.7)} ${num(x - r)},${num(y)} Z`;
      defs.push(`<clipPath id="balloon-${i}"><path d="${envelope}"/></clipPath>`);
      const gores = [1, 0.78, 0.56, 0.34, 0.12]
        .map((k, j) => ellipse(x, y + r * 0.15, r * k, r * 1.4, j % 2 ? b : a))
        .join('');
      const basketY = y + r * 1.6;
      return (
        `<g clip-path="url(#balloon-${i})">${gores}${path(envelope, 'url(#shade)')}</g>` +
        line(x - r * 0.3, y + r * 1.25, x - r * 0.14, basketY, '#4a3a2a', Math.max(1, r / 50)) +
        line(x + r * 0.3, y + r * 1.25, x + r * 0.14, basketY, '#4a3a2a', Math.max(1, r / 50)) +
        rect(x - r * 0.16, basketY, r * 0.32, r * 0.24, '#8a5a30')
      );
    });
    const river = `M690,640 C640,690 820,700 760,760 C700,820 540,840 600,900 C640,950 720,960 700,${HEIGHT} L880,${HEIGHT} C890,950 790,930 760,890 C720,840 860,820 880,760 C900,700 720,690 730,640 Z`;
    const trees = repeat(40, () => {
      const x = between(rng, 0, WIDTH);
      const ground = rng() < 0.5 ? middle : near;
      return circle(
        x,
        heightAt(ground, x) + between(rng, 10, 60),
        between(rng, 6, 14),
        pick(rng, ['#3f6f32', '#4d7f3a', '#2f5a28']),
      );
    });
    const hedges = repeat(6, (i) => {
      const y = 880 + i * 22;
      return path(
        `M0,${y} Q${num(400 + between(rng, -100, 100))},${num(y - 30)} ${WIDTH},${num(y + between(rng, -20, 20))}`,
        'none',
        'stroke="#3f6f32" stroke-width="5" opacity="0.55"',
      );
    });
    return {
      defs:
        linearGradient('sky', [
          [0, '#8ec5ea'],
          [0.7, '#fde7c8'],
          [1, '#fbd3a4'],
        ]) +
        `<radialGradient id="shade" cx="0.35" cy="0.3" r="0.8"><stop offset="0%" stop-color="#ffffff" stop-opacity="0.35"/><stop offset="55%" stop-color="#ffffff" stop-opacity="0"/><stop offset="100%" stop-color="#000000" stop-opacity="0.3"/></radialGradient>` +
        defs.join('') +
        sun.defs,
      body:
        rect(0, 0, WIDTH, 700, 'url(#sky)') +
        sun.body +
        cloud(rng, 300, 420, 120, '#ffffff', 0.6) +
        cloud(rng, 1300, 230, 150, '#ffffff', 0.7) +
        path(areaBelow(far), '#a3bcab') +
        path(areaBelow(middle), '#7ea66b') +
        path(areaBelow(near), '#5b8c47') +
        path(river, '#a9d3ea') +
        hedges +
        trees +
        drawn.join('') +
        flock([
          [560, 230, 26],
          [600, 250, 20],
        ]),
    };
  },
};

const northernLights: SceneDefinition = {
  slug: 'northern-lights-over-the-fjord',
  title: 'Northern lights over the fjord',
  description:
    'Green and violet curtains of the aurora ripple over dark fjord mountains and a red boathouse, mirrored in the still water.',
  paint(rng) {
    const horizon = 620;
    const curtain = (baseY: number, height: number, gradient: string) => {
      const edge = hills(rng, { baseY, amplitude: 70, waves: 3 });
      const bottom = edge.map(([x, y]) => `L${num(x)},${num(y)}`).join(' ');
      const topEdge = [...edge]
        .reverse()
        .map(([x, y]) => `L${num(x)},${num(y - height - Math.sin(x / 90) * 25)}`)
        .join(' ');
      const streaks = edge
        .filter((_, i) => i % 3 === 0)
        .map(([x, y]) =>
          line(
            x,
            y,
            x + between(rng, -10, 10),
            y - height * between(rng, 0.4, 0.9),
            '#b9ffe0',
            between(rng, 4, 10),
            `opacity="${num(between(rng, 0.05, 0.14))}"`,
          ),
        )
        .join('');
      const curtain = path(`M${bottom.slice(1)} ${topEdge} Z`, `url(#${gradient})`, 'filter="url(#soft)"');
      return `${curtain}<g filter="url(#soft)">${streaks}</g>`;
    };
    const aurora =
      curtain(330, 230, 'aurora-green') + curtain(250, 180, 'aurora-violet') + curtain(420, 160, 'aurora-green');
    const left = ridge(rng, { baseY: 470, amplitude: 150, roughness: 0.55 }).map(
      ([x, y]) => [x, y + x * 0.12] as const,
    );
    const right = ridge(rng, { baseY: 560, amplitude: 70, roughness: 0.5 }).map(
      ([x, y]) => [x, y - (x - 750) * 0.08] as const,
    );
    const mountains = path(areaBelow(left, horizon), '#0b1526') + path(areaBelow(right, horizon), '#070e1b');
    const boathouse =
      rect(250, 560, 130, 60, '#8e2a23') +
      triangle(315, 562, 75, 515, '#3a1512') +
      rect(300, 575, 30, 22, '#ffd27a') +
      rect(250, 612, 180, 8, '#3b2a22');
    return {
      defs:
        linearGradient('sky', [
          [0, '#020617'],
          [0.6, '#0b1d3a'],
          [1, '#123a5e'],
        ]) +
        linearGradient('aurora-green', [
          [0, '#5dfcb0', 0],
          [0.55, '#43f0a2', 0.45],
          [1, '#5dfcb0', 0.85],
        ]) +
        linearGradient('aurora-violet', [
          [0, '#9d6bff', 0],
          [0.6, '#b387ff', 0.35],
          [1, '#6bffd0', 0.6],
        ]) +
        linearGradient('fjord', [
          [0, '#0b2340'],
          [1, '#020812'],
        ]) +
        `<filter id="soft" x="-10%" y="-30%" width="120%" height="160%"><feGaussianBlur stdDeviation="7"/></filter>` +
        clipBelow('water', horizon),
      body:
        rect(0, 0, WIDTH, horizon, 'url(#sky)') +
        stars(rng, 300, 600) +
        `<g id="aurora">${aurora}</g>` +
        mountains +
        boathouse +
        rect(0, horizon, WIDTH, HEIGHT - horizon, 'url(#fjord)') +
        mirrored(horizon, `<use href="#aurora"/>${mountains}${boathouse}`, 0.45, 'water') +
        ripples(rng, 120, { y0: horizon + 4 }, '#020812') +
        ripples(rng, 40, { y0: horizon + 4 }, '#7dffc8'),
    };
  },
};

/** Every scene the drive knows how to paint. Who owns which is decided in seed.ts. */
export const SCENES = {
  mirrorLakeAtDawn,
  alpineMeadowAtNoon,
  cityLightsAtDusk,
  quietBeach,
  starsOverTheHills,
  tulipFields,
  lighthouseOnTheCliffs,
  autumnForestPath,
  harbourBoats,
  snowyCabin,
  hotAirBalloons,
  northernLights,
} as const satisfies Record<string, SceneDefinition>;
