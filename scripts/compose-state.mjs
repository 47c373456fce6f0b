// Run INSIDE a container of scripts/compose-e2e.sh (`docker-compose exec -T -e PROBE=<service> <service> node
// --input-type=module - < scripts/compose-state.mjs`): prints, on one line, what of that service's data must
// survive a restart and a `down` + `up`, and must be gone after `down -v`. Opens the service's own database
// read-only, with the better-sqlite3 the image ships (through @oauth-demo/web, which depends on it).
//   auth     the signing keys (kid) and alice's grants (id, active or revoked)
//   printer  the orders (id)
//   drive    alice's photos (id), after checking that the file of each is there
// Typechecked with JSDoc (scripts/tsconfig.json); the rows' shapes are those of the SELECTs below.
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const dataDir = process.env.DATA_DIR ?? '/data';
// pnpm links the package into node_modules: resolve from where it really is, next to its dependencies.
const Database = createRequire(realpathSync('/app/node_modules/@oauth-demo/web/package.json'))('better-sqlite3');
/**
 * What this probe uses of a better-sqlite3 database (the container's copy; not a dependency of the repository root).
 * @typedef {{ prepare(sql: string): { all(): unknown[], pluck(): { all(): unknown[] } } }} ReadonlyDb
 */
/** @param {string} file @returns {ReadonlyDb} */
const open = (file) => new Database(join(dataDir, file), { readonly: true, fileMustExist: true });
/** @param {unknown[]} rows */
const ids = (rows) => rows.join(',');

switch (process.env.PROBE) {
  case 'auth': {
    const db = open('auth.db');
    const kids = db.prepare('SELECT kid FROM signing_keys ORDER BY kid').pluck().all();
    const rows = /** @type {{ id: string, active: number }[]} */ (
      db.prepare("SELECT id, revoked_at IS NULL AS active FROM grants WHERE user_id = 'alice' ORDER BY id").all()
    );
    const grants = rows.map((g) => `${g.id}:${g.active ? 'active' : 'revoked'}`);
    console.log(`auth kids=${ids(kids)} alice_grants=${ids(grants)}`);
    break;
  }
  case 'printer': {
    const db = open('printer.db');
    console.log(`printer orders=${ids(db.prepare('SELECT id FROM orders ORDER BY id').pluck().all())}`);
    break;
  }
  case 'drive': {
    const db = open('drive.db');
    const photos = /** @type {{ id: string, file_name: string }[]} */ (
      db.prepare("SELECT id, file_name FROM photos WHERE owner = 'alice' ORDER BY id").all()
    );
    const lost = photos.filter((p) => !existsSync(join(dataDir, 'photos', p.file_name)));
    if (lost.length > 0) throw new Error(`the files of ${lost.length} of alice's photos are missing`);
    console.log(`drive alice_photos=${ids(photos.map((p) => p.id))}`);
    break;
  }
  default:
    throw new Error(`PROBE must be auth, printer or drive, not ${process.env.PROBE}`);
}
