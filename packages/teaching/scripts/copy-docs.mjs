// Copies the docs the printer serves (/notes, /glossary, /docs/configuration) into dist/docs at build time, so a
// deployed package (pnpm deploy, the Docker image) carries them: the repository's docs/ is their one source.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..', '..');
const out = resolve(import.meta.dirname, '..', 'dist', 'docs');
mkdirSync(out, { recursive: true });
for (const [from, to] of [
  [join(root, 'docs', 'notes.md'), 'notes.md'],
  [join(root, 'docs', 'glossary.md'), 'glossary.md'],
  [join(root, 'README.md'), 'README.md'],
]) {
  copyFileSync(from, join(out, to));
}
