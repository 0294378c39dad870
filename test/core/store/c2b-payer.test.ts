// The C2B payer lookup: the oldest user with the number in any typed form, found through the index on
// users.phone_number. A query plan, not a timing: with ORDER BY id in the query, SQLite sorted in a temporary B-tree
// and MariaDB once (during a benchmark, right after 10,000 users were seeded) read every user in id order, 3 ms a batch.
// And the hashed numbers' copy (HashedPhones): read once, renewed in the background, kept when a renewal fails.
import { beforeAll, describe, expect, test } from "bun:test";
import { QueryTypes } from "sequelize";
import { findPayerChats, HashedPhones, plainPayerLookup } from "../../../src/core/store/c2b-payer.ts";
import { runSql } from "../../../src/core/store/raw-sql.ts";
import { parseC2b, type C2bPayment } from "../../../src/core/daraja/c2b/parse-c2b.ts";
import { testDialects } from "../../support/databases.ts";
import { migratedDatabasePerSuite } from "../../support/database-per-suite.ts";
import { waitFor } from "../../support/wait-for.ts";

describe.each(await testDialects())("the C2B payer lookup on %s", (dialect) => {
  const suite = migratedDatabasePerSuite(dialect);

  beforeAll(async () => {
    // 10,000 users 254711000000… (as many as the benchmark seeds), then, a second, newer user for 254711000001 as 0711000001.
    const values = Array.from({ length: 10_000 }, (_, i) => `(${800_000 + i}, '2547110${String(i).padStart(5, "0")}', 'U', 1)`).join(",");
    await suite.db.sequelize.query(`INSERT INTO users (telegram_chat_id, phone_number, first_name, is_active) VALUES ${values}`);
    await suite.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name, is_active) VALUES (900001, '0711000001', 'Newer', 1)");
  });

  const payment = (transId: string, msisdn: string): C2bPayment => {
    const parsed = parseC2b({ TransID: transId, TransAmount: "10.00", MSISDN: msisdn, TransTime: "20250115120501" });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    return parsed.value;
  };
  const batch = Array.from({ length: 20 }, (_, i) => payment(`PAY${i}`, `2547110${String(i * 7).padStart(5, "0")}`));

  test("each payer by its number; the oldest of two users with one number", async () => {
    const chats = await suite.db.sequelize.transaction((tx) => findPayerChats((sql, values) => runSql(suite.db.dialect, tx, sql, values), [...batch, payment("NEW1", "254711000001")], new Map()));
    expect(chats.get("PAY3")).toBe(String(800_021));
    expect(chats.get("NEW1")).toBe(String(800_001)); // not 900001, the newer user with 0711000001
    expect(chats.size).toBe(21);
  });

  test("the query reads users through the phone number index, not the whole table", async () => {
    const lookup = plainPayerLookup(batch);
    if (lookup === null) throw new Error("the batch has plain MSISDNs");
    const plan = await suite.db.sequelize.query<Record<string, unknown>>(`${dialect === "mysql" ? "EXPLAIN" : "EXPLAIN QUERY PLAN"} ${lookup.sql}`,
      { replacements: lookup.values, type: QueryTypes.SELECT });
    const steps = dialect === "mysql" ? plan.map((r) => `${String(r.type)} ${String(r.key)}`) : plan.map((r) => String(r.detail));
    expect(steps).toEqual([dialect === "mysql" ? "range ix_users_phone_number" : "SEARCH users USING INDEX ix_users_phone_number (phone_number=?)"]);
  });

  const sha256 = (s: string) => new Bun.CryptoHasher("sha256").update(s).digest("hex");

  test("hashed numbers: read once and kept; a stale copy is answered while the new one is read; a failed read keeps it", async () => {
    let reads = 0;
    let failing = false;
    const hashes = new HashedPhones(async (sql, values) => {
      reads++;
      if (failing) throw new Error("the database is down");
      return suite.db.sequelize.query<Record<string, unknown>>(sql, { replacements: values, type: QueryTypes.SELECT });
    }, 0); // every copy is stale at once: each get() starts a read in the background
    const first = await hashes.get();
    expect(first.get(sha256("254711000005"))).toBe(String(800_005));
    expect(first.size).toBe(10_000);
    await suite.db.sequelize.query("INSERT INTO users (telegram_chat_id, phone_number, first_name, is_active) VALUES (900002, '254722000002', 'Late', 1)");
    expect((await hashes.get()).has(sha256("254722000002"))).toBe(false); // the old copy, at once
    await waitFor(async () => (await hashes.get()).has(sha256("254722000002")), { what: "the background read to bring the new user" });
    failing = true;
    const before = reads;
    await waitFor(async () => {
      await hashes.get(); // answered from the copy, and a read started (which fails)
      return reads > before + 1;
    }, { what: "failed background reads" });
    expect((await hashes.get()).has(sha256("254722000002"))).toBe(true); // still the last good copy
  });

  test("hashed numbers within the time to live: no second read", async () => {
    let reads = 0;
    const hashes = new HashedPhones(async (sql, values) => {
      reads++;
      return suite.db.sequelize.query<Record<string, unknown>>(sql, { replacements: values, type: QueryTypes.SELECT });
    });
    await Promise.all([hashes.get(), hashes.get()]);
    await hashes.get();
    expect(reads).toBe(1);
  });
});
