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
 * One regular expression per term, kept here beside the list of terms it covers: a unit test fails when
 * docs/glossary.md gains a term this table does not recognise.
 */
import { glossaryTerms, termLink } from './docs.js';

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

interface Segment {
  text: string;
  /** Page text outside every NO_TERM_ELEMENTS element. */
  eligible: boolean;
}

/** The page split into its text (eligible or not) and everything else (tags, comments: never eligible). */
function segmentsOf(html: string): Segment[] {
  const segments: Segment[] = [];
  const open: string[] = []; // the NO_TERM_ELEMENTS elements we are inside, innermost last
  let lower: string | undefined; // the page in lower case, to find the end tag of a raw-text element
  const token = /<!--[\s\S]*?-->|<!\w[^>]*>|<(\/?)([a-zA-Z][\w-]*)\b[^>]*>|[^<]+|</g;
  for (let m = token.exec(html); m !== null; m = token.exec(html)) {
    const [whole, closing, rawName] = m;
    if (rawName === undefined) {
      segments.push({ text: whole, eligible: !whole.startsWith('<') && open.length === 0 });
      continue;
    }
    segments.push({ text: whole, eligible: false });
    const name = rawName.toLowerCase();
    if (!SKIP.has(name)) continue;
    if (closing) {
      const at = open.lastIndexOf(name);
      if (at >= 0) open.length = at;
    } else if (RAW_TEXT.has(name)) {
      lower ??= html.toLowerCase();
      const end = lower.indexOf(`</${name}`, token.lastIndex);
      const stop = end < 0 ? html.length : end;
      segments.push({ text: html.slice(token.lastIndex, stop), eligible: false });
      token.lastIndex = stop;
    } else if (!whole.endsWith('/>')) {
      open.push(name);
    }
  }
  return segments;
}

/** Links the first occurrence of each glossary term in the page's text (see the module's comment). */
export function markGlossaryTerms(html: string, glossaryBase = ''): string {
  const segments = segmentsOf(html);
  // Most terms are absent from most pages: one search of the page's whole text (its eligible segments joined by a
  // character that is neither a word character nor a space, so no match spans two of them) rules a term out before
  // the search segment by segment. Under a class's load this pass was 12-16% of the printer's CPU without it.
  const text = segments
    .filter((s) => s.eligible)
    .map((s) => s.text)
    .join('\u0000');
  const linkedByHand = new Set(Array.from(html.matchAll(/\/glossary#([\w-]+)"/g), (m) => m[1]));
  for (const { id } of glossaryTerms()) {
    const pattern = GLOSSARY_TERM_PATTERNS[id];
    if (!pattern || linkedByHand.has(id) || !pattern.test(text)) continue;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (!segment.eligible) continue;
      const match = pattern.exec(segment.text);
      if (!match) continue;
      const at = match.index;
      segments.splice(
        i,
        1,
        { text: segment.text.slice(0, at), eligible: true },
        { text: termLink(id, match[0], glossaryBase), eligible: false },
        { text: segment.text.slice(at + match[0].length), eligible: true },
      );
      break;
    }
  }
  return segments.map((s) => s.text).join('');
}
