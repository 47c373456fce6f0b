/**
 * @module docs
 *
 * The notes and the glossary in the project's own words (docs/notes.md, docs/glossary.md: their one source), rendered
 * to HTML on the server with markdown-it (no CDN, no script in the page), for the printer's /notes and /glossary; and
 * the glossary's terms, so a page can link a term it uses to its explanation (/glossary#id, with the first sentence
 * as a hover text).
 *
 * Raw HTML in the markdown is not passed through (markdown-it's `html: false`): the docs are text, and a page built
 * from them must not run anything.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import MarkdownIt from 'markdown-it';

export type DocName = 'notes' | 'glossary' | 'configuration';

/** Where the docs are: copied into dist/docs by the build (scripts/copy-docs.mjs), or the repository's own. */
function docsDirs(): string[] {
  const here = import.meta.dirname;
  return [join(here, 'docs'), resolve(here, '..', 'dist', 'docs'), resolve(here, '..', '..', '..', 'docs')];
}

function readDoc(file: string): string {
  // The repository's docs/ has a README.md of its own (the docs index): the project README is looked up only in the
  // build's copy and beside docs/.
  const dirs = file === 'README.md' ? docsDirs().slice(0, 2) : docsDirs();
  for (const dir of dirs) {
    const path = join(dir, file);
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  // The README sits beside docs/ in the repository.
  const readme = resolve(import.meta.dirname, '..', '..', '..', file);
  if (existsSync(readme)) return readFileSync(readme, 'utf8');
  throw new Error(`the teaching docs are missing: ${file} (build @oauth-demo/teaching, which copies them)`);
}

/** An id for a heading or a glossary term: `CSRF and \`state\`` → `csrf-and-state`. */
export function slug(text: string): string {
  return text
    .replace(/<[^>]+>/g, '')
    .replace(/&[a-z]+;/g, '')
    .replace(/\([^)]*\)/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Links between the docs, rewritten to the pages that serve them; others to the RFCs stay as they are. */
const LINKS: Record<string, string> = {
  'notes.md': '/notes',
  'glossary.md': '/glossary',
  'README.md': '/docs/configuration',
};

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

md.core.ruler.push('demo_anchors', (state) => {
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // Headings get ids (so /notes#the-grants-table works).
    if (t.type === 'heading_open') {
      const inline = tokens[i + 1];
      if (inline?.type === 'inline') t.attrSet('id', slug(inline.content));
    }
    // A glossary entry is a paragraph that starts with its bold term: the paragraph gets the term's id.
    if (t.type === 'paragraph_open') {
      const inline = tokens[i + 1];
      const term = inline?.type === 'inline' ? /^\*\*(.+?)\.\*\*/.exec(inline.content)?.[1] : undefined;
      if (term) {
        t.attrSet('id', slug(term));
        t.attrJoin('class', 'term-entry');
      }
    }
    if (t.type === 'inline') {
      for (const child of t.children ?? []) {
        if (child.type !== 'link_open') continue;
        const href = String(child.attrGet('href') ?? '');
        const [file, hash] = href.split('#');
        const page = file !== undefined && Object.hasOwn(LINKS, file) ? LINKS[file] : undefined;
        if (page) child.attrSet('href', hash ? `${page}#${hash}` : page);
        else if (/^https?:/.test(href)) child.attrSet('rel', 'noopener');
      }
    }
  }
});

export interface RenderedDoc {
  title: string;
  html: string;
}

const cache = new Map<DocName, RenderedDoc>();

/** The doc as HTML (rendered once per process: the docs do not change while it runs). */
export function renderDoc(name: DocName): RenderedDoc {
  const cached = cache.get(name);
  if (cached) return cached;
  let markdown: string;
  if (name === 'configuration') {
    // The README's Configuration section: what the instructor panel refers to, reachable from the browser.
    const readme = readDoc('README.md');
    const start = readme.indexOf('\n## Configuration');
    const end = start < 0 ? -1 : readme.indexOf('\n## ', start + 5);
    markdown =
      start < 0
        ? '# Configuration\n\nSee the README.'
        : `#${readme.slice(start + 3, end < 0 ? undefined : end).replace(/^#/, '')}`;
  } else {
    markdown = readDoc(`${name}.md`);
  }
  const title = /^# (.+)$/m.exec(markdown)?.[1] ?? name;
  const doc = { title, html: md.render(markdown) };
  cache.set(name, doc);
  return doc;
}

export interface GlossaryTerm {
  id: string;
  /** The term as the glossary writes it (without markup). */
  term: string;
  /** Its first sentence, for a hover text. */
  summary: string;
}

/** The glossary's terms, in its order. */
let termsCache: GlossaryTerm[] | undefined;

export function glossaryTerms(): GlossaryTerm[] {
  if (termsCache) return termsCache;
  const terms: GlossaryTerm[] = [];
  for (const paragraph of readDoc('glossary.md').split(/\n\s*\n/)) {
    const match = /^\*\*(.+?)\.\*\*\s+([\s\S]*)$/.exec(paragraph.trim());
    if (!match) continue;
    const term = (match[1] ?? '').replace(/`/g, '');
    const body = (match[2] ?? '')
      .replace(/\s+/g, ' ')
      .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
      .replace(/[*`]/g, '');
    const summary = /^(.+?[.!?])(\s|$)/.exec(body)?.[1] ?? body;
    terms.push({ id: slug(match[1] ?? ''), term, summary: summary.slice(0, 300) });
  }
  termsCache = terms;
  return terms;
}

/**
 * HTML for a glossary term used on a page: a link to its explanation, with its first sentence as the hover
 * text. `label` is what the page says (default: the term). An unknown id throws: a page must not link nowhere.
 */
export function termLink(id: string, label?: string, glossaryBase = ''): string {
  const term = glossaryTerms().find((t) => t.id === id);
  if (!term) throw new Error(`no glossary term ${id} in docs/glossary.md`);
  return `${termLinkStart(term, glossaryBase)}${escapeHtml(label ?? term.term)}</a>`;
}

/** The start tag of termLink's link, for a term whose words the page already wrote as HTML (glossary_marks.ts). */
export function termLinkStart(term: GlossaryTerm, glossaryBase = ''): string {
  return `<a class="term" href="${escapeHtml(glossaryBase)}/glossary#${term.id}" title="${escapeHtml(term.summary)}">`;
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
