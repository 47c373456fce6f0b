import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { glossaryTerms, renderDoc, slug, termLink } from './docs.js';

describe('the notes and the glossary, rendered from docs/', () => {
  it('renders the notes with the five terms, the eight steps and the grants table, headings with ids', () => {
    const notes = renderDoc('notes');
    assert.match(notes.html, /<h2 id="the-five-terms">/);
    assert.match(notes.html, /<h2 id="the-grants-table">/);
    assert.match(notes.html, /<table>/);
    const steps = notes.html.slice(
      notes.html.indexOf('id="the-eight-steps'),
      notes.html.indexOf('id="the-grants-table"'),
    );
    assert.equal(steps.match(/<li>/g)?.length, 8, 'the eight steps, as a list');
    assert.match(notes.html, /href="\/glossary"/, 'a link to glossary.md becomes the page');
  });

  it('gives every glossary entry an id a page can link to, and passes no raw HTML through', () => {
    const glossary = renderDoc('glossary');
    for (const t of glossaryTerms())
      assert.match(glossary.html, new RegExp(`<p id="${t.id}" class="term-entry">`), t.term);
    assert.doesNotMatch(glossary.html, /<script/);
  });

  it('has the terms issue 13 found unexplained', () => {
    const ids = new Set(glossaryTerms().map((t) => t.id));
    for (const id of [
      'csrf-and-state',
      'mix-up-and-iss',
      'sha-256',
      'bearer-token',
      'jwt',
      'jwks',
      'base64url',
      'es256',
      'issuer',
      'audience',
      'cors',
      'token-family',
      'sender-constrained-tokens',
      'oauth-2-1',
      'grant-grant-type',
      'print-lab',
      'http-statuses-you-will-meet',
      'cookie-flags',
      'environment-doctor',
      'notes',
    ]) {
      assert.ok(ids.has(id), id);
    }
  });

  it('links a term with its first sentence as the hover text; an unknown term throws', () => {
    assert.match(
      termLink('bearer-token', 'Bearer'),
      /^<a class="term" href="\/glossary#bearer-token" title="A token that works for whoever holds[^"]*">Bearer<\/a>$/,
    );
    assert.match(termLink('jwt', undefined, 'http://printer.test'), /href="http:\/\/printer\.test\/glossary#jwt"/);
    assert.throws(() => termLink('no-such-term'), /no glossary term/);
    assert.equal(slug('CSRF and <code>state</code>'), 'csrf-and-state');
  });

  it('serves the README’s Configuration table on its own', () => {
    const config = renderDoc('configuration');
    assert.equal(config.title, 'Configuration');
    assert.match(config.html, /AUTHORIZATION_CODE_TTL|ACCESS_TOKEN_TTL/);
    assert.doesNotMatch(config.html, /<h2 id="docker">/);
  });
});
