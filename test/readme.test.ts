// The README's configuration table must name every setting the program reads: it is the operator's reference.
import { expect, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SETTINGS } from "../src/core/config.ts";

const readme = readFileSync(resolve(import.meta.dir, "../README.md"), "utf8");

test.each(Object.entries(SETTINGS).map(([name, s]) => [name, s.env, s.flag] as const))("README documents %s (%s, %s)", (_, env, flag) => {
  expect(readme).toContain(`\`${env}\``);
  expect(readme).toContain(`\`${flag}\``);
});

test("the two commands a newcomer runs are at the top", () => {
  const top = readme.split("\n").slice(0, 15).join("\n");
  expect(top).toContain("npm ci && npm start");
  expect(top).toContain("npm ci && npm test");
});

test("the README never sources the settings file in a shell (it mangles $, # and spaces): --env-file reads it", () => {
  expect(readme).not.toMatch(/\. \/etc\/mpesa-cb\/mpesa-cb\.env/);
  expect(readme).toContain("mpesa-cb migrate --env-file /etc/mpesa-cb/mpesa-cb.env");
});

test("the README's install and upgrade commands work as written from the checkout root", () => {
  const checkout = mkdtempSync(join(tmpdir(), "mpesa-cb-readme-"));
  try {
    for (const f of ["scripts", "packaging", "mpesa-callback.service", "mpesa-cb-health.service", "mpesa-cb-health.timer", "mpesa-cb-reconcile.service", "mpesa-cb-reconcile.timer", "README.md"]) {
      cpSync(resolve(import.meta.dir, "..", f), join(checkout, f), { recursive: true });
    }
    const cpu = process.arch === "arm64" ? "arm64" : "x64";
    mkdirSync(join(checkout, "dist"));
    writeFileSync(join(checkout, "dist", `mpesa-cb-linux-${cpu}`), "#!/bin/sh\necho 'mpesa-cb 0.0.0 (stand-in)'\n", { mode: 0o755 });
    const commands = [...readme.matchAll(/^sudo (scripts\/install\.sh[^#\n]*)/gm)].map((m) => (m[1] ?? "").trim());
    expect(commands.length).toBeGreaterThanOrEqual(2); // Install and Upgrade
    for (const command of commands) {
      const r = Bun.spawnSync(["bash", "-c", command], { cwd: checkout, env: { PATH: process.env.PATH ?? "", DESTDIR: join(checkout, "root") }, stdout: "pipe", stderr: "pipe" });
      expect([command, r.exitCode, r.stderr.toString()]).toEqual([command, 0, ""]);
    }
  } finally {
    rmSync(checkout, { recursive: true, force: true });
  }
});
