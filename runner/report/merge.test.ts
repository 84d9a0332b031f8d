import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidInput } from "../../common/errors.js";
import { adapter, json, result, run } from "../fixtures/reports.js";
import { mergeReports, type ReportFile } from "./merge.js";
import { readReport, reportProblems, runOf } from "./read.js";
import { reportJson } from "./reporters/json.js";

const shard = (index: number, count = 2) => ({ shard: { index, count } });

/** Two adapters over two shards (each scenario in the shard runner/select.ts gives it): go fails keys/a on shard 2, rust passes everything. */
function matrix(): ReportFile[] {
  return [
    { file: "go-1.json", report: json(run([adapter("go", [result("keys/b", "passed"), result("basic/d", "passed")])], shard(1), 2)) },
    { file: "go-2.json", report: json(run([adapter("go", [result("keys/a", "failed"), result("cas/b", "skipped")])], shard(2), 2)) },
    { file: "rust-1.json", report: json(run([adapter("rust", [result("keys/b", "passed"), result("basic/d", "passed")])], shard(1), 2)) },
    { file: "rust-2.json", report: json(run([adapter("rust", [result("keys/a", "passed"), result("cas/b", "passed")])], shard(2), 2)) },
  ];
}

function problems(inputs: ReportFile[]): string[] {
  try {
    mergeReports(inputs);
  } catch (err) {
    if (err instanceof InvalidInput) return [...err.lines];
    throw err;
  }
  return [];
}

describe("report merge", () => {
  it("joins shards and adapters into one run with the counts, selection and exit code of a single run", () => {
    const merged = mergeReports(matrix());
    const out = reportJson(merged);
    expect(reportProblems(out, "merged")).toEqual([]);
    expect(out.adapters.map((a) => a.name)).toEqual(["go", "rust"]);
    expect(out.adapters[0]!.counts).toMatchObject({ passed: 2, failed: 1, skipped: 1 });
    expect(out.adapters[0]!.results.map((r) => r.name)).toEqual(["basic/d", "cas/b", "keys/a", "keys/b"]);
    expect(out.adapters[1]!.counts).toMatchObject({ passed: 4, failed: 0 });
    expect(out.selected).toBe(4);
    expect(out.exit_code).toBe(1);
    expect(out.shard).toBeNull();
    expect(out.parts!.map((p) => [p.file, p.shard?.index, p.adapters])).toEqual([
      ["go-1.json", 1, ["go"]],
      ["go-2.json", 2, ["go"]],
      ["rust-1.json", 1, ["rust"]],
      ["rust-2.json", 2, ["rust"]],
    ]);
    // The failure keeps its diagnosis through JSON and back.
    expect(out.adapters[0]!.results[2]!.diagnosis?.rules).toEqual(["R-STORE-1", "R-WIRE-6"]);
  });

  it("passes (exit 0) when every part passes", () => {
    const inputs = matrix().filter((i) => i.file.startsWith("rust"));
    expect(reportJson(mergeReports(inputs)).exit_code).toBe(0);
  });

  it("refuses reports of another kit version, corpus or selection, naming both files", () => {
    const [a, b] = matrix();
    const other = { ...b!, report: { ...b!.report, kit: { name: "rsm-conformance", version: "0.2.0" }, corpus_sha256: "b".repeat(64), selection: ["--vectors", "vectors/golden", "--tag", "keys"] } };
    expect(problems([a!, other])).toEqual([
      'go-2.json kit.version: "0.2.0", but go-1.json has "0.1.0"; merge only reports of one kit version (pin the kit in every job of the matrix)',
      `go-2.json corpus_sha256: "${"b".repeat(64)}", but go-1.json has "${"a".repeat(64)}"; merge only reports of one corpus (every job must run the same vectors)`,
      'go-2.json selection: ["--vectors","vectors/golden","--tag","keys"], but go-1.json has ["--vectors","vectors/golden"]; merge only shards of one selection (the same --filter, --tag, --name, --skip, --vectors in every job)',
    ]);
  });

  it("notices a missing shard and a duplicated one, per adapter", () => {
    const [go1, go2, rust1] = matrix();
    expect(problems([go1!, go2!, rust1!])).toEqual(["adapter rust: shard 2/2 missing (have 1/2 in rust-1.json); expected all 2 shards"]);
    expect(problems([go1!, go2!, { ...go1!, file: "again.json" }])).toEqual(["adapter go: shard 1/2 in both go-1.json and again.json; expected each shard once"]);
    const whole = { file: "whole.json", report: json(run([adapter("go", [])])) };
    expect(problems([go1!, whole])[0]).toMatch(/^go-1\.json: shard 1\/2, whole\.json: the whole selection; expected every report to be a shard of one --shard I\/N/);
    expect(problems([whole, { ...whole, file: "whole2.json" }])).toEqual([
      "adapter go: in whole.json and whole2.json, each a run of the whole selection; expected each adapter's results in one report, or in one report per shard",
    ]);
  });

  it("refuses a report whose results are not of the shard and selection it says it ran", () => {
    const [go1, go2] = matrix();
    // go-2.json's results, said to be shard 1: every one of them is of shard 2.
    const swapped = { file: "swapped.json", report: { ...go2!.report, shard: { index: 1, count: 2 } } };
    expect(problems([swapped, { ...go1!, report: { ...go1!.report, shard: { index: 2, count: 2 } } }])).toContain(
      'swapped.json adapter "go": a result of "keys/a", which is of shard 2/2, not 1/2; expected results of the report\'s own shard (was the leg run with another --shard?)',
    );
    // A result of a scenario the report did not select, and a check's result on another shard than the first.
    const selected = run([adapter("go", [result("keys/a", "passed"), result("keys/c", "failed"), result("scale/10000", "passed")])], { ...shard(2), scenarios: [{ name: "keys/a", source: "s", tags: [], features: [], description: "" }] }, 1);
    expect(problems([go1!, { file: "extra.json", report: json(selected) }])).toEqual([
      'extra.json adapter "go": a result of "keys/c", which is not among the report\'s selected scenarios; expected results of its own selection only',
      'extra.json adapter "go": a result of the check "scale/10000" in shard 2/2; expected the checks beyond the corpus on shard 1 only, where they run',
    ]);
  });

  it("takes trace/NAME for a check's result, not for a scenario of another shard", () => {
    const [go1, go2, rust1, rust2] = matrix();
    // The trace check runs on shard 1 only and names its results after the vectors it traced there.
    const traced = run([adapter("go", [result("keys/b", "passed"), result("basic/d", "passed"), result("trace/keys/b", "passed")])], shard(1), 2);
    expect(problems([{ file: "go-1.json", report: json(traced) }, go2!, rust1!, rust2!])).toEqual([]);
    const late = run([adapter("go", [result("keys/a", "failed"), result("cas/b", "skipped"), result("trace/keys/a", "failed")])], shard(2), 2);
    expect(problems([go1!, { file: "go-2.json", report: json(late) }, rust1!, rust2!])).toEqual([
      'go-2.json adapter "go": a result of the check "trace/keys/a" in shard 2/2; expected the checks beyond the corpus on shard 1 only, where they run',
    ]);
  });

  it("refuses a report without the run's metadata (written by an older kit)", () => {
    const [a] = matrix();
    const { kit: _k, corpus_sha256: _c, ...old } = a!.report;
    expect(problems([{ file: "old.json", report: old }])).toEqual([
      "old.json kit: missing; expected a report written by rsm conformance --reporter json of this kit (older reports lack the run's metadata and cannot be merged)",
      "old.json corpus_sha256: missing; expected a report written by rsm conformance --reporter json of this kit (older reports lack the run's metadata and cannot be merged)",
    ]);
  });

  it("a report read back and written again is the same JSON", () => {
    const r = matrix()[0]!.report;
    expect(reportJson(runOf(r))).toEqual(r);
  });
});

describe("reading a report", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "rsm-report-read-"));

  it("names the file, the JSON path and what the schema expected", async () => {
    const r = matrix()[0]!.report as unknown as { adapters: { results: { status: string }[] }[] };
    r.adapters[0]!.results[0]!.status = "flaky";
    const file = path.join(dir, "bad.json");
    writeFileSync(file, JSON.stringify(r));
    await expect(readReport(file)).rejects.toThrow(InvalidInput);
    const lines = await readReport(file).catch((e: InvalidInput) => e.lines);
    expect(lines).toEqual([`${file} adapters[0].results[0].status: must be equal to one of the allowed values ["passed","failed","error","skipped"] (schema/report.schema.json)`]);
  });

  it("says when a file is missing or not JSON", async () => {
    const missing = path.join(dir, "nope.json");
    expect(await readReport(missing).catch((e: InvalidInput) => e.lines)).toEqual([`${missing}: cannot read: no such file or directory (ENOENT)`]);
    const text = path.join(dir, "text.json");
    writeFileSync(text, "FAILED 1 passed");
    expect(((await readReport(text).catch((e: InvalidInput) => e.lines)) as string[])[0]).toMatch(/text\.json: not JSON \(.*\); expected a report of rsm conformance --reporter json$/);
  });
});
