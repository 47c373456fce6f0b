import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import type session from 'express-session';
import { ConfigError, readPort, readSharedSecret, readUrl } from './config.js';
import { openDatabase } from './database.js';
import { loadOrCreateSecret, publishSecret } from './secrets.js';
import { SqliteSessionStore } from './session_store.js';

const dir = mkdtempSync(join(tmpdir(), 'web-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('config', () => {
  it('shared secrets: 256 bits for ours; a shorter one issued elsewhere is accepted with a warning (issue 17)', () => {
    const long = 'L'.repeat(43);
    const foreign = 'f'.repeat(32); // what many providers issue
    assert.equal(readSharedSecret({ X_SECRET: long }, 'X_SECRET'), long);
    // Our own auth server registers the secret: shorter than 256 bits stops the start-up (docs/security.md §T4).
    assert.throws(
      () => readSharedSecret({ X_SECRET: foreign }, 'X_SECRET'),
      (e: unknown) => e instanceof ConfigError && /X_SECRET must have at least 256 bits/.test(e.message),
    );
    // A client of another authorization server: accepted, and said once.
    const warnings: string[] = [];
    const issuedElsewhere = { warn: (message: string) => warnings.push(message) };
    assert.equal(readSharedSecret({ X_SECRET: foreign }, 'X_SECRET', { issuedElsewhere }), foreign);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /X_SECRET has 32 characters, fewer than the 43 \(256 bits\)/);
    assert.doesNotMatch(warnings[0]!, /f{32}/, 'the warning never shows the secret');
    assert.equal(readSharedSecret({ X_SECRET: long }, 'X_SECRET', { issuedElsewhere }), long);
    assert.equal(warnings.length, 1, 'no warning for a long secret');
    // Still a floor: a password-like value is refused even from elsewhere.
    assert.throws(
      () => readSharedSecret({ X_SECRET: 'password123' }, 'X_SECRET', { issuedElsewhere }),
      (e: unknown) => e instanceof ConfigError && /never fewer than 16/.test(e.message),
    );
    assert.equal(warnings.length, 1);
  });

  it('reads ports and refuses nonsense with the variable name', () => {
    assert.equal(readPort({}, 'AUTH_PORT', 9000), 9000);
    assert.equal(readPort({ AUTH_PORT: '0' }, 'AUTH_PORT', 9000), 0);
    assert.throws(
      () => readPort({ AUTH_PORT: 'abc' }, 'AUTH_PORT', 9000),
      (e: unknown) => e instanceof ConfigError && /AUTH_PORT/.test(e.message),
    );
  });
  it('normalises URLs without a trailing slash and refuses queries', () => {
    assert.equal(readUrl({ X: 'http://localhost:9000/' }, 'X', 'http://a'), 'http://localhost:9000');
    assert.throws(() => readUrl({ X: 'http://localhost:9000/?a=1' }, 'X', 'http://a'), ConfigError);
    assert.throws(() => readUrl({ X: 'ftp://host' }, 'X', 'http://a'), ConfigError);
  });
});

describe('database and sessions', () => {
  it('applies each migration once, across reopenings', () => {
    const file = join(dir, 'm.db');
    const migrations = ['CREATE TABLE a (x)', 'INSERT INTO a VALUES (1)'];
    openDatabase(file, migrations).close();
    const db = openDatabase(file, migrations);
    assert.equal((db.prepare('SELECT count(*) AS n FROM a').get() as { n: number }).n, 1);
    db.close();
  });

  it('compiles each SQL text once and reuses the statement, inside transactions too', () => {
    const db = openDatabase(join(dir, 'p.db'), ['CREATE TABLE t (x)']);
    const insert = 'INSERT INTO t VALUES (?)';
    assert.equal(db.prepare(insert), db.prepare(insert));
    assert.notEqual(db.prepare(insert), db.prepare('SELECT x FROM t'));
    db.transaction(() => {
      db.prepare(insert).run(1);
      db.prepare(insert).run(2);
    })();
    assert.throws(
      () =>
        db.transaction(() => {
          db.prepare(insert).run(3);
          throw new Error('rolled back');
        })(),
      /rolled back/,
    );
    assert.deepEqual(db.prepare('SELECT x FROM t ORDER BY x').all(), [{ x: 1 }, { x: 2 }]);
    db.close();
  });

  it('stores sessions, forgets expired ones, and survives a reopen', async () => {
    const file = join(dir, 's.db');
    let db = openDatabase(file, []);
    let store = new SqliteSessionStore(db);
    const live = { cookie: { expires: new Date(Date.now() + 60_000) }, csrf: 'x' } as unknown as session.SessionData;
    const dead = { cookie: { expires: new Date(Date.now() - 1) } } as unknown as session.SessionData;
    store.set('live', live);
    store.set('dead', dead);
    const get = (s: SqliteSessionStore, sid: string) => new Promise((res) => s.get(sid, (_e, v) => res(v)));
    assert.equal(await get(store, 'dead'), null);
    assert.equal(store.sweep(), 1);
    store.close();
    db.close();
    db = openDatabase(file, []);
    store = new SqliteSessionStore(db);
    assert.equal(((await get(store, 'live')) as { csrf: string }).csrf, 'x');
    store.destroy('live');
    assert.equal(await get(store, 'live'), null);
    store.close();
    db.close();
  });

  it('creates a secret once and returns the same one afterwards', () => {
    const a = loadOrCreateSecret(dir, 'session');
    assert.ok(a.length >= 43);
    assert.equal(loadOrCreateSecret(dir, 'session'), a);
  });

  it('a secret another process stored first is kept, never overwritten', () => {
    const file = join(dir, 'first-wins.secret');
    const first = 'a'.repeat(43);
    assert.equal(publishSecret(file, first), first);
    assert.equal(publishSecret(file, 'b'.repeat(43)), first, 'the second process gets the first secret');
    assert.equal(readFileSync(file, 'utf8').trim(), first);
    assert.equal(readdirSync(dir).filter((f) => f.startsWith('first-wins')).length, 1, 'no temporary file left behind');
  });

  it('processes creating the same secret at the same instant all end up with one secret (npm start on a fresh folder)', async () => {
    const shared = join(dir, 'shared-race');
    const secretsModule = pathToFileURL(join(import.meta.dirname, 'secrets.ts')).href;
    // Each child waits for the same instant, then loads or creates the secret and prints it.
    const at = Date.now() + 1500;
    const code = `const { loadOrCreateSecret } = await import(${JSON.stringify(secretsModule)}); while (Date.now() < ${at}); console.log(loadOrCreateSecret(${JSON.stringify(shared)}, 'printer-client-secret'));`;
    const outputs = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<string>((resolve, reject) => {
            execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], (err, stdout) =>
              err ? reject(err) : resolve(stdout.trim()),
            );
          }),
      ),
    );
    assert.equal(new Set(outputs).size, 1, `every process got the same secret: ${outputs.join(' ')}`);
    assert.equal(readFileSync(join(shared, 'printer-client-secret.secret'), 'utf8').trim(), outputs[0]);
    assert.deepEqual(readdirSync(shared), ['printer-client-secret.secret'], 'no temporary file left behind');
  });
});

describe('private files (issue 12 item 9)', () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('creates each data folder 0700 and the database with its WAL files 0600, whatever the umask', () => {
    const old = process.umask(0o022);
    try {
      const folder = join(dir, 'private', 'service');
      const file = join(folder, 'x.db');
      const db = openDatabase(file, ['CREATE TABLE t (x)']);
      db.prepare('INSERT INTO t VALUES (1)').run();
      assert.equal(mode(join(dir, 'private')), 0o700);
      assert.equal(mode(folder), 0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) assert.equal(mode(f), 0o600, f);
      db.close();
    } finally {
      process.umask(old);
    }
  });

  it('makes secrets 0600 in a 0700 folder, and tightens what an older version left readable', () => {
    const folder = join(dir, 'secrets-here');
    loadOrCreateSecret(folder, 'session');
    assert.equal(mode(folder), 0o700);
    assert.equal(mode(join(folder, 'session.secret')), 0o600);

    const loose = join(dir, 'loose');
    mkdirSync(loose, { mode: 0o755 });
    chmodSync(loose, 0o755);
    writeFileSync(join(loose, 'old.secret'), `${'s'.repeat(43)}\n`, { mode: 0o644 });
    chmodSync(join(loose, 'old.secret'), 0o644);
    writeFileSync(join(loose, 'old.db'), '', { mode: 0o644 });
    chmodSync(join(loose, 'old.db'), 0o644);
    assert.equal(loadOrCreateSecret(loose, 'old'), 's'.repeat(43));
    assert.equal(mode(join(loose, 'old.secret')), 0o600);
    openDatabase(join(loose, 'old.db'), []).close();
    assert.equal(mode(loose), 0o700);
    assert.equal(mode(join(loose, 'old.db')), 0o600);
  });
});

describe('errors: the shared half of the three error handlers', async () => {
  const { InvalidRequest, InvalidToken, OAuthError, ServerError } = await import('@oauth-demo/tokens');
  const { isClientHttpError, lookUpByClass, toOAuthError, UnreadableRequest, csrfErrorPage } = await import(
    './errors.js'
  );
  const { CsrfError } = await import('./csrf.js');

  it("express's own client errors become invalid_request (413 kept), ours pass through, the rest is a logged bare server_error", () => {
    assert.equal(isClientHttpError({ status: 413 }), true);
    assert.equal(isClientHttpError({ status: 500 }), false);
    assert.equal(isClientHttpError(null), false);
    const logged: unknown[] = [];
    const log = (e: unknown) => logged.push(e);
    const tooLarge = toOAuthError(Object.assign(new Error('entity too large'), { status: 413 }), log);
    assert.ok(tooLarge instanceof UnreadableRequest && tooLarge instanceof InvalidRequest);
    assert.deepEqual([tooLarge.status, tooLarge.error], [413, 'invalid_request']);
    assert.equal(toOAuthError(Object.assign(new Error('bad json'), { status: 400 }), log).status, 400);
    const ours = new InvalidToken('expired');
    assert.equal(toOAuthError(ours, log), ours);
    const crash = new TypeError('x is undefined');
    const answered = toOAuthError(crash, log);
    assert.ok(answered instanceof ServerError && answered instanceof OAuthError);
    assert.doesNotMatch(JSON.stringify(answered.toJSON()), /undefined|TypeError/);
    assert.deepEqual(logged, [crash]);
  });

  it('looks explanations up by class, subclasses included, never by name', () => {
    class Expired extends InvalidRequest {}
    const table = [
      [Expired, 'expired'],
      [InvalidToken, 'token'],
    ] as const;
    assert.equal(lookUpByClass(new Expired(), table), 'expired');
    assert.equal(lookUpByClass(new InvalidToken(), table), 'token');
    assert.equal(lookUpByClass(new InvalidRequest(), table), undefined);
    const lookalike = new InvalidRequest();
    Object.defineProperty(lookalike, 'constructor', { value: { name: 'Expired' } });
    assert.equal(lookUpByClass(lookalike, table), undefined, 'a name is not a class');
  });

  it('a CSRF failure is the same 403 page everywhere', () => {
    assert.deepEqual(Object.keys(csrfErrorPage(new CsrfError('The form expired.'))).sort(), [
      'code',
      'explanation',
      'heading',
      'message',
      'status',
    ]);
    assert.equal(csrfErrorPage(new CsrfError('x')).status, 403);
  });
});

describe('session lifetimes (issue 12 item 7)', () => {
  it('keeps a signed-out session an hour after its last use, a signed-in one until its cookie expires', () => {
    const db = openDatabase(join(dir, 'lifetimes.db'), []);
    const store = new SqliteSessionStore(db, 60_000, {
      isSignedIn: (data) => (data as { userId?: string }).userId !== undefined,
      signedOutMaxAgeMs: 60 * 60 * 1000,
    });
    const cookie = { expires: new Date(Date.now() + 30 * 24 * 60 * 60 * 1000) };
    store.set('anonymous-flow', { cookie, pending: {} } as unknown as session.SessionData);
    store.set('signed-in', { cookie, userId: 'alice' } as unknown as session.SessionData);
    const [signedIn, signedOut] = store.expiries();
    assert.ok(signedOut! <= Date.now() + 60 * 60 * 1000, 'signed out: one hour');
    assert.ok(signedIn! >= cookie.expires.getTime() - 1000, 'signed in: the cookie’s 30 days');
    assert.equal(store.count(), 2);
    store.close();
    db.close();
  });
});

describe('presenter view', () => {
  it('GET /presenter goes on only to a path of its own or a page of the other two services: no open redirect', async () => {
    const { presenterNext, presenterSwitchUrl } = await import('./presenter.js');
    const trusted = ['http://localhost:3000', 'http://localhost:4000/'];
    assert.equal(presenterNext('/timeline?trace=abc', trusted), '/timeline?trace=abc');
    assert.equal(presenterNext('http://localhost:3000/inspect', trusted), 'http://localhost:3000/inspect');
    assert.equal(
      presenterNext('http://localhost:4000/presenter?set=on', trusted),
      'http://localhost:4000/presenter?set=on',
    );
    for (const bad of [
      '//evil.example/',
      '/\\evil.example',
      'http://evil.example/',
      'http://localhost:3001/',
      'javascript:alert(1)',
      'not a url',
      42,
      undefined,
    ]) {
      assert.equal(presenterNext(bad, trusted), '/', String(bad));
    }
    // The printer's chain: the auth server, then Drive, then back to the printer's page.
    const url = new URL(
      presenterSwitchUrl(
        'http://localhost:9000',
        true,
        presenterSwitchUrl('http://localhost:4000', true, 'http://localhost:3000/'),
      ),
    );
    assert.equal(url.origin + url.pathname, 'http://localhost:9000/presenter');
    assert.equal(url.searchParams.get('set'), 'on');
    const next = new URL(url.searchParams.get('next')!);
    assert.equal(next.origin + next.pathname, 'http://localhost:4000/presenter');
    assert.equal(next.searchParams.get('next'), 'http://localhost:3000/');
  });
});
