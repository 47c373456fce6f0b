/**
 * @module glossary_marks
 *
 * Every glossary term a page uses is recognisable and explained on that page, by construction (issue 13): after a
 * page is rendered, one pass over its HTML links the FIRST occurrence of each term of docs/glossary.md in the page's
 * text to its entry, with the entry's first sentence as the hover text (termLink: `<a class="term" title=…>`,
 * reachable by keyboard too). Only text is touched: never tags or attributes, and never the text of elements where
 * a link would be wrong or would change what the text is: code and preformatted text, links and buttons (no link
 * inside an interactive element), form labels and options, the service bar and the step bar (header, nav), the
 * document head, scripts and styles. A term the page already links by hand (`<%- term(…) %>`) is not linked again.
 *
 * A term is found in the text as the reader sees it, across inline emphasis (em, strong, b, i): `access <em>token</em>`
 * is the term "access token", and its link holds the emphasis whole: `<a …>access <em>token</em></a>`. When the link
 * could only cut an element in two (`<em>the access</em> token`), that occurrence is left as it is and the next one
 * is linked. Any other element ends the text a term can span (a paragraph, a line break, code).
 *
 * One regular expression per term, kept here beside the list of terms it covers: a unit test fails when
 * docs/glossary.md gains a term this table does not recognise.
 */
import { glossaryTerms, termLinkStart } from './docs.js';

/** How each glossary entry (its id, docs.ts slug) is recognised in a page's text. */
export const GLOSSARY_TERM_PATTERNS: Readonly<Record<string, RegExp>> = {
  'access-token': /\baccess\s+tokens?\b/i,
  audience: /\baudiences?\b/i,
  'authorization-code': /\bauthorization\s+codes?\b/i,
  'back-channel-front-channel': /\b(?:back|front)[-\s]channels?\b/i,
  base64url: /\bbase64url\b/,
  'bearer-token': /\bbearer\s+tokens?\b/i,
  'client-confidential-or-public': /\b(?:confidential|public)\s+clients?\b/i,
  consent: /\bconsent\b/i,
  'cookie-flags': /\bcookie\s+(?:flags?|attributes)\b/i,
  cors: /\bCORS\b/,
  'csrf-and-state': /\bCSRF\b/,
  'environment-doctor': /\benvironment\s+doctor\b/i,
  es256: /\bES256\b/,
  'grant-grant-type': /\bgrant(?:s|\s+types?)?\b/i,
  'http-statuses-you-will-meet': /\bHTTP\s+(?:status(?:es)?|[1-5]\d\d)\b/,
  introspection: /\bintrospection\b/i,
  issuer: /\bissuers?\b/i,
  jwks: /\bJWKS\b/,
  jwt: /\bJWTs?\b/,
  metadata: /\bmetadata\b/i,
  'mix-up-and-iss': /\bmix-ups?\b/i,
  notes: /\bthe\s+notes\b/i,
  'oauth-2-1': /\bOAuth\s+2\.1\b/,
  pkce: /\bPKCE\b/,
  'print-lab': /\bprint\s+lab\b/i,
  'redirect-uri': /\bredirect\s+URIs?\b/i,
  'refresh-token': /\brefresh\s+tokens?\b/i,
  revocation: /\brevocation\b/i,
  scope: /\bscopes?\b/i,
  'sha-256': /\bSHA-256\b/,
  'sender-constrained-tokens': /\bsender-constrained\b/i,
  subject: /\bsubject\b/i,
  'token-family': /\btoken\s+famil(?:y|ies)\b/i,
  trace: /\btraces?\b/i,
};

/**
 * Elements whose text never gets a term link: code, links and other interactive elements (a link must not nest in
 * them), form labels, the service bar and step bar (header, nav), and what is not page text.
 */
export const NO_TERM_ELEMENTS: readonly string[] = [
  'a',
  'button',
  'label',
  'select',
  'option',
  'textarea',
  'summary',
  'code',
  'pre',
  'kbd',
  'samp',
  'header',
  'nav',
  'head',
  'title',
  'script',
  'style',
  'svg',
  'abbr',
  'dfn',
];

const SKIP = new Set(NO_TERM_ELEMENTS);
/** Elements whose content is raw text: the pass jumps to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title']);
/** Inline emphasis a term may span: `access <em>token</em>` (see the module's comment). */
const INLINE = new Set(['em', 'strong', 'b', 'i']);
/** The patterns, global: the pass searches on from an occurrence it cannot link. */
const PAGE_PATTERNS = new Map(
  Object.entries(GLOSSARY_TERM_PATTERNS).map(([id, pattern]) => [id, new RegExp(pattern.source, `${pattern.flags}g`)]),
);
/** Ends the text a term can span (no pattern matches it): between elements, and over a term already linked. */
const BREAK = '\0';

interface Segment {
  /** Where it is in the page: the segments cover the page, in order. */
  start: number;
  end: number;
  /**
   * `text`: page text outside every NO_TERM_ELEMENTS element; `open`, `close`: an inline emphasis tag (INLINE) there;
   * `other`: every other tag, comment, or text where no term is linked.
   */
  kind: 'text' | 'open' | 'close' | 'other';
  name?: string;
}

/** The page split into its text (eligible or not), inline emphasis tags, and everything else. */
function segmentsOf(html: string): Segment[] {
  const segments: Segment[] = [];
  const open: string[] = []; // the NO_TERM_ELEMENTS elements we are inside, innermost last
  let lower: string | undefined; // the page in lower case, to find the end tag of a raw-text element
  const token = /<!--[\s\S]*?-->|<!\w[^>]*>|<(\/?)([a-zA-Z][\w-]*)\b[^>]*>|[^<]+|</g;
  for (let m = token.exec(html); m !== null; m = token.exec(html)) {
    const [whole, closing, rawName] = m;
    const start = m.index;
    const end = token.lastIndex;
    if (rawName === undefined) {
      segments.push({ start, end, kind: !whole.startsWith('<') && open.length === 0 ? 'text' : 'other' });
      continue;
    }
    const name = rawName.toLowerCase();
    if (!SKIP.has(name)) {
      const inline = open.length === 0 && INLINE.has(name);
      segments.push({ start, end, kind: inline ? (closing ? 'close' : 'open') : 'other', name });
      continue;
    }
    segments.push({ start, end, kind: 'other' });
    if (closing) {
      const at = open.lastIndexOf(name);
      if (at >= 0) open.length = at;
    } else if (RAW_TEXT.has(name)) {
      lower ??= html.toLowerCase();
      const found = lower.indexOf(`</${name}`, end);
      const stop = found < 0 ? html.length : found;
      segments.push({ start: end, end: stop, kind: 'other' });
      token.lastIndex = stop;
    } else if (!whole.endsWith('/>')) {
      open.push(name);
    }
  }
  return segments;
}

/**
 * The page's text as the reader sees it, in one string: the text segments, joined where only inline emphasis
 * separates them, with a BREAK wherever anything else does; and where each text segment starts in that string.
 */
function textOf(segments: readonly Segment[], html: string): { text: string; at: number[]; segment: number[] } {
  const parts: string[] = [];
  let length = 0;
  let broken = false; // the last part is a BREAK
  const at: number[] = [];
  const segment: number[] = [];
  segments.forEach((s, i) => {
    if (s.kind === 'text') {
      at.push(length);
      segment.push(i);
      parts.push(html.slice(s.start, s.end));
      length += s.end - s.start;
      broken = false;
    } else if (s.kind === 'other' && !broken) {
      parts.push(BREAK);
      length += 1;
      broken = true;
    }
  });
  return { text: parts.join(''), at, segment };
}

/**
 * Where in the page a link around the text from `from` to `to` (offsets in textOf's string) goes: the inline
 * emphasis it crosses must stay whole inside it, so it takes in an element's start tag just before the term or end
 * tag just after it; undefined when that cannot be (the term starts or ends inside an element with more text).
 */
function linkRange(
  from: number,
  to: number,
  segments: readonly Segment[],
  page: ReturnType<typeof textOf>,
): { start: number; end: number } | undefined {
  const first = pieceAt(page.at, from);
  const last = pieceAt(page.at, to - 1);
  const a = page.segment[first]!;
  const b = page.segment[last]!;
  let start = segments[a]!.start + (from - page.at[first]!);
  let end = segments[b]!.start + (to - page.at[last]!);
  const closed: string[] = []; // elements the term closes, opened before it
  const opened: string[] = []; // elements the term opens, innermost last
  for (let i = a + 1; i < b; i++) {
    const { kind, name } = segments[i]!;
    if (kind === 'open') opened.push(name!);
    else if (kind === 'close' && opened.length > 0) {
      if (opened.pop() !== name) return undefined; // misnested: leave it alone
    } else if (kind === 'close') closed.push(name!);
  }
  if (closed.length > 0) {
    if (start !== segments[a]!.start) return undefined;
    for (let j = 0; j < closed.length; j++) {
      const before = segments[a - 1 - j];
      if (before?.kind !== 'open' || before.name !== closed[j]) return undefined;
    }
    start = segments[a - closed.length]!.start;
  }
  if (opened.length > 0) {
    if (end !== segments[b]!.end) return undefined;
    for (let j = 0; j < opened.length; j++) {
      const after = segments[b + 1 + j];
      if (after?.kind !== 'close' || after.name !== opened[opened.length - 1 - j]) return undefined;
    }
    end = segments[b + opened.length]!.end;
  }
  return { start, end };
}

/** The last text segment starting at or before `offset` (binary search over their starts). */
function pieceAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Links the first occurrence of each glossary term in the page's text (see the module's comment). */
export function markGlossaryTerms(html: string, glossaryBase = ''): string {
  const segments = segmentsOf(html);
  const page = textOf(segments, html);
  const links: { start: number; end: number; open: string }[] = [];
  const linkedByHand = new Set(Array.from(html.matchAll(/\/glossary#([\w-]+)"/g), (m) => m[1]));
  // On the glossary page each entry is a paragraph with its term's id (docs.ts): an entry never links to itself.
  const ownEntry = new Map<string, { start: number; end: number }>();
  for (const m of html.matchAll(/<p id="([\w-]+)" class="term-entry">/g)) {
    const end = html.indexOf('</p>', m.index);
    ownEntry.set(m[1]!, { start: m.index, end: end < 0 ? html.length : end });
  }
  for (const term of glossaryTerms()) {
    const pattern = PAGE_PATTERNS.get(term.id);
    if (!pattern || linkedByHand.has(term.id)) continue;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(page.text); m !== null; m = pattern.exec(page.text)) {
      const from = m.index;
      const to = from + m[0].length;
      const range = linkRange(from, to, segments, page);
      if (!range) {
        pattern.lastIndex = from + 1;
        continue;
      }
      const own = ownEntry.get(term.id);
      if (own && range.start >= own.start && range.end <= own.end) continue;
      links.push({ ...range, open: termLinkStart(term, glossaryBase) });
      // The linked words are no longer text another term may use.
      page.text = page.text.slice(0, from) + BREAK.repeat(to - from) + page.text.slice(to);
      break;
    }
  }
  links.sort((x, y) => x.start - y.start);
  let out = '';
  let done = 0;
  for (const { start, end, open } of links) {
    out += `${html.slice(done, start)}${open}${html.slice(start, end)}</a>`;
    done = end;
  }
  return out + html.slice(done);
}
