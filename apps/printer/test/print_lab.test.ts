/**
 * The print lab: Client Credentials (RFC 6749 §4.4), steps 2, 6, 7, 8. The printer asks for a token for itself
 * with client_secret_post, gets no refresh token, reads Drive's gallery and shows Drive refusing the user API.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { Browser, connect, GALLERY, PRINT_LAB_SECRET, startStubStack, stepBars, svgFor } from './helpers.js';

const stack = await startStubStack();
const { tokens, auth, drive, printer } = stack;
after(() => stack.stop());
beforeEach(() => stack.reset());

async function pressFetch(browser: Browser) {
  const page = await browser.get('/print-lab');
  const posted = await browser.post('/print-lab', { csrf: Browser.csrf(page) });
  assert.equal(posted.status, 303);
  assert.equal(posted.location, '/print-lab#results');
  return browser.get('/print-lab');
}

describe('GET /print-lab', () => {
  it('explains the grant with its steps (2, 6, 7, 8), the notes’ row and the button', async () => {
    const page = await new Browser(printer.base).get('/print-lab');
    assert.equal(page.status, 200);
    // Only the Client Credentials grant's steps exist on this page: 1, 3, 4 and 5 are not shown at all.
    assert.deepEqual(stepBars(page.text), [
      { grant: 'client_credentials', steps: [2, 6, 7, 8], active: [2, 6, 7, 8], refused: [] },
    ]);
    assert.match(page.text, /for itself/, 'the step bar speaks of this grant');
    assert.match(page.text, /<td>Client Credentials<\/td><td>Application \(no user\) \(exp : microservice\)<\/td>/);
    assert.match(page.text, /<button type="submit">Fetch the sample gallery as the print lab<\/button>/);
    assert.match(page.text, /no user/);
    assert.equal(auth.tokenRequests.length, 0, 'nothing happens before the button');
  });

  it('refuses the button without the CSRF token', async () => {
    const browser = new Browser(printer.base);
    await browser.get('/print-lab');
    assert.equal((await browser.post('/print-lab', {})).status, 403);
    assert.equal(auth.tokenRequests.length, 0);
  });
});

describe('POST /print-lab (Client Credentials)', () => {
  it('asks for a token with client_secret_post: the right form, no Basic header, no user anywhere', async () => {
    const browser = new Browser(printer.base);
    await pressFetch(browser);
    assert.equal(auth.tokenRequests.length, 1);
    const request = auth.tokenRequests[0]!;
    assert.equal(request.url, '/token', 'at the internal URL');
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(request.headers.authorization, undefined, 'client_secret_post: no Authorization header');
    assert.deepEqual([...request.form.keys()].sort(), ['client_id', 'client_secret', 'grant_type', 'scope']);
    assert.equal(request.form.get('grant_type'), 'client_credentials');
    assert.equal(request.form.get('scope'), 'gallery.read');
    assert.equal(request.form.get('client_id'), 'print-lab');
    assert.equal(request.form.get('client_secret'), PRINT_LAB_SECRET);
  });

  it('shows the answer: no refresh token, the subject is the client, the secret masked, the token never shown', async () => {
    const browser = new Browser(printer.base);
    const page = await pressFetch(browser);
    assert.equal(page.status, 200);
    assert.match(
      page.text,
      /grant_type=client_credentials&amp;scope=gallery\.read&amp;client_id=print-lab&amp;client_secret=••••••••/,
    );
    assert.ok(!page.text.includes(PRINT_LAB_SECRET), 'the secret is not on the page');
    assert.match(page.text, /Refresh token<\/th><td><strong>none<\/strong>: RFC 6749 §4\.4\.3/);
    assert.match(
      page.text,
      /<code>sub<\/code> \(subject\)<\/th><td><code>print-lab<\/code> — <strong>the client itself<\/strong>/,
    );
    assert.match(page.text, /fingerprint <code>sha256:[0-9a-f]{6}<\/code>/);
    for (const token of tokens.valid) assert.ok(!page.text.includes(token), 'no access token on the page');
    assert.ok(!JSON.stringify([...browser.cookies.values()]).includes('eyJ'));
  });

  it('calls Drive with the token: the gallery is shown, with its images', async () => {
    const browser = new Browser(printer.base);
    const page = await pressFetch(browser);
    const gallery = drive.requests.find((r) => r.url === '/api/gallery');
    assert.ok(gallery, 'Drive was asked for the gallery');
    const bearer = (gallery.headers.authorization ?? '').replace(/^Bearer /, '');
    assert.equal(tokens.subjects.get(bearer), 'print-lab', 'with the print lab’s own token');
    assert.match(page.text, /HTTP 200<\/span> from <code>http:\/\/drive\.test:\d+\/api\/gallery<\/code>/);
    for (const g of GALLERY) {
      assert.ok(page.text.includes(g.title), g.title);
      assert.ok(page.text.includes(`/print-lab/gallery/${g.id}/image`));
    }
    const image = await browser.get(`/print-lab/gallery/${GALLERY[0]!.id}/image`);
    assert.equal(image.status, 200);
    assert.equal(image.text, svgFor(GALLERY[0]!.id));
    assert.match(image.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.equal((await browser.get('/print-lab/gallery/not-in-gallery/image')).status, 404);
    assert.equal(auth.tokenRequests.length, 1, 'the thumbnail reused the print lab’s token');
  });

  it('shows Drive refusing the same token on the user photo API: 403 with its WWW-Authenticate', async () => {
    const page = await pressFetch(new Browser(printer.base));
    assert.ok(
      drive.requests.some((r) => r.url === '/api/photos'),
      'Drive was asked for photos',
    );
    assert.match(page.text, /HTTP 403<\/span> from <code>http:\/\/drive\.test:\d+\/api\/photos<\/code>/);
    assert.match(
      page.text,
      /WWW-Authenticate: Bearer realm=&#34;drive&#34;, error=&#34;insufficient_scope&#34;, scope=&#34;photos\.read&#34;/,
    );
    assert.match(page.text, /This refusal is the lesson/);
    assert.match(page.text, /a token without a user opens no user’s data/);
  });

  it('shows Drive’s real answer when it has no gallery', async () => {
    drive.galleryMissing = true;
    const page = await pressFetch(new Browser(printer.base));
    assert.match(page.text, /HTTP 404<\/span> from <code>http:\/\/drive\.test:\d+\/api\/gallery<\/code>/);
    assert.match(page.text, /\{&#34;error&#34;:&#34;not_found&#34;\}/);
  });

  it('shows a refused token request with its code and asks nothing of Drive', async () => {
    auth.tokenError = 'invalid_client';
    const page = await pressFetch(new Browser(printer.base));
    assert.match(page.text, /HTTP 400: <code>invalid_client<\/code>/);
    assert.equal(drive.requests.length, 0);
  });
});

describe('the inspector after the print lab (issue: the claims editor started from the print lab’s token)', () => {
  it('the claims editor starts from the learner’s own access token; the print lab’s token has a real state (introspected as print-lab)', async () => {
    auth.accessTokenSubject = 'alice'; // the learner's access token is a JWT, like the auth server's
    // The stub's introspection answers for the print lab's own tokens when print-lab asks (RFC 7662 §2.1).
    const askedBy: string[] = [];
    auth.extra = (req, url, body, res) => {
      if (req.method !== 'POST' || url.pathname !== '/introspect') return false;
      const caller = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      askedBy.push(decodeURIComponent(caller.split(':')[0] ?? ''));
      const token = new URLSearchParams(String(body)).get('token') ?? '';
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString() || '{}');
      const active = claims.client_id === 'print-lab' && caller.startsWith('print-lab:') && tokens.valid.has(token);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ active }));
      return true;
    };
    try {
      const browser = new Browser(printer.base);
      await connect(browser, auth.publicUrl);
      await pressFetch(browser); // the print lab's token is now the newest of the session
      const page = await browser.get('/inspect');
      assert.equal(page.status, 200);
      const editorClaims = /<textarea id="editor-claims"[^>]*>([^<]*)<\/textarea>/.exec(page.text)?.[1] ?? '';
      assert.match(
        editorClaims,
        /&#34;client_id&#34;: &#34;photo-printer&#34;/,
        'Photo Printer’s token, issued for you',
      );
      assert.match(editorClaims, /&#34;sub&#34;: &#34;alice&#34;/);
      assert.ok(askedBy.includes('print-lab'), 'the print lab’s token asked about as print-lab');
      const labCard = [...page.text.matchAll(/<article class="card token-card"[\s\S]*?<\/article>/g)]
        .map((m) => m[0])
        .find((card) => /&#34;client_id&#34;|<code>client_id<\/code><\/th><td class="value">print-lab/.test(card));
      assert.ok(labCard, 'the print lab’s token is shown');
      assert.match(labCard, /data-state="active"/);
      assert.match(labCard, /to the print lab \(as the client print-lab\)’s introspection request/);
      assert.doesNotMatch(page.text, /State: state unknown/);
      assert.match(page.text, /The boxes start with your own newest access token/);
    } finally {
      auth.extra = undefined;
    }
  });
});
