import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { glossaryTerms } from './docs.js';
import { GLOSSARY_TERM_PATTERNS, markGlossaryTerms } from './glossary_marks.js';

const links = (html: string) =>
  [...html.matchAll(/<a class="term" href="[^"]*\/glossary#([a-z0-9-]+)"/g)].map((m) => m[1]);

describe('glossary terms marked on every page by construction (issue 13)', () => {
  it('every term of docs/glossary.md is recognised, and every pattern names a term', () => {
    const ids = glossaryTerms().map((t) => t.id);
    for (const id of ids) assert.ok(GLOSSARY_TERM_PATTERNS[id], `docs/glossary.md's “${id}” has no pattern`);
    for (const id of Object.keys(GLOSSARY_TERM_PATTERNS)) assert.ok(ids.includes(id), `${id} is not in the glossary`);
  });

  it('links the first occurrence of a term in the text, with its explanation as hover text, and only that one', () => {
    const html = '<main><p>An access token is short-lived.</p><p>Another access token.</p></main>';
    const marked = markGlossaryTerms(html, 'http://printer.test');
    assert.deepEqual(links(marked), ['access-token']);
    assert.match(
      marked,
      /<p>An <a class="term" href="http:\/\/printer\.test\/glossary#access-token" title="[^"]+">access token<\/a> is short-lived\.<\/p><p>Another access token\.<\/p>/,
    );
  });

  it('never touches tags, attributes, code, links, buttons, labels, the service bar, the step bar or the head', () => {
    const html = [
      '<html><head><title>The access token</title><style>.PKCE{}</style></head><body>',
      '<header>Role: public client</header><nav class="steps"><li>refresh token</li></nav>',
      '<p title="an access token">x</p><img alt="JWT">',
      '<pre>scope=photos.read</pre><code>Bearer token</code><a href="/x">consent</a>',
      '<button>Revocation</button><label>Introspection <input name="metadata"></label>',
      '<script>if (a < b) { JWKS }</script>',
      '</body></html>',
    ].join('');
    assert.equal(markGlossaryTerms(html), html);
  });

  it('text after a skipped element is page text again; a term linked by hand is not linked twice', () => {
    const html =
      '<p><code>PKCE</code> then PKCE, and <a class="term" href="/glossary#jwt" title="x">JWT</a> then JWT.</p>';
    const marked = markGlossaryTerms(html);
    assert.deepEqual(links(marked), ['pkce', 'jwt']);
    assert.match(marked, /<code>PKCE<\/code> then <a class="term" href="\/glossary#pkce"/);
    assert.match(marked, /then JWT\.<\/p>$/);
  });

  it('on the glossary page an entry never links to itself, and its term is linked from the other entries', () => {
    const html =
      '<main><p id="consent" class="term-entry"><strong>Consent.</strong> Consent is what the user gives.</p>' +
      '<p id="scope" class="term-entry"><strong>Scope.</strong> A scope is asked for, and consent is given to it.</p></main>';
    const marked = markGlossaryTerms(html);
    assert.match(
      marked,
      /<p id="consent" class="term-entry"><strong>Consent\.<\/strong> Consent is what the user gives\.<\/p>/,
    );
    assert.match(marked, /and <a class="term" href="\/glossary#consent"[^>]*>consent<\/a> is given/);
    assert.deepEqual(links(marked), ['consent']);
  });

  it('a term across a line break is recognised as the browser shows it', () => {
    assert.deepEqual(links(markGlossaryTerms('<p>the refresh\n   token rotates</p>')), ['refresh-token']);
  });

  it('a term split by inline emphasis is the term, and its link holds the emphasis whole', () => {
    const cases: [html: string, id: string, linked: string][] = [
      ['<p>An access <em>token</em> is short-lived.</p>', 'access-token', 'access <em>token</em>'],
      ['<p><strong>Refresh</strong> token rotation</p>', 'refresh-token', '<strong>Refresh</strong> token'],
      [
        '<p>the <b><i>authorization</i></b> <i>code</i>.</p>',
        'authorization-code',
        '<b><i>authorization</i></b> <i>code</i>',
      ],
      ['<p>a <em class="x">bearer <b>token</b></em>!</p>', 'bearer-token', 'bearer <b>token</b>'],
    ];
    for (const [html, id, linked] of cases) {
      const marked = markGlossaryTerms(html);
      assert.deepEqual(links(marked), [id], html);
      const inner = /<a class="term" [^>]+>([\s\S]*?)<\/a>/.exec(marked)?.[1];
      assert.equal(inner, linked, html);
      assert.equal(marked.replace(/<a class="term"[^>]*>|<\/a>/g, ''), html, 'nothing else changes');
    }
  });

  it('a split term whose link would cut an element in two is left, and its next occurrence linked', () => {
    const html = '<p><em>the access</em> token, an access <em>token type</em>, then <b>an</b> access token.</p>';
    const marked = markGlossaryTerms(html);
    assert.deepEqual(links(marked), ['access-token']);
    assert.equal(
      marked.replace(/<a class="term"[^>]*>/, '<a>'),
      '<p><em>the access</em> token, an access <em>token type</em>, then <b>an</b> <a>access token</a>.</p>',
    );
  });

  it('a term never spans another element, nor inline emphasis inside code, links, buttons, labels or attributes', () => {
    const html = [
      '<p>access</p><p>token</p>',
      '<p>access<br>token, access <span>token</span>, access <code>token</code>, access <a href="/x">token</a></p>',
      '<p><code>access <em>token</em></code> <button>access <em>token</em></button> <label>access <b>token</b></label></p>',
      '<p><em title="an access token">x</em> access<!-- --> token</p>',
    ].join('');
    assert.equal(markGlossaryTerms(html), html);
  });
});
