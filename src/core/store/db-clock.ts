// The database's clock, in UTC, for both dialects: every process's leases and due times agree whatever the hosts'
// clocks say. MySQL sessions run at time zone +00:00 (sequelize's timezone option in database.ts), so TIMESTAMP
// columns such as created_at read as UTC too and compare with this clock.
import type { Dialect } from "./database.ts";

/** The database's UTC now, with milliseconds (`YYYY-MM-DD HH:MM:SS.sss`). */
export function utcNowSql(dialect: Dialect): string {
  return dialect === "mysql" ? "UTC_TIMESTAMP(3)" : "strftime('%Y-%m-%d %H:%M:%f','now')";
}

/** The database's UTC now plus a `?` number of milliseconds (negative: earlier); `plusValue` gives that `?`. */
export function utcPlusSql(dialect: Dialect): string {
  return dialect === "mysql" ? "DATE_ADD(UTC_TIMESTAMP(3), INTERVAL ? MICROSECOND)" : "strftime('%Y-%m-%d %H:%M:%f','now',?)";
}

export function plusValue(dialect: Dialect, ms: number): number | string {
  const whole = Math.round(ms);
  if (dialect === "mysql") return whole * 1000;
  return `${whole < 0 ? "-" : "+"}${(Math.abs(whole) / 1000).toFixed(3)} seconds`;
}

/** Whole seconds from a time (a column or expression in UTC) to the database's now. */
export function secondsSinceSql(dialect: Dialect, time: string): string {
  return dialect === "mysql"
    ? `TIMESTAMPDIFF(SECOND, ${time}, UTC_TIMESTAMP(3))`
    : `CAST(strftime('%s','now') - strftime('%s', ${time}) AS INTEGER)`;
}
