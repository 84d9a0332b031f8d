// rsm report through the CLI: exit codes as a single run's (0 pass, 1 fail, 2 bad input, with one line and
// no stack trace), files written only where asked.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { adapter, json, result, run } from "../fixtures/reports.js";
import { readReport } from "./read.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const dir = mkdtempSync(path.join(tmpdir(), "rsm-report-cmd-"));

function rsm(args: string[], env: NodeJS.ProcessEnv = {}) {
  // Not under GitHub Actions unless a test says so: there the human report is fenced by ::stop-commands::.
  const r = spawnSync(process.execPath, ["cli/launch.mjs", "report", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, GITHUB_ACTIONS: "", GITHUB_STEP_SUMMARY: "", ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

const shard = (index: number) => ({ shard: { index, count: 2 } });
// Each scenario in the shard runner/select.ts gives it: keys/b is of shard 1 of 2, keys/a of shard 2.
const go1 = write("go-1.json", json(run([adapter("go", [result("keys/b", "failed")])], shard(1), 1)));
const go2 = write("go-2.json", json(run([adapter("go", [result("keys/a", "passed")])], shard(2), 1)));
const ok1 = write("ok-1.json", json(run([adapter("go", [result("keys/b", "passed")])], shard(1), 1)));

describe("rsm report", () => {
  it("merge: a failing part fails the merged run (exit 1); the merged report, the human report and the step summary are written", async () => {
    const out = path.join(dir, "merged.json");
    const summary = path.join(dir, "summary.md");
    const r = rsm(["merge", go1, go2, "--out", out], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toMatch(/^FAILED 1 passed, 1 failed, 0 errored; 2 scenarios x 1 adapter in /);
    expect(r.stderr).toBe(`rsm: wrote merged report ${out}\n`);
    const merged = await readReport(out);
    expect(merged.adapters[0]!.counts).toMatchObject({ passed: 1, failed: 1 });
    expect(readFileSync(summary, "utf8")).toMatch(/^### rsm conformance \(merged\): FAILED /);
  });

  it("merge: all parts passing is exit 0; without --out the merged JSON alone goes to stdout", () => {
    const r = rsm(["merge", ok1, go2]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ exit_code: 0, selected: 2, shard: null });
  });

  it("merge: a missing shard, a bad report or a bad flag is one line each and exit 2, with nothing written", () => {
    const out = path.join(dir, "never.json");
    const r = rsm(["merge", go1, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`adapter go: shard 2/2 missing (have 1/2 in ${go1}); expected all 2 shards\n`);
    expect(readdirSync(dir)).not.toContain("never.json");
    const bad = write("bad.json", { ...json(run([])), exit_code: 3 });
    expect(rsm(["merge", bad])).toMatchObject({ code: 2, stderr: `${bad} exit_code: must be equal to one of the allowed values [0,1] (schema/report.schema.json)\n` });
    expect(rsm(["merge", go1, "--bail"])).toMatchObject({ code: 2, stderr: 'rsm: report merge: unknown flag "--bail"; see rsm report merge --help\n' });
    expect(rsm(["merge"])).toMatchObject({ code: 2, stderr: "rsm: report merge: expected one or more JSON report files (rsm conformance --reporter json --out FILE)\n" });
    expect(rsm(["frobnicate"])).toMatchObject({ code: 2, stderr: 'rsm: report: unknown subcommand "frobnicate"; expected merge, html or diff\n' });
  });

  it("merge and html: a report nested 200,000 deep, where the schema allows any object, is one line and exit 2, not an internal error", () => {
    // A divergence's step is any object to the schema: the one place a report can nest as deep as it likes.
    const failed = json(run([adapter("go", [result("keys/a", "failed")])], shard(1), 1));
    const text = JSON.stringify(failed).replace(/"op":\{/, `"op":{"deep":${"[".repeat(200_000)}${"]".repeat(200_000)},`);
    expect(text).toContain('"deep"');
    const file = path.join(dir, "deep.json");
    writeFileSync(file, text);
    const line = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: JSON nested more than 64 levels deep \\(at character \\d+\\); expected a report of rsm conformance --reporter json, which nests about ten\n$`);
    for (const args of [["merge", file], ["html", file, "--out", path.join(dir, "deep-html")], ["diff", file, go2]]) {
      const r = rsm(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(line);
    }
  });

  it("diff: exit 1 when a scenario newly fails, 0 when nothing does", () => {
    const worse = rsm(["diff", ok1, go1]);
    expect(worse.code).toBe(1);
    expect(worse.stdout).toContain("    keys/b  passed -> failed  (R-STORE-1, R-WIRE-6)");
    const better = rsm(["diff", go1, ok1, "--reporter", "markdown"]);
    expect(better.code).toBe(0);
    expect(better.stdout).toContain("| newly passing | <code>keys/b</code> | failed | passed |  |");
    expect(rsm(["diff", go1])).toMatchObject({ code: 2, stderr: "rsm: report diff: expected two JSON report files, OLD and NEW, got 1\n" });
  });

  it("html: writes the page and the badges beside the report by default", () => {
    const r = rsm(["html", go1]);
    expect(r.code).toBe(0);
    const out = path.join(dir, "go-1-html");
    expect(r.stdout).toBe(`wrote ${path.join(out, "index.html")} and 1 badge in ${path.join(out, "badges")}\n`);
    expect(readdirSync(out).sort()).toEqual(["badges", "index.html"]);
    expect(rsm(["html", path.join(dir, "missing.json")])).toMatchObject({ code: 2, stderr: `${path.join(dir, "missing.json")}: cannot read: no such file or directory (ENOENT)\n` });
  });
});
