/**
 * @module private_files
 *
 * What a service keeps on disk is private to the user it runs as (issue 12 item 9): every data directory is
 * 0700 and every database and secret file 0600. The auth server's database holds its private signing key, the
 * printer's sessions hold access and refresh tokens; on a shared machine (a classroom server) another local
 * account must not read them. The modes are set when a file is created (never a window where it is readable)
 * and set again on start, so a folder made by an older version is tightened too.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Create `dir` (and missing parents) 0700, or tighten it to 0700 if it exists. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE);
}

/** Create `file` empty with mode 0600 if missing (before a library opens it with the umask's mode), else tighten it. */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  tighten(file, PRIVATE_FILE_MODE);
}

/** chmod, except where we may not (a folder mounted into a container, owned by another user): then it stays as it is. */
function tighten(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOENT') throw err;
  }
}
