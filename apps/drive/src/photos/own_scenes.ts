/**
 * @module photos/own_scenes
 *
 * The photos of the accounts that are not alice or bob: a learner who joined the class, and Mallory, the attacker
 * of the attack lab. None of these pictures or titles is one of alice's or bob's (scenes.ts), and Mallory's are
 * not the learners', so whose photos a page shows is clear at a glance: in the lab's CSRF scenario the victim's
 * Photo Printer shows Mallory's photos, and they must not look like anyone else's.
 *
 * All learners share one set of pictures (painted like alice's, the same on every machine), each titled with
 * the learner's own name: "carol's sunflower field" is carol's, and no one else's photo is called that.
 */
import {
  areaBelow,
  between,
  circle,
  cloud,
  ellipse,
  HEIGHT,
  heightAt,
  hills,
  line,
  linearGradient,
  path,
  pick,
  polygon,
  radialGlow,
  rect,
  repeat,
  ridge,
  ripples,
  stars,
  triangle,
  WIDTH,
} from './svg.js';
import type { SceneDefinition } from './scenes.js';

/** A sun or moon with a soft halo. */
function glow(id: string, x: number, y: number, r: number, core: string, halo: string) {
  return {
    defs: radialGlow(id, x, y, r * 5, [
      [0, halo, 0.8],
      [1, halo, 0],
    ]),
    body: circle(x, y, r * 5, `url(#${id})`) + circle(x, y, r, core),
  };
}

const desertDunes: SceneDefinition = {
  slug: 'learner-desert-dunes',
  title: 'desert dunes',
  description: 'Golden sand dunes in rows under a pale, hot sky, a white sun and a line of camels far away.',
  paint(rng) {
    const sun = glow('sun', 320, 210, 48, '#fffbe8', '#fff0b0');
    const rows = [
      { baseY: 560, amplitude: 60, color: '#e9b872' },
      { baseY: 680, amplitude: 70, color: '#dea25a' },
      { baseY: 820, amplitude: 80, color: '#cf8b45' },
      { baseY: 960, amplitude: 60, color: '#b87332' },
    ].map((r) => path(areaBelow(hills(rng, { baseY: r.baseY, amplitude: r.amplitude, waves: 2 })), r.color));
    const camels = repeat(5, (i) => {
      const x = 900 + i * 34;
      const y = 552;
      return (
        ellipse(x, y - 12, 13, 7, '#5b3b22') +
        ellipse(x - 3, y - 19, 5, 5, '#5b3b22') +
        line(x + 11, y - 14, x + 17, y - 24, '#5b3b22', 3) +
        line(x - 8, y - 8, x - 8, y, '#5b3b22', 2) +
        line(x + 8, y - 8, x + 8, y, '#5b3b22', 2)
      );
    });
    return {
      defs:
        linearGradient('sky', [
          [0, '#8fc6e8'],
          [1, '#f7e9c8'],
        ]) + sun.defs,
      body: rect(0, 0, WIDTH, HEIGHT, 'url(#sky)') + sun.body + rows[0] + camels + rows.slice(1).join(''),
    };
  },
};

const sunflowerField: SceneDefinition = {
  slug: 'learner-sunflower-field',
  title: 'sunflower field',
  description: 'Rows of sunflowers facing the viewer under a deep blue summer sky with a few small clouds.',
  paint(rng) {
    const ground = hills(rng, { baseY: 560, amplitude: 25 });
    const flowers = repeat(140, () => {
      const x = between(rng, 0, WIDTH);
      const top = heightAt(ground, x);
      const y = between(rng, top + 10, HEIGHT + 40);
      const r = 6 + 34 * ((y - top) / (HEIGHT - top));
      const petals = repeat(12, (k) => {
        const a = (k / 12) * 2 * Math.PI;
        return ellipse(x + Math.cos(a) * r * 0.9, y + Math.sin(a) * r * 0.9, r * 0.45, r * 0.45, '#ffc61a');
      });
      return line(x, y, x, y + r * 3, '#3f7a2a', Math.max(1.5, r / 6)) + petals + circle(x, y, r * 0.6, '#5a3412');
    });
    return {
      defs: linearGradient('sky', [
        [0, '#1f5fbf'],
        [1, '#8fc3f2'],
      ]),
      body:
        rect(0, 0, WIDTH, HEIGHT, 'url(#sky)') +
        cloud(rng, 300, 160, 110) +
        cloud(rng, 1150, 120, 140) +
        path(areaBelow(ground), '#4d8a2e') +
        flowers,
    };
  },
};

const redBarn: SceneDefinition = {
  slug: 'learner-red-barn',
  title: 'red barn in the wheat',
  description: 'A red barn with a white-trimmed door stands in a field of ripe wheat under a soft afternoon sky.',
  paint(rng) {
    const field = hills(rng, { baseY: 640, amplitude: 30 });
    const barnX = 900;
    const barnY = heightAt(field, barnX) + 10;
    const barn =
      rect(barnX - 150, barnY - 200, 300, 200, '#b3262b') +
      triangle(barnX, barnY - 199, 170, barnY - 330, '#8c1c21') +
      rect(barnX - 50, barnY - 120, 100, 120, '#f4efe6') +
      rect(barnX - 42, barnY - 112, 84, 112, '#7d1a1e') +
      line(barnX - 42, barnY - 112, barnX + 42, barnY, '#f4efe6', 6) +
      line(barnX + 42, barnY - 112, barnX - 42, barnY, '#f4efe6', 6) +
      rect(barnX - 20, barnY - 270, 40, 40, '#f4efe6');
    const wheat = repeat(600, () => {
      const x = between(rng, 0, WIDTH);
      const y = between(rng, heightAt(field, x) + 5, HEIGHT);
      const h = 8 + 30 * ((y - 640) / (HEIGHT - 640));
      return line(x, y, x + between(rng, -3, 3), y - h, pick(rng, ['#e3b94f', '#d9a63a', '#f0cd6a']), 2);
    });
    return {
      defs:
        linearGradient('sky', [
          [0, '#9cc9e9'],
          [1, '#fde7c2'],
        ]) +
        linearGradient('field', [
          [0, '#e0b24a'],
          [1, '#c48f2c'],
        ]),
      body:
        rect(0, 0, WIDTH, HEIGHT, 'url(#sky)') +
        cloud(rng, 400, 180, 130) +
        path(areaBelow(ridge(rng, { baseY: 600, amplitude: 50, roughness: 0.4 })), '#8aa9a0') +
        path(areaBelow(field), 'url(#field)') +
        barn +
        wheat,
    };
  },
};

const fullMoonOverTheBay: SceneDefinition = {
  slug: 'learner-full-moon-over-the-bay',
  title: 'full moon over the bay',
  description:
    'A big full moon rises over a calm bay at night, its silver path on the water between two dark headlands.',
  paint(rng) {
    const horizon = 620;
    const moon = glow('moon', 750, 330, 90, '#f3f1e6', '#cfd8ff');
    const left = hills(rng, { baseY: 600, amplitude: 40, x1: 520 });
    const right = hills(rng, { baseY: 590, amplitude: 50, x0: 1050 });
    const path_ = repeat(30, (i) => {
      const y = horizon + 10 + i * 12;
      const w = between(rng, 20, 90) * (0.4 + i / 30);
      return line(750 - w, y, 750 + w, y, '#e8ecff', 2.5, `opacity="${(0.8 - i * 0.02).toFixed(2)}"`);
    });
    return {
      defs:
        linearGradient('sky', [
          [0, '#070b22'],
          [1, '#26305e'],
        ]) +
        linearGradient('sea', [
          [0, '#1c2550'],
          [1, '#050716'],
        ]) +
        moon.defs,
      body:
        rect(0, 0, WIDTH, horizon, 'url(#sky)') +
        stars(rng, 90, horizon - 80) +
        moon.body +
        rect(0, horizon, WIDTH, HEIGHT - horizon, 'url(#sea)') +
        path_ +
        ripples(rng, 60, { y0: horizon + 5 }, '#8c9ad6') +
        path(`${areaBelow(left, horizon + 20)}`, '#0b0d1c') +
        path(`${areaBelow(right, horizon + 20)}`, '#0b0d1c'),
    };
  },
};

const vineyardRows: SceneDefinition = {
  slug: 'learner-vineyard-rows',
  title: 'vineyard rows',
  description: 'Green vine rows run down a hillside towards a stone farmhouse, blue hills behind.',
  paint(rng) {
    const far = ridge(rng, { baseY: 420, amplitude: 70, roughness: 0.4 });
    const hill = hills(rng, { baseY: 520, amplitude: 40 });
    const rows = repeat(22, (i) => {
      const xBottom = -600 + i * 130;
      const xTop = 250 + i * 48;
      return line(
        xTop,
        heightAt(hill, Math.min(Math.max(xTop, 0), WIDTH)) + 8,
        xBottom,
        HEIGHT,
        '#2f6b2a',
        10 + i * 0.2,
        'stroke-linecap="round"',
      );
    });
    const house =
      rect(1120, 470, 160, 90, '#d9c9a8') +
      triangle(1200, 472, 95, 410, '#a0522d') +
      rect(1185, 515, 28, 45, '#5b3a22');
    return {
      defs: linearGradient('sky', [
        [0, '#6aa8e0'],
        [1, '#e6f1f7'],
      ]),
      body:
        rect(0, 0, WIDTH, HEIGHT, 'url(#sky)') +
        cloud(rng, 1000, 130, 120) +
        path(areaBelow(far), '#7d95b5') +
        path(areaBelow(hill), '#9bc46b') +
        rows +
        house,
    };
  },
};

const volcanoAtTwilight: SceneDefinition = {
  slug: 'learner-volcano-at-twilight',
  title: 'volcano at twilight',
  description: 'A dark volcano glows red at its crater under a purple twilight sky, a plume of ash drifting away.',
  paint(rng) {
    const crater = glow('lava', 760, 330, 26, '#ffb347', '#ff4b1f');
    const plume = repeat(9, (i) => cloud(rng, 780 + i * 60, 280 - i * 22, 70 + i * 12, '#4a3f55', 0.75));
    const lava = repeat(6, () => {
      const x = between(rng, 700, 820);
      return path(
        `M${x.toFixed(0)},335 Q${(x + between(rng, -80, 80)).toFixed(0)},500 ${(x + between(rng, -200, 200)).toFixed(0)},700`,
        'none',
        'stroke="#ff6a2a" stroke-width="5" opacity="0.8"',
      );
    });
    return {
      defs:
        linearGradient('sky', [
          [0, '#1d1140'],
          [0.6, '#6b2a6e'],
          [1, '#e0705a'],
        ]) + crater.defs,
      body:
        rect(0, 0, WIDTH, HEIGHT, 'url(#sky)') +
        stars(rng, 40, 300) +
        plume +
        crater.body +
        polygon(
          [
            [60, 760],
            [700, 335],
            [820, 335],
            [1440, 760],
          ],
          '#23192b',
        ) +
        lava +
        path(areaBelow(hills(rng, { baseY: 800, amplitude: 30 })), '#140e1a'),
    };
  },
};

/** Mallory's own photos: nothing like the learners' or alice's and bob's, and plainly hers. */
const MALLORY_SCENES: readonly SceneDefinition[] = [
  {
    slug: 'mallory-desk-at-3am',
    title: 'Mallory’s desk at 3 a.m.',
    description: 'A dark room; three monitors glow green with lines of code, a mug and a hoodie on the chair.',
    paint(rng) {
      const screen = (x: number) =>
        rect(x, 280, 360, 230, '#0a1f12') +
        repeat(11, (i) => rect(x + 20, 300 + i * 19, between(rng, 60, 300), 8, '#39ff88', 'opacity="0.8"'));
      return {
        defs: linearGradient('room', [
          [0, '#05060a'],
          [1, '#121722'],
        ]),
        body:
          rect(0, 0, WIDTH, HEIGHT, 'url(#room)') +
          ellipse(750, 420, 700, 260, '#1fff7a', 'opacity="0.06"') +
          screen(170) +
          screen(570) +
          screen(970) +
          rect(100, 600, 1300, 40, '#2a2f3a') +
          rect(640, 650, 220, 300, '#1a1d25') +
          ellipse(750, 700, 160, 90, '#3a2047') +
          rect(1200, 540, 60, 60, '#d94f4f') +
          rect(520, 560, 460, 30, '#30343f'),
      };
    },
  },
  {
    slug: 'mallory-black-cat',
    title: 'Mallory’s black cat',
    description: 'A black cat with yellow eyes sits on a window sill at night, a crescent of moon behind it.',
    paint(rng) {
      return {
        defs: linearGradient('night', [
          [0, '#0c1030'],
          [1, '#2a2d5a'],
        ]),
        body:
          rect(0, 0, WIDTH, HEIGHT, 'url(#night)') +
          stars(rng, 60, 700) +
          circle(1100, 230, 90, '#f2ecc8') +
          circle(1140, 205, 85, '#141838') +
          rect(0, 760, WIDTH, 240, '#3b2b22') +
          ellipse(700, 640, 150, 140, '#050507') +
          circle(700, 450, 95, '#050507') +
          triangle(640, 400, 35, 320, '#050507') +
          triangle(760, 400, 35, 320, '#050507') +
          ellipse(665, 450, 18, 12, '#ffd21f') +
          ellipse(735, 450, 18, 12, '#ffd21f') +
          ellipse(665, 450, 4, 11, '#050507') +
          ellipse(735, 450, 4, 11, '#050507') +
          path(
            'M840,740 C980,720 960,600 1020,560',
            'none',
            'stroke="#050507" stroke-width="26" stroke-linecap="round"',
          ),
      };
    },
  },
  {
    slug: 'mallory-gone-phishing',
    title: 'Mallory’s boat: gone phishing',
    description: 'A small grey boat on a grey sea, a long fishing rod over the side, a hook dangling in the water.',
    paint(rng) {
      const horizon = 520;
      return {
        defs: linearGradient('sky', [
          [0, '#8b94a3'],
          [1, '#c9ced6'],
        ]),
        body:
          rect(0, 0, WIDTH, horizon, 'url(#sky)') +
          cloud(rng, 400, 180, 160, '#eef0f3') +
          cloud(rng, 1100, 140, 190, '#e2e5ea') +
          rect(0, horizon, WIDTH, HEIGHT - horizon, '#49566a') +
          ripples(rng, 120, { y0: horizon + 5 }, '#b8c2cf') +
          path('M520,640 L980,640 L900,720 L600,720 Z', '#5f5a55') +
          rect(700, 560, 90, 80, '#d8d2c8') +
          line(760, 640, 1250, 380, '#3a2b20', 5) +
          line(1250, 380, 1250, 800, '#20252c', 1.5) +
          path('M1250,800 q0,22 -14,22 q-10,0 -10,-12', 'none', 'stroke="#20252c" stroke-width="3"'),
      };
    },
  },
];

const LEARNER_SCENES: readonly SceneDefinition[] = [
  desertDunes,
  sunflowerField,
  redBarn,
  fullMoonOverTheBay,
  vineyardRows,
  volcanoAtTwilight,
];

/** The accounts with a set of photos of their own (seed.ts seeds alice and bob; these are painted on first sight). */
const OWN_SETS: Readonly<Record<string, readonly SceneDefinition[]>> = { mallory: MALLORY_SCENES };

/**
 * The scenes Drive paints for an owner it meets for the first time: the owner's own set if there is one, else the
 * learners' set, each picture titled with the owner's name ("carol's desert dunes").
 */
export function scenesFor(owner: string): SceneDefinition[] {
  const own = OWN_SETS[owner];
  if (own) return [...own];
  return LEARNER_SCENES.map((scene) => ({ ...scene, title: `${owner}’s ${scene.title}` }));
}
