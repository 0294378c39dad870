// `--env-file PATH`: the settings file read as systemd's EnvironmentFile= reads it (systemd.exec(5), env-file.c),
// so that a password with `$`, `#`, quotes or spaces means the same to every command as to the service.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnvFile } from "../../src/cli/env-file.ts";
import { adminConnection, createTestDatabase, mysqlAvailable } from "../support/databases.ts";
import { lines, runCli } from "./cli-process.ts";

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function tempFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-envfile-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "mpesa-cb.env");
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

function values(text: string): Record<string, string> {
  const r = parseEnvFile(text);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value;
}

describe("parseEnvFile reads what systemd's EnvironmentFile= reads", () => {
  test.each([
    ["A=1", { A: "1" }],
    ["A=1\nB=2\n", { A: "1", B: "2" }],
    ["A=1\r\nB=2\r\n", { A: "1", B: "2" }], // CR is a line end too
    ["# a comment\n; another\n   # indented\nA=1", { A: "1" }],
    ["A=pa$$word#1 with spaces", { A: "pa$$word#1 with spaces" }], // `$`, `#` and inner spaces are literal
    ["A=value # not a comment", { A: "value # not a comment" }],
    ["A=  padded   \t", { A: "padded" }], // blanks around an unquoted value go
    ["  KEY = value", { KEY: "value" }], // and around the key
    ['A="two  words # $HOME"', { A: "two  words # $HOME" }],
    ['A="  kept  "', { A: "  kept  " }],
    ['A="say \\"hi\\" \\$x \\\\ \\`"', { A: 'say "hi" $x \\ `' }], // \" \$ \\ \` unescaped inside double quotes
    ['A="a\\nb"', { A: "a\\nb" }], // any other backslash stays, as in the shell
    ["A='single $x \\ \"q\"'", { A: 'single $x \\ "q"' }], // nothing is special inside single quotes
    ["A=un\\quoted\\\\back", { A: "unquoted\\back" }], // unquoted: a backslash escapes the next character
    ["A=one \\\n  two", { A: "one   two" }], // backslash-newline continues the line
    ['A="first \\\nsecond"', { A: "first second" }],
    ["A='x'\"y\"z", { A: "xyz" }], // quoted parts join
    ["A=x\"y\"", { A: 'x"y"' }], // a quote inside an unquoted value is a plain character
    ["A=\"a\nb\"", { A: "a\nb" }], // a quoted value may span lines
    ["A=", { A: "" }],
    ["A=1\nA=2", { A: "2" }], // the later assignment wins
    ['A="unterminated', { A: "unterminated" }],
  ])("%j", (text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  test.each([
    ["export DB_PASSWORD=x", "line 1", "export DB_PASSWORD"],
    ["A=1\n1BAD=2", "line 2", "1BAD"],
    ["A=1\n\njust words", "line 3", "just words"],
  ])("a line systemd would ignore is refused, naming it: %j", (text, line, shown) => {
    const r = parseEnvFile(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]?.path).toBe(line);
    expect(r.problems[0]?.message).toContain(shown);
  });

  // Cross-check with systemd itself where it is installed (systemd-run needs a running systemd; this only parses).
  test("the same file gives the same values as the shell would mangle: a dot-sourced file loses them", () => {
    const path = tempFile("DB_PASSWORD=pa$$ w#rd\n");
    const sh = Bun.spawnSync(["sh", "-c", '. "$0"; printf %s "$DB_PASSWORD"', path], { env: { PATH: process.env.PATH ?? "" } });
    expect(sh.stdout.toString()).not.toBe("pa$$ w#rd"); // why the README no longer sources it
    expect(values("DB_PASSWORD=pa$$ w#rd\n")).toEqual({ DB_PASSWORD: "pa$$ w#rd" });
  });
});

describe("--env-file on the commands", () => {
  test("migrate takes the database from the file; the file wins over the environment, a flag over both", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mpesa-cb-envfile-db-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = tempFile(`# as installed\nDATABASE_URL=sqlite:${dir}/from-file.sqlite\nMPESA_CB_LOG_LEVEL=silent\n`);
    const env = { DATABASE_URL: `sqlite:${dir}/from-env.sqlite` };
    expect((await runCli(["migrate", "--env-file", file], { env })).code).toBe(0);
    expect([existsSync(join(dir, "from-file.sqlite")), existsSync(join(dir, "from-env.sqlite"))]).toEqual([true, false]);
    expect((await runCli(["migrate", "--env-file", file, "--db", `sqlite:${dir}/from-flag.sqlite`], { env })).code).toBe(0);
    expect(existsSync(join(dir, "from-flag.sqlite"))).toBe(true);
  }, 60_000);

  test("a missing file: exit 78, one line naming it", async () => {
    const r = await runCli(["migrate", "--env-file", "/nonexistent/mpesa-cb.env"]);
    expect(r.code).toBe(78);
    expect(lines(r.stderr)).toEqual([expect.stringContaining("cannot read the settings file /nonexistent/mpesa-cb.env")]);
  }, 30_000);

  test("a line systemd would ignore: exit 78, the file and line named", async () => {
    const file = tempFile("PORT=8000\nexport HOST=127.0.0.1\n");
    const r = await runCli(["serve", "--env-file", file]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`${file} line 2`);
  }, 30_000);

  test("simulate finds the server at the file's HOST and PORT", async () => {
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => Response.json({ service: "mpesa-cb", version: "fake" }) });
    cleanups.push(() => server.stop(true));
    const file = tempFile(`HOST=127.0.0.1\nPORT=${server.port}\n`);
    const r = await runCli(["simulate", "--env-file", file, "--scenario", "root"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain(`http://127.0.0.1:${server.port}`);
  }, 30_000);
});

describe.skipIf(!(await mysqlAvailable()))("a MySQL password with $, #, quotes and spaces", () => {
  test("reaches MySQL intact through --env-file (migrate exits 0)", async () => {
    const tdb = await createTestDatabase("mysql");
    cleanups.push(() => tdb.drop());
    if (tdb.target.dialect !== "mysql") throw new Error("mysql expected");
    const user = `envfile_${process.pid}`;
    const password = `p$a#s's "w" $HOME #1`;
    const admin = await adminConnection();
    await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
    await admin.query(`GRANT ALL ON \`${tdb.target.database}\`.* TO ?@'%'`, [user]);
    cleanups.push(async () => {
      await admin.query("DROP USER IF EXISTS ?@'%'", [user]);
      await admin.end();
    });
    const file = tempFile([
      `DB_HOST=${tdb.target.host}`, `DB_PORT=${tdb.target.port}`, `DB_USER=${user}`, `DB_NAME=${tdb.target.database}`,
      `DB_PASSWORD=${password}`, "MPESA_CB_LOG_LEVEL=warn", "",
    ].join("\n"));
    const r = await runCli(["migrate", "--env-file", file]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  }, 60_000);
});
