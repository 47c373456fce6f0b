/**
 * The security reference and this suite stay in step: every rule of docs/security.md (`- **A1** …`) is checked by
 * at least one test here, whose title names its id (`docs/security.md §A1`), and no test, code comment or page
 * cites an id, a docs/ file or a docs/design.md section that does not exist. Reads files only: no service is
 * called.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const REPO = join(import.meta.dirname, '..', '..');
const DOCS = join(REPO, 'docs');
const TESTS = import.meta.dirname;

/** Where citations live: sources, tests, views, scripts and READMEs (never dependencies or build output). */
const SCANNED_ROOTS = ['README.md', 'apps', 'packages', 'conformance', 'e2e', 'bench', 'scripts', 'docs'];
const SKIPPED_DIRS = new Set([
  'node_modules',
  'dist',
  '.data',
  '.turbo',
  'results',
  'test-results',
  'playwright-report',
]);
const SCANNED_FILE = /\.(ts|mjs|js|ejs|md|sh|json)$/;

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return SCANNED_FILE.test(path) ? [path] : [];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIPPED_DIRS.has(e.name) ? [] : filesUnder(join(path, e.name));
    return SCANNED_FILE.test(e.name) ? [join(path, e.name)] : [];
  });
}

/** The rule ids docs/security.md defines: each rule is a list item that starts with its id in bold. */
function definedIds(): Set<string> {
  const text = readFileSync(join(DOCS, 'security.md'), 'utf8');
  return new Set([...text.matchAll(/^- \*\*([A-Z]\d+)\*\*/gm)].map((m) => m[1]!));
}

/** Every `§A1`-style id after a mention of docs/security.md (RFC sections are `§` + digits, so they never match). */
function citedIds(text: string): string[] {
  return [...text.matchAll(/docs\/security\.md((?:[\s,;+]*(?:and|to)?\s*§[A-Z]\d+)+)/g)].flatMap((m) =>
    [...m[1]!.matchAll(/§([A-Z]\d+)/g)].map((id) => id[1]!),
  );
}

/** The headings of docs/design.md, which code cites by name (`docs/design.md, Persistence`). */
function designHeadings(): string[] {
  const text = readFileSync(join(DOCS, 'design.md'), 'utf8');
  return [...text.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase());
}

describe('docs/security.md and the conformance suite cite each other', () => {
  const ids = definedIds();
  const testFiles = readdirSync(TESTS).filter((f) => f.endsWith('.test.ts') && f !== 'docs.test.ts');
  const citedByTests = new Map<string, string[]>();
  for (const file of testFiles) {
    for (const id of citedIds(readFileSync(join(TESTS, file), 'utf8')))
      citedByTests.set(id, [...(citedByTests.get(id) ?? []), file]);
  }

  it('docs/security.md defines its rules with ids, each once', () => {
    const text = readFileSync(join(DOCS, 'security.md'), 'utf8');
    const all = [...text.matchAll(/^- \*\*([A-Z]\d+)\*\*/gm)].map((m) => m[1]!);
    assert.ok(all.length >= 40, `expected the rules of docs/security.md, found ${all.length}`);
    assert.deepEqual(
      all.filter((id, i) => all.indexOf(id) !== i),
      [],
      'an id is defined twice',
    );
  });

  it('every rule of docs/security.md is checked by at least one conformance test that names its id', () => {
    const unchecked = [...ids].filter((id) => !citedByTests.has(id));
    assert.deepEqual(unchecked, [], `rules without a test: ${unchecked.join(', ')}`);
  });

  it('every id a conformance test names is defined in docs/security.md', () => {
    const unknown = [...citedByTests.keys()].filter((id) => !ids.has(id));
    assert.deepEqual(
      unknown,
      [],
      `unknown ids: ${unknown.map((id) => `§${id} in ${citedByTests.get(id)!.join(', ')}`).join('; ')}`,
    );
  });
});

describe('citations of docs/ anywhere in the repository resolve', () => {
  const files = SCANNED_ROOTS.flatMap((root) => filesUnder(join(REPO, root)));
  const ids = definedIds();
  const headings = designHeadings();

  it('the scan sees the sources that cite the docs', () => {
    const seen = files.map((f) => relative(REPO, f));
    for (const expected of [
      'apps/auth-server/src/seed.ts',
      'packages/web/src/config.ts',
      'conformance/test/drive.test.ts',
    ]) {
      assert.ok(seen.includes(expected), `${expected} was not scanned`);
    }
  });

  it('nothing cites a document outside the repository (the old DESIGN.md, SECURITY.md, the notes in ../shared)', () => {
    const outside = /\b(?:DESIGN|SECURITY)\.md\b|oauth2-notes|\.\.\/shared\//;
    const offenders = files
      .filter((file) => !file.endsWith('docs.test.ts'))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, i) => (outside.test(line) ? [`${relative(REPO, file)}:${i + 1}: ${line.trim()}`] : [])),
      );
    assert.deepEqual(offenders, [], 'cite docs/design.md, docs/security.md §id or docs/notes.md instead');
  });

  it('every docs/<file>.md named in code, tests, views and READMEs exists', () => {
    const missing: string[] = [];
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bdocs\/([a-z_-]+\.md)\b/g)) {
        if (!existsSync(join(DOCS, m[1]!))) missing.push(`${relative(REPO, file)}: docs/${m[1]}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('every docs/security.md §id cited anywhere is defined', () => {
    const unknown: string[] = [];
    for (const file of files) {
      for (const id of citedIds(readFileSync(file, 'utf8')))
        if (!ids.has(id)) unknown.push(`${relative(REPO, file)}: §${id}`);
    }
    assert.deepEqual(unknown, []);
  });

  it('every docs/design.md section cited by name is a heading of docs/design.md', () => {
    const unknown: string[] = [];
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/docs\/design\.md(?:,\s*|\s*\()"?([A-Z][^",):`]*)/g)) {
        const name = m[1]!.trim().toLowerCase();
        if (!headings.some((h) => h.startsWith(name))) unknown.push(`${relative(REPO, file)}: "${m[1]}"`);
      }
    }
    assert.deepEqual(unknown, []);
  });
});
