import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRequest } from './errors.js';
import { MAX_FORM_PARAMETERS, optionalParam, parseForm } from './params.js';

describe('parseForm: a form body, RFC 6749 Appendix B', () => {
  it('decodes percent-escapes as UTF-8 and + as a space', () => {
    const params = parseForm('grant_type=client_credentials&scope=gallery.read+photos.read&name=J%C3%BCrgen%20%2B');
    assert.deepEqual(
      { ...params },
      {
        grant_type: 'client_credentials',
        scope: 'gallery.read photos.read',
        name: 'Jürgen +',
      },
    );
  });

  it('keeps every value of a repeated name, so optionalParam refuses it (RFC 6749 §3.2)', () => {
    const params = parseForm('code=a&code=b&code=c&x=');
    assert.deepEqual(params.code, ['a', 'b', 'c']);
    assert.throws(() => optionalParam(params, 'code'), InvalidRequest);
    assert.equal(optionalParam(params, 'x'), undefined, 'sent without a value is omitted (§3.1)');
  });

  it('refuses broken percent-encoding, and bytes that are not UTF-8, as invalid_request', () => {
    for (const body of ['token=%zz', 'code=%', 'grant_type=%E0%A4%A', 'token=%FF'])
      assert.throws(() => parseForm(body), InvalidRequest, body);
  });

  it(`refuses more than ${MAX_FORM_PARAMETERS} parameters`, () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `p${i}=1`).join('&');
    assert.equal(Object.keys(parseForm(body(MAX_FORM_PARAMETERS))).length, MAX_FORM_PARAMETERS);
    assert.throws(() => parseForm(body(MAX_FORM_PARAMETERS + 1)), InvalidRequest);
  });

  it('a parameter named __proto__ or constructor is only a name', () => {
    const params = parseForm('__proto__=x&constructor=y&grant_type[]=z');
    assert.equal(Object.getPrototypeOf(params), null);
    assert.equal(Object.getOwnPropertyDescriptor(params, '__proto__')?.value, 'x');
    assert.equal(optionalParam(params, 'constructor'), 'y');
    assert.equal(optionalParam(params, 'grant_type'), undefined, 'grant_type[] is another name, not an array');
    assert.equal(({} as Record<string, unknown>).x, undefined, 'no prototype was touched');
  });

  it('an empty body has no parameters', () => {
    assert.deepEqual(Object.keys(parseForm('')), []);
  });
});
