// MariaDB's ceiling for the benchmark: single-row autocommit INSERTs from Node (mysql2 pool, one loop per connection)
// for a fixed time, into a table of its own. Prints one JSON line: {"inserts": n, "seconds": s, "perSecond": r}.
// Usage: node scripts/bench-mariadb-ceiling.mjs mysql://root@127.0.0.1:3306/some_db SECONDS CONNECTIONS
import mysql from "mysql2/promise";

const [url, secondsArg = "10", connectionsArg = "64"] = process.argv.slice(2);
const seconds = Number(secondsArg);
const connections = Number(connectionsArg);
const pool = mysql.createPool({ uri: url, connectionLimit: connections });
await pool.query(`CREATE TABLE IF NOT EXISTS bench_ceiling (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(100) NOT NULL,
  amount DECIMAL(10,2) NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB`);
// Open every connection before the clock starts.
const warm = await Promise.all(Array.from({ length: connections }, () => pool.getConnection()));
for (const c of warm) c.release();
let inserts = 0;
const started = performance.now();
const end = started + seconds * 1000;
await Promise.all(Array.from({ length: connections }, async (_, loop) => {
  for (let i = 0; performance.now() < end; i++) {
    await pool.query("INSERT INTO bench_ceiling (k, amount) VALUES (?, ?)", [`L${loop}N${i}`, 1500]);
    inserts++;
  }
}));
const elapsed = (performance.now() - started) / 1000;
await pool.end();
console.log(JSON.stringify({ inserts, seconds: elapsed, perSecond: inserts / elapsed }));
