// Keeps two `migrate` runs from interleaving on one MySQL database, also across the nodes of a Galera cluster, where
// GET_LOCK and row locks are local to a node: the lock is a committed row (a fixed primary key, so only one node's
// INSERT can commit), refreshed while held, deleted at the end; a row silent for STALE_S (a crashed migrate) is
// taken over. GET_LOCK is kept in front of it, so runs on one server queue there without polling.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { QueryTypes } from "sequelize";
import { AppError } from "../errors.ts";
import type { Database } from "./database.ts";
import { classifyFailure } from "./db-errors.ts";
import { ledgerRefused } from "./migration-refusal.ts";
import { secondsSinceSql, utcNowSql } from "./db-clock.ts";

const NOW = utcNowSql("mysql"); // the database's clock: every host running migrate agrees on it

export const LOCK_TABLE = "schema_migration_lock";
const HEARTBEAT_MS = 5_000;
// Eighteen heartbeats missed: its migrate is gone. Generous, because on Galera a long ALTER (applied to the whole
// cluster in total order) can hold back other commits, the heartbeat's too.
export const STALE_S = 90;
const SERVER_LOCK = "CONCAT('mpesa_cb_migrate:', MD5(DATABASE()))";

export interface LockOptions {
  waitSeconds: number;
  log?: (line: string) => void;
}

/** Takes the migration lock (MySQL); resolves to its release. Throws an AppError when another run keeps it. */
export async function lockMigrations(db: Database, o: LockOptions): Promise<() => Promise<void>> {
  if (db.dialect !== "mysql") return async () => {}; // SQLite: one writer, and each file runs in one transaction
  const deadline = Date.now() + Math.max(0, o.waitSeconds) * 1000;
  const session = await pinSession(db);
  try {
    await takeServerLock(db, session, o.waitSeconds);
    const releaseRow = await takeLockRow(db, session, deadline, o);
    return async () => {
      await releaseRow();
      await session.end();
    };
  } catch (e) {
    await session.end();
    throw e instanceof AppError ? e : ledgerRefused("take the migration lock", e);
  }
}

interface Session {
  query<T extends object>(sql: string, replacements?: unknown[]): Promise<T[]>;
  change(sql: string, replacements?: unknown[]): Promise<number>; // rows changed, committed at once
  end(): Promise<void>;
}

// One connection of its own for the whole run (sequelize pins one only to a transaction): it holds GET_LOCK, and the
// heartbeat goes through it while migrations keep the others busy (a big ALTER may take minutes). Right after the
// pinning BEGIN a COMMIT ends that transaction: everything after it commits as it runs (autocommit).
async function pinSession(db: Database): Promise<Session> {
  const t = await db.sequelize.transaction();
  const raw = (sql: string, replacements: unknown[] = [], type = QueryTypes.RAW) => db.sequelize.query(sql, { replacements, type, transaction: t });
  await raw("COMMIT").catch(async (e: unknown) => { await t.rollback().catch(() => {}); throw e; });
  return {
    query: async <T extends object>(sql: string, replacements: unknown[] = []) => (await raw(sql, replacements, QueryTypes.SELECT)) as unknown as T[],
    change: async (sql, replacements = []) => ((await raw(sql, replacements, QueryTypes.UPDATE)) as unknown as [unknown, number])[1],
    end: async () => {
      await raw(`SELECT RELEASE_LOCK(${SERVER_LOCK})`).catch(() => {});
      await t.commit().catch(() => {});
    },
  };
}

async function takeLockRow(db: Database, s: Session, deadline: number, o: LockOptions): Promise<() => Promise<void>> {
  await s.change(
    `CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (id TINYINT NOT NULL PRIMARY KEY, holder VARCHAR(255) NOT NULL, token CHAR(32) NOT NULL,
       taken_at DATETIME NOT NULL, heartbeat_at DATETIME NOT NULL)`,
  ).catch((e: unknown) => { throw ledgerRefused(`create its lock table ${LOCK_TABLE}`, e); });
  const holder = `mpesa-cb migrate, process ${process.pid} on ${hostname()}`.slice(0, 255);
  const token = randomBytes(16).toString("hex");
  for (;;) {
    const inserted = await s.change(`INSERT INTO ${LOCK_TABLE} VALUES (1, ?, ?, ${NOW}, ${NOW})`, [holder, token])
      .then(() => true, (e: unknown) => {
        // Taken (here, or by another node's commit: 1213 at COMMIT on Galera): read who holds it.
        if (classifyFailure(e) === "conflict" || classifyFailure(e) === "transient") return false;
        throw ledgerRefused("take the migration lock", e);
      });
    if (inserted) return keepAlive(s, token);
    const [row] = await s.query<{ holder: string; token: string; beat: number | string; silent: number | string }>(
      `SELECT holder, token, UNIX_TIMESTAMP(heartbeat_at) AS beat, ${secondsSinceSql("mysql", "heartbeat_at")} AS silent FROM ${LOCK_TABLE} WHERE id = 1`);
    if (row === undefined) continue; // released meanwhile
    // Conditional on the holder and its last heartbeat as read: of two runs taking over at once only one commit changes
    // the row, and none does if the holder's heartbeat commits first (it was only late).
    if (Number(row.silent) > STALE_S && (await s.change(
      `UPDATE ${LOCK_TABLE} SET holder = ?, token = ?, taken_at = ${NOW}, heartbeat_at = ${NOW} WHERE id = 1 AND token = ? AND UNIX_TIMESTAMP(heartbeat_at) = ?`,
      [holder, token, row.token, row.beat]).catch(() => 0)) > 0) {
      o.log?.(`took over the migration lock of ${db.description} from "${row.holder}", silent for ${Number(row.silent)} s (that migrate stopped without releasing it)`);
      return keepAlive(s, token);
    }
    if (Date.now() >= deadline) throw heldError(db, row.holder, o.waitSeconds);
    await Bun.sleep(500 + Math.random() * 500);
  }
}

// While migrations run, the row says its holder is alive; at the end it is deleted (only if still ours).
function keepAlive(s: Session, token: string): () => Promise<void> {
  let beating: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    beating = s.change(`UPDATE ${LOCK_TABLE} SET heartbeat_at = ${NOW} WHERE id = 1 AND token = ?`, [token]).catch(() => 0);
  }, HEARTBEAT_MS);
  timer.unref?.();
  return async () => {
    clearInterval(timer);
    await beating;
    await s.change(`DELETE FROM ${LOCK_TABLE} WHERE id = 1 AND token = ?`, [token]).catch(() => 0);
  };
}

function heldError(db: Database, holder: string, waitSeconds: number): AppError {
  return new AppError("database", `another \`mpesa-cb migrate\` (${holder}) has held the migration lock of ${db.description} for ${waitSeconds} s`, {
    hint: `let it finish, then run \`mpesa-cb migrate\` again; a lock whose migrate stopped is taken over once silent for ${STALE_S} s ` +
      `(or delete it: DELETE FROM ${LOCK_TABLE}); \`--status\` lists what is pending`,
  });
}

// The server-wide GET_LOCK (named after the database; at most 64 characters): runs on one server queue here.
async function takeServerLock(db: Database, s: Session, waitSeconds: number): Promise<void> {
  const [row] = await s.query<{ got: unknown }>(`SELECT GET_LOCK(${SERVER_LOCK}, ?) AS got`, [Math.max(0, Math.round(waitSeconds))]);
  if (Number(row?.got) !== 1) {
    throw new AppError("database", `another \`mpesa-cb migrate\` has held the migration lock of ${db.description} for ${waitSeconds} s`, {
      hint: "let it finish (its database session shows in SHOW PROCESSLIST), then run `mpesa-cb migrate` again; `--status` lists what is pending",
    });
  }
}
