/**
 * Discovery (RFC 8414): the printer trusts exactly its configured issuer, retries when the auth server was down,
 * and explains what is wrong instead of failing with a 500.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  Browser,
  TokenRegistry,
  printerEnv,
  startPrinter,
  startStubAuth,
  startStubDrive,
  startStubStack,
  tempDataDir,
} from './helpers.js';

const data = tempDataDir();
after(() => data.remove());

async function pressImport(base: string) {
  const browser = new Browser(base);
  const home = await browser.get('/');
  return browser.post('/import', { csrf: Browser.csrf(home) });
}

describe('auth server metadata', () => {
  it('refuses to start a flow when the metadata names another issuer (RFC 8414 §3.3)', async () => {
    const { auth, printer, stop } = await startStubStack({
      configureStubs: ({ auth }) => {
        auth.metadata = { issuer: `${auth.publicUrl}/` }; // one slash off is already another issuer
      },
    });
    try {
      const page = await pressImport(printer.base);
      assert.equal(page.status, 502);
      assert.equal(page.location, null, 'no redirect to the authorization endpoint');
      assert.match(page.text, /metadata is not acceptable/);
      assert.match(page.text, /RFC 8414 §3\.3/);
      assert.ok(page.text.includes(`${auth.publicUrl}/`));
    } finally {
      await stop();
    }
  });

  it('refuses an auth server without S256 PKCE', async () => {
    const { printer, stop } = await startStubStack({
      configureStubs: ({ auth }) => {
        auth.metadata = { code_challenge_methods_supported: ['plain'] };
      },
    });
    try {
      const page = await pressImport(printer.base);
      assert.equal(page.status, 502);
      assert.match(page.text, /S256/);
    } finally {
      await stop();
    }
  });

  it('shows a 503 page when the auth server is down, and retries once it is up', async () => {
    const tokens = new TokenRegistry();
    const drive = await startStubDrive(tokens);
    // Find a free port, then leave it unused for now.
    const probe = await startStubAuth(tokens);
    const port = probe.port;
    await probe.close();
    const env = printerEnv(
      data.dir,
      { publicUrl: `http://auth.test:${port}`, internalUrl: `http://127.0.0.1:${port}` },
      drive,
    );
    const printer = await startPrinter(env);
    try {
      const page = await pressImport(printer.base);
      assert.equal(page.status, 503);
      assert.match(page.text, new RegExp(`The auth server is not reachable at http://127\\.0\\.0\\.1:${port}`));
      // The auth server comes up later on that port: the next press works (failures are not cached).
      const { createServer } = await import('node:http');
      const late = createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            issuer: `http://auth.test:${port}`,
            authorization_endpoint: `http://auth.test:${port}/authorize`,
            token_endpoint: `http://auth.test:${port}/token`,
            code_challenge_methods_supported: ['S256'],
            authorization_response_iss_parameter_supported: true,
          }),
        );
      });
      await new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve));
      try {
        const retry = await pressImport(printer.base);
        assert.equal(retry.status, 303);
        assert.match(retry.location ?? '', new RegExp(`^http://auth\\.test:${port}/authorize\\?`));
      } finally {
        await new Promise<void>((resolve) => {
          late.close(() => resolve());
          late.closeAllConnections();
        });
      }
    } finally {
      await printer.close();
      await drive.close();
    }
  });
});
