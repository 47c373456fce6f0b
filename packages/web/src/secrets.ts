/**
 * @module secrets
 *
 * Secrets a service makes for itself on first start (e.g. its session-signing key) and keeps in its data
 * directory, so nobody ships a default secret and a restart does not log everybody out. Also the secrets two
 * services share on a native run (config.ts readSharedSecret), which both may create at the same instant:
 * `npm start` starts all three services together on an empty folder.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE, ensurePrivateDir, ensurePrivateFile } from './private_files.js';

export function loadOrCreateSecret(dataDir: string, name: string): string {
  const file = join(dataDir, `${name}.secret`);
  const existing = readSecret(file);
  if (existing) {
    ensurePrivateFile(file); // made by an older version with the umask's mode: 0600 now
    return existing;
  }
  ensurePrivateDir(dataDir); // 0700: private_files.ts
  return publishSecret(file, randomBytes(32).toString('base64url'));
}

/**
 * Store `secret` under `file` unless another process got there first; returns the secret that is stored.
 * Created whole or not at all, and never over another process's secret: the secret is written to a file of
 * our own, then linked under its name, which fails if the name exists. The first process to link wins; the
 * others read its secret. (Writing the name directly, the last writer would win, and a service that had
 * already read the first secret would disagree with the others until restarted.)
 */
export function publishSecret(file: string, secret: string): string {
  const mine = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(mine, `${secret}\n`, { mode: PRIVATE_FILE_MODE });
  try {
    linkSync(mine, file);
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = readSecret(file);
    if (!winner)
      throw new Error(`${file} exists but holds no secret (at least 32 characters): delete it to make a new one`);
    return winner;
  } finally {
    unlinkSync(mine);
  }
}

function readSecret(file: string): string | undefined {
  try {
    const value = readFileSync(file, 'utf8').trim();
    return value.length >= 32 ? value : undefined;
  } catch {
    return undefined; // not made yet
  }
}
