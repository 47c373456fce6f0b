/**
 * The environment doctor (GET /doctor) against stub peers: green when the issuer, the URLs and the back channel
 * agree; a red row with the fix to try when the issuer differs anywhere or a back-channel URL does not answer.
 */
import assert from 'node:assert/strict';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { listen } from '@oauth-demo/web';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { Browser, CLIENT_SECRET, PRINT_LAB_SECRET, TEST_TRACE_SECRET, tempDataDir } from './helpers.js';

const data = tempDataDir();
after(() => data.remove());

interface Peer {
  publicUrl: string;
  internalUrl: string;
  close(): Promise<void>;
}

/** A stub peer on a free loopback port; its public URL is under a `.test` name that never resolves. */
async function startPeer(
  name: string,
  handler: (path: string, res: ServerResponse, self: { publicUrl: string }) => void,
): Promise<Peer> {
  const self = { publicUrl: '' };
  const server = createServer((req: IncomingMessage, res) =>
    handler(new URL(req.url ?? '/', 'http://stub').pathname, res, self),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  self.publicUrl = `http://${name}.test:${port}`;
  return {
    publicUrl: self.publicUrl,
    internalUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));

/** A stub auth server: its metadata names `issuer()` (its own public URL unless told otherwise). */
function startAuth(issuer?: (self: { publicUrl: string }) => string) {
  return startPeer('auth', (path, res, self) => {
    const iss = issuer ? issuer(self) : self.publicUrl;
    if (path === '/.well-known/oauth-authorization-server')
      return void json(res, 200, { issuer: iss, jwks_uri: `${iss}/jwks`, token_endpoint: `${iss}/token` });
    if (path === '/jwks') return void json(res, 200, { keys: [] });
    json(res, 404, { error: 'not_found' });
  });
}

/** A stub Drive: RFC 9728 metadata accepting `servers`, and an API that wants a token. */
function startDrive(servers: () => string[]) {
  return startPeer('drive', (path, res, self) => {
    if (path === '/.well-known/oauth-protected-resource')
      return void json(res, 200, { resource: self.publicUrl, authorization_servers: servers() });
    if (path === '/api/photos')
      return void json(res, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer realm="drive"' });
    json(res, 404, { error: 'not_found' });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The printer, its public URL the address the test browser uses (so the "opened at" row can be green). */
async function startPrinterFor(auth: Peer, drive: { publicUrl: string; internalUrl: string }) {
  const port = await freePort();
  const printer = createApp(
    loadConfig({
      TRACE_SECRET: TEST_TRACE_SECRET,
      DATA_DIR: data.dir,
      PRINTER_PUBLIC_URL: `http://127.0.0.1:${port}`,
      AUTH_PUBLIC_URL: auth.publicUrl,
      AUTH_INTERNAL_URL: auth.internalUrl,
      DRIVE_PUBLIC_URL: drive.publicUrl,
      DRIVE_INTERNAL_URL: drive.internalUrl,
      PRINTER_CLIENT_SECRET: CLIENT_SECRET,
      PRINT_LAB_CLIENT_SECRET: PRINT_LAB_SECRET,
    }),
  );
  const started = await listen(printer.app, port, '127.0.0.1');
  return {
    browser: new Browser(`http://127.0.0.1:${port}`),
    async close() {
      await started.close();
      await printer.close();
    },
  };
}

/** The rows of a table of the page, as [verdict, text] (tags stripped). */
function rows(html: string, tableId: string): { verdict: string; text: string }[] {
  const table = new RegExp(`<table class="kv" id="${tableId}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr data-verdict="(\w+)">([\s\S]*?)<\/tr>/g)].map((m) => ({
    verdict: m[1] ?? '',
    text: (m[2] ?? '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .replace(/&#39;/g, "'")
      .trim(),
  }));
}

describe('environment doctor (GET /doctor)', () => {
  it('is all green when every service agrees on the issuer and every back-channel URL answers', async () => {
    const auth = await startAuth();
    const drive = await startDrive(() => [auth.publicUrl]);
    const printer = await startPrinterFor(auth, drive);
    try {
      const page = await printer.browser.get('/doctor');
      assert.equal(page.status, 200);
      assert.match(page.text, /Environment doctor/);
      assert.match(page.text, /data-doctor-summary="ok"/);
      assert.doesNotMatch(page.text, /data-verdict="bad"/);
      // Public and internal URL of each service, from the printer's configuration.
      for (const url of [auth.publicUrl, auth.internalUrl, drive.publicUrl, drive.internalUrl])
        assert.ok(page.text.includes(url), url);
      const issuer = rows(page.text, 'doctor-issuer-rows');
      assert.deepEqual(
        issuer.map((r) => r.verdict),
        ['ok', 'ok', 'ok', 'info'],
      );
      assert.match(issuer[3]!.text, /no token in this session/);
      const back = rows(page.text, 'doctor-back-channel-rows');
      assert.equal(back.length, 4);
      for (const row of back) assert.match(row.text, /HTTP (200|401) in \d+ ms/);
      // The jwks_uri (under the public URL) was called at the internal URL.
      assert.ok(back[1]!.text.includes(`${auth.internalUrl}/jwks`));
      // Cookies: names and hosts, never values.
      assert.match(page.text, /printer\.sid/);
      assert.match(page.text, /auth\.sid/);
      assert.match(page.text, /drive\.sid/);
      assert.match(page.text, /per host, not per port/);
    } finally {
      await printer.close();
      await auth.close();
      await drive.close();
    }
  });

  it('shows a mismatched issuer in red, with the fix to try', async () => {
    const auth = await startAuth(() => 'http://localhost:9000');
    const drive = await startDrive(() => ['http://localhost:9000']);
    const printer = await startPrinterFor(auth, drive);
    try {
      const page = await printer.browser.get('/doctor');
      assert.equal(page.status, 200);
      assert.match(page.text, /data-doctor-summary="bad"/);
      const issuer = rows(page.text, 'doctor-issuer-rows');
      assert.equal(issuer[0]!.verdict, 'ok');
      assert.ok(issuer[0]!.text.includes(auth.publicUrl));
      assert.equal(issuer[1]!.verdict, 'bad');
      assert.match(issuer[1]!.text, /Issuer mismatch: the auth server calls itself http:\/\/localhost:9000/);
      assert.match(issuer[1]!.text, /Try: .*AUTH_PUBLIC_URL/);
      assert.equal(issuer[2]!.verdict, 'bad');
      assert.match(issuer[2]!.text, /Drive accepts tokens from http:\/\/localhost:9000/);
      // The jwks_uri is under the wrong issuer: the printer cannot map it to the back channel either.
      assert.ok(rows(page.text, 'doctor-url-checks').some((r) => r.verdict === 'bad' && /jwks_uri/.test(r.text)));
    } finally {
      await printer.close();
      await auth.close();
      await drive.close();
    }
  });

  it('shows a back-channel URL that does not answer in red, naming the variable to fix', async () => {
    const auth = await startAuth();
    const down = { publicUrl: 'http://drive.test:9001', internalUrl: `http://127.0.0.1:${await freePort()}` };
    const printer = await startPrinterFor(auth, down);
    try {
      const page = await printer.browser.get('/doctor');
      assert.equal(page.status, 200);
      const back = rows(page.text, 'doctor-back-channel-rows');
      assert.deepEqual(
        back.map((r) => r.verdict),
        ['ok', 'ok', 'bad', 'bad'],
      );
      assert.match(back[2]!.text, /connection refused/);
      assert.match(back[2]!.text, /Try: DRIVE_INTERNAL_URL is http:\/\/127\.0\.0\.1:\d+/);
      assert.match(back[2]!.text, /0\.0\.0\.0/);
      assert.equal(rows(page.text, 'doctor-issuer-rows')[2]!.verdict, 'bad');
    } finally {
      await printer.close();
      await auth.close();
    }
  });

  it('names the cookies the browser sent (never their values) and flags a page opened at another host', async () => {
    const auth = await startAuth();
    const drive = await startDrive(() => [auth.publicUrl]);
    const printer = await startPrinterFor(auth, drive);
    try {
      const browser = new Browser(printer.browser.base.replace('127.0.0.1', 'localhost'));
      browser.cookies.set('auth.sid', 'secret-session-value-1');
      const page = await browser.get('/doctor');
      const cookies = rows(page.text, 'doctor-cookie-checks');
      assert.ok(cookies.some((r) => r.verdict === 'info' && /auth\.sid/.test(r.text)));
      assert.ok(!page.text.includes('secret-session-value-1'));
      const opened = cookies.find((r) => /You opened this page at/.test(r.text));
      assert.equal(opened?.verdict, 'bad');
      assert.match(opened!.text, /different cookie jar/);
    } finally {
      await printer.close();
      await auth.close();
      await drive.close();
    }
  });
});
