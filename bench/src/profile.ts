/**
 * @module profile
 *
 * Reading a V8 CPU profile (`node --cpu-prof`) into the few lines a report needs: where the time went, by
 * function (self time) and by package.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface ProfileSummary {
  file: string;
  /** Sampled time, idle excluded, in ms. */
  busyMs: number;
  topFrames: { frame: string; selfPct: number }[];
  byPackage: { pkg: string; selfPct: number }[];
  /** Time spent in a function and everything it called, for our code and the middleware around it. */
  topInclusive: { frame: string; totalPct: number }[];
}

/** Frames worth an inclusive figure: our apps and packages, express's router and body parsing, jose. */
const INCLUSIVE_PACKAGES =
  /^(apps\/|packages\/|express$|body-parser$|jose$|better-sqlite3$|express-session$|raw-body$|router$)/;

/** node_modules/.pnpm/<name>@<v>/node_modules/<name>/… → <name>; node:internal → node; our apps by folder. */
export function packageOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return '(gc)';
    if (functionName === '(program)') return '(program: native, outside JS)';
    return functionName || '(native)';
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return 'node (core)';
  const app = /\/(apps|packages)\/([^/]+)\//.exec(url);
  if (app) return `${app[1]}/${app[2]}`;
  return url.split('/').slice(-2).join('/');
}

/** Names the frames that matter here in words (anonymous functions otherwise say little). */
const KNOWN_FRAMES: [RegExp, string][] = [
  [/^\(anonymous\) node:internal\/crypto\/util:470$/, 'WebCrypto job (jose sign/verify) node:internal/crypto/util:470'],
];

function frameName(node: CpuProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.startsWith('node:') ? url : url.split('/').pop();
  const where = url
    ? `${url.startsWith('node:') ? '' : `${packageOf(url, functionName)}:`}${file}:${lineNumber + 1}`
    : '';
  const name = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
  for (const [re, label] of KNOWN_FRAMES) if (re.test(name)) return label;
  return name;
}

export function summariseProfile(file: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalHits = profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0) || 1;
  const msPerHit = (profile.endTime - profile.startTime) / 1000 / totalHits;
  const byFrame = new Map<string, number>();
  const byPkg = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || node.callFrame.functionName === '(idle)') continue;
    busy += hits;
    const name = frameName(node);
    byFrame.set(name, (byFrame.get(name) ?? 0) + hits);
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + hits);
  }
  const pct = (hits: number) => Math.round((1000 * hits) / (busy || 1)) / 10;

  // Inclusive time: a node's own hits plus its subtree's, summed per frame name (a name counted once per path).
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const inclusive = new Map<string, number>();
  const walk = (node: CpuProfileNode, onPath: Set<string>): number => {
    let total = node.callFrame.functionName === '(idle)' ? 0 : (node.hitCount ?? 0);
    const name = frameName(node);
    const interesting =
      INCLUSIVE_PACKAGES.test(packageOf(node.callFrame.url, node.callFrame.functionName)) && !onPath.has(name);
    if (interesting) onPath.add(name);
    for (const child of node.children ?? []) {
      const c = byId.get(child);
      if (c) total += walk(c, onPath);
    }
    if (interesting) {
      onPath.delete(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + total);
    }
    return total;
  };
  const root = profile.nodes[0];
  if (root) walk(root, new Set());
  return {
    file,
    busyMs: Math.round(busy * msPerHit),
    topFrames: [...byFrame]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, hits]) => ({ frame, selfPct: pct(hits) })),
    topInclusive: [...inclusive]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([frame, hits]) => ({ frame, totalPct: pct(hits) })),
    byPackage: [...byPkg]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([pkg, hits]) => ({ pkg, selfPct: pct(hits) })),
  };
}

/** The one .cpuprofile a process wrote into `dir`. */
export function findProfile(dir: string): string | undefined {
  const name = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return name ? join(dir, name) : undefined;
}
