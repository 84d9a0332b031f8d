import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hexToBytes, validator, type GoldenVector } from "../reference/index.js";
import { InvalidInput } from "../common/errors.js";
import { GOLDEN_DIR, listJson } from "./scenario_files.js";
import { planVectors, vectorsCommand } from "./vectors_cmd.js";
import { validateCommand } from "./validate_cmd.js";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("the committed corpus", () => {
  it("has fresh goldens: `npm run vectors -- --check` would pass", async () => {
    const plan = await planVectors(ROOT);
    expect({ created: plan.created, updated: plan.updated, orphaned: plan.orphaned }).toEqual({ created: [], updated: [], orphaned: [] });
  });

  it("has at least 150 scenarios, each golden valid against schema/golden.schema.json, and 60 decode vectors against schema/decode_golden.schema.json", async () => {
    const all = await listJson(path.join(ROOT, GOLDEN_DIR));
    const names = all.filter((n) => !n.startsWith("decode/"));
    const decode = all.filter((n) => n.startsWith("decode/"));
    expect(names.length).toBeGreaterThanOrEqual(150);
    expect(decode.length).toBeGreaterThanOrEqual(60);
    const validateDecode = validator("decode_golden.schema.json");
    for (const n of decode) {
      const g: unknown = JSON.parse(readFileSync(path.join(ROOT, GOLDEN_DIR, n), "utf8"));
      expect(validateDecode(g), `${n}: ${JSON.stringify(validateDecode.errors?.[0])}`).toBe(true);
    }
    const validate = validator("golden.schema.json");
    for (const n of names) {
      const g: unknown = JSON.parse(readFileSync(path.join(ROOT, GOLDEN_DIR, n), "utf8"));
      expect(validate(g), `${n}: ${JSON.stringify(validate.errors?.[0])}`).toBe(true);
    }
  });

  it("covers the edges the contract lists", async () => {
    const goldens = (await listJson(path.join(ROOT, GOLDEN_DIR))).filter((n) => !n.startsWith("decode/")).map(
      (n) => JSON.parse(readFileSync(path.join(ROOT, GOLDEN_DIR, n), "utf8")) as GoldenVector,
    );
    const steps = goldens.flatMap((g) => g.scenario.steps);
    const keys = new Set(steps.flatMap((s) => ("key" in s ? [s.key] : [])));
    expect(new Set(steps.map((s) => s.op))).toEqual(new Set(["put", "delete", "append", "incr", "cas", "partition", "crash", "restart", "heal", "snapshot", "compact", "elect"]));
    expect(steps.some((s) => "via" in s)).toBe(true);
    for (const n of [1, 2, 3, 4, 5, 7]) expect(goldens.some((g) => g.scenario.cluster.nodes === n), `cluster of ${n}`).toBe(true);
    expect(goldens.some((g) => g.scenario.cluster.leader !== 1)).toBe(true);
    for (const k of ["", "__proto__", "constructor", "b", "10", "2", "\ue000", "\uffff", "\u{1f600}"]) expect(keys.has(k), JSON.stringify(k)).toBe(true);
    expect([...keys].some((k) => k.includes("\u0000"))).toBe(true);
    expect([...keys].some((k) => Buffer.byteLength(k) > 65_535)).toBe(true);
    expect([...keys].some((k) => Buffer.byteLength(k) > 255 && Buffer.byteLength(k) < 65_536)).toBe(true);
    const values = steps.flatMap((s) => ("value" in s ? [s.value] : []));
    expect(values.some((v) => v.length >= 140_000)).toBe(true); // >= 70 KB
    expect(values).toContain("");
    const deltas = steps.flatMap((s) => (s.op === "incr" ? [BigInt(s.delta)] : []));
    expect(deltas.some((d) => d > 2n ** 53n)).toBe(true);
    expect(deltas).toContain(2n ** 64n - 1n);
    expect(steps.some((s) => s.op === "cas" && s.expected === null)).toBe(true);
    expect(steps.some((s) => s.op === "cas" && s.expected === "")).toBe(true);
    const crcs = goldens.flatMap((g) => g.snapshots.map((s) => new DataView(hexToBytes(s.hex.slice(-8)).buffer).getUint32(0)));
    expect(crcs.some((c) => c >= 2 ** 31)).toBe(true);
    expect(goldens.some((g) => g.scenario.steps.length >= 1000)).toBe(true);
  });
});

describe("rsm vectors on a scratch tree", () => {
  let root: string;
  const lines: string[] = [];
  const out = (l: string) => lines.push(l);
  const scenario = (snapshotNode: number) =>
    JSON.stringify({ description: "d", steps: [{ op: "put", key: "k", value: { hex: "01" } }, { op: "snapshot", nodes: [snapshotNode] }] });

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "rsm-vectors-"));
    await mkdir(path.join(root, "vectors", "scenarios", "t"), { recursive: true });
    await writeFile(path.join(root, "vectors", "scenarios", "t", "a.json"), scenario(1));
    await writeFile(path.join(root, "vectors", "scenarios", "t", "b.json"), scenario(2));
    lines.length = 0;
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("creates missing goldens, then reports nothing to do", async () => {
    expect(await vectorsCommand(["--check"], root, out)).toBe(1);
    expect(lines.filter((l) => l.startsWith("missing"))).toHaveLength(2);
    lines.length = 0;
    expect(await vectorsCommand([], root, out)).toBe(0);
    expect(lines).toContain("created  vectors/golden/t/a.json");
    lines.length = 0;
    expect(await vectorsCommand([], root, out)).toBe(0);
    expect(lines).toEqual(["0 created, 0 updated, 0 removed, 2 unchanged"]);
  });

  it("names stale and orphaned goldens under --check, and writes nothing", async () => {
    await vectorsCommand([], root, out);
    await writeFile(path.join(root, "vectors", "scenarios", "t", "a.json"), scenario(3));
    await rm(path.join(root, "vectors", "scenarios", "t", "b.json"));
    const before = await readFile(path.join(root, "vectors", "golden", "t", "a.json"), "utf8");
    lines.length = 0;
    expect(await vectorsCommand(["--check"], root, out)).toBe(1);
    expect(lines.some((l) => l.startsWith("stale") && l.includes("t/a.json"))).toBe(true);
    expect(lines.some((l) => l.startsWith("orphaned") && l.includes("t/b.json"))).toBe(true);
    expect(await readFile(path.join(root, "vectors", "golden", "t", "a.json"), "utf8")).toBe(before);
  });

  it("shows each changed golden's snapshots decoded, old against new, a replica changed alike named once", async () => {
    const three = (v: string) =>
      JSON.stringify({ description: "d", cluster: { nodes: 3, leader: 1 }, steps: [{ op: "put", key: "a", value: { utf8: v } }, { op: "put", key: "b", value: { utf8: "x" } }, { op: "snapshot", nodes: "all" }] });
    await writeFile(path.join(root, "vectors", "scenarios", "t", "a.json"), three("1"));
    await vectorsCommand([], root, out);
    await writeFile(path.join(root, "vectors", "scenarios", "t", "a.json"), three("2"));
    await rm(path.join(root, "vectors", "scenarios", "t", "b.json"));
    const expected = [
      "  changed: source_sha256, scenario.steps",
      "  snapshot step 2 node 1:",
      "      ...",
      "      last_included_term 1",
      "      pair count 2",
      '    - [0] "a" = 31 "1"',
      '    + [0] "a" = 32 "2"',
      '      [1] "b" = 78 "x"',
      "    - crc 90886e65 (correct)",
      "    + crc 2cf600d7 (correct)",
      "  snapshot step 2 node 2: changed as step 2 node 1",
      "  snapshot step 2 node 3: changed as step 2 node 1",
    ];
    lines.length = 0;
    expect(await vectorsCommand(["--check"], root, out)).toBe(1);
    expect(lines).toEqual([
      "stale    vectors/golden/t/a.json (the reference now gives other bytes or its scenario changed)",
      ...expected,
      "orphaned vectors/golden/t/b.json (no scenario vectors/scenarios/t/b.json)",
      "2 golden file(s) out of date; 3 snapshot(s) changed in 1 updated golden(s)",
    ]);
    lines.length = 0;
    expect(await vectorsCommand([], root, out)).toBe(0);
    expect(lines).toEqual(["updated  vectors/golden/t/a.json", ...expected, "removed  vectors/golden/t/b.json", "0 created, 1 updated, 1 removed, 0 unchanged; 3 snapshot(s) changed in 1 updated golden(s)"]);
  });

  it("caps each golden's decoded diff at 40 lines, then counts the rest", async () => {
    const many = (v: string) =>
      JSON.stringify({
        description: "d",
        cluster: { nodes: 1, leader: 1 },
        steps: [...Array.from({ length: 30 }, (_, i) => ({ op: "put", key: `k${i}`, value: { utf8: `${v}${i}` } })), { op: "snapshot", nodes: "all" }],
      });
    await writeFile(path.join(root, "vectors", "scenarios", "t", "a.json"), many("x"));
    await vectorsCommand([], root, out);
    await writeFile(path.join(root, "vectors", "scenarios", "t", "a.json"), many("y"));
    lines.length = 0;
    expect(await vectorsCommand([], root, out)).toBe(0);
    const shown = lines.slice(1, -1);
    // 40 lines, then "... N more lines": 2 header lines, "..." and 2 context lines, 2 x 30 pairs, 2 CRC lines = 67.
    expect(shown).toHaveLength(41);
    expect(shown.at(-1)).toBe("  ... 27 more lines");
    expect(shown.slice(0, 2)).toEqual(["  changed: source_sha256, scenario.steps", "  snapshot step 30 node 1:"]);
    expect(lines.at(-1)).toBe("0 created, 1 updated, 0 removed, 1 unchanged; 1 snapshot(s) changed in 1 updated golden(s)");
  });

  it("records the scenario file's SHA-256 in the golden", async () => {
    await vectorsCommand([], root, out);
    const g = JSON.parse(await readFile(path.join(root, "vectors", "golden", "t", "a.json"), "utf8")) as GoldenVector;
    const { createHash } = await import("node:crypto");
    expect(g.source_sha256).toBe(createHash("sha256").update(scenario(1)).digest("hex"));
  });

  it("writes nothing while any scenario is invalid, and names every bad file", async () => {
    await writeFile(path.join(root, "vectors", "scenarios", "t", "c.json"), '{"description":"x","steps":[{"op":"crash","node":1},{"op":"snapshot","nodes":"all"}]}');
    await writeFile(path.join(root, "vectors", "scenarios", "t", "d.json"), "{");
    const err = await vectorsCommand([], root, out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as InvalidInput).lines).toEqual([
      "vectors/scenarios/t/c.json steps[0].node: crash of node 1, the leader, is not allowed (R-CRASH-1)",
      expect.stringMatching(/^vectors\/scenarios\/t\/d\.json \(root\): not JSON: .* \(R-FILE-1\)$/),
    ]);
    expect(await listJson(path.join(root, "vectors", "golden"))).toEqual([]);
  });

  // validate and vectors read scenario files the same way: one line per bad file, exit 2, never a crash.
  const both = async (setup: () => Promise<void>, options = {}) => {
    await setup();
    const fromVectors = await vectorsCommand([], root, out, options).catch((e: unknown) => e);
    const prev = process.cwd();
    process.chdir(root);
    const fromValidate = await validateCommand([], root, out, options)
      .catch((e: unknown) => e)
      .finally(() => process.chdir(prev));
    expect(fromVectors).toBeInstanceOf(InvalidInput);
    expect(fromValidate).toBeInstanceOf(InvalidInput);
    expect(await listJson(path.join(root, "vectors", "golden"))).toEqual([]);
    return { vectors: (fromVectors as InvalidInput).lines, validate: (fromValidate as InvalidInput).lines };
  };
  const cPath = () => path.join(root, "vectors", "scenarios", "t", "c.json");

  it("invalid UTF-8 in a key is refused by both, never replaced by U+FFFD (R-FILE-1)", async () => {
    const r = await both(() => writeFile(cPath(), Buffer.concat([Buffer.from('{"description":"d","steps":[{"op":"put","key":"a'), Buffer.of(0xff), Buffer.from('b","value":{"hex":""}},{"op":"snapshot","nodes":"all"}]}')])));
    expect(r.vectors).toEqual(["vectors/scenarios/t/c.json: not UTF-8 at byte 48 (R-FILE-1)"]);
    expect(r.validate).toEqual(["vectors/scenarios/t/c.json: not UTF-8 at byte 48 (R-FILE-1)", "3 file(s) checked, invalid ones found"]);
  });

  it("a byte-order mark is refused by both alike (R-FILE-1)", async () => {
    const r = await both(() => writeFile(cPath(), Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(scenario(1))])));
    const line = "vectors/scenarios/t/c.json: starts with a byte-order mark (ef bb bf); expected UTF-8 JSON text without one (R-FILE-1)";
    expect(r.vectors).toEqual([line]);
    expect(r.validate[0]).toBe(line);
  });

  it("a file past the size cap is one line, checked before it is read", async () => {
    const r = await both(() => writeFile(cPath(), scenario(1) + " ".repeat(2000)), { maxScenarioBytes: 1024 });
    const line = `vectors/scenarios/t/c.json: ${scenario(1).length + 2000} bytes, over the limit of 1024 bytes (0.001 MiB) for a scenario file`;
    expect(r.vectors).toEqual([line]);
    expect(r.validate[0]).toBe(line);
  });

  it("a file name that is no scenario name (Bad_Name.json) is refused by both, with R-NAME-1, before any golden is written", async () => {
    const r = await both(() => writeFile(path.join(root, "vectors", "scenarios", "t", "Bad_Name.json"), scenario(1)));
    const line = 'vectors/scenarios/t/Bad_Name.json: the name "t/Bad_Name" is not a scenario name; expected segments of lowercase letters, digits and "-", each starting with a letter or digit, joined by "/" (R-NAME-1)';
    expect(r.vectors).toEqual([line]);
    expect(r.validate).toEqual([line, "3 file(s) checked, invalid ones found"]);
  });

  it("a decode vector in a folder below vectors/decode has no decode name: both refuse it (R-NAME-1)", async () => {
    const r = await both(async () => {
      await mkdir(path.join(root, "vectors", "decode", "sub"), { recursive: true });
      await writeFile(path.join(root, "vectors", "decode", "sub", "x.json"), JSON.stringify({ description: "d", input: { hex: "" } }));
    });
    expect(r.vectors[0]).toMatch(/^vectors\/decode\/sub\/x\.json: the name "decode\/sub\/x" is not a decode vector's; .* \(R-NAME-1\)$/);
    expect(r.validate[0]).toBe(r.vectors[0]);
  });

  it("a scenario whose result would pass R-SIZE-4 (a 1 MiB value, 130 snapshots of three nodes) is refused by both, naming the step; no golden, no internal error", async () => {
    const steps: unknown[] = [{ op: "put", key: "k", value: { utf8: "a".repeat(1024 * 1024) } }];
    for (let i = 0; i < 130; i++) steps.push({ op: "snapshot", nodes: "all" });
    const r = await both(() => writeFile(cPath(), JSON.stringify({ description: "1 MiB value, 130 snapshots", steps })));
    const line = "vectors/scenarios/t/c.json steps[11]: the result's snapshots reach 69,209,950 characters of JSON at this snapshot step; expected at most 64 Mi characters (67,108,864) in all (R-SIZE-4)";
    expect(r.vectors).toEqual([line]);
    expect(r.validate[0]).toBe(line);
  });

  it("a value nested 5,000 levels deep is one line naming its path", async () => {
    const deep = "[".repeat(5000) + "]".repeat(5000);
    const r = await both(() => writeFile(cPath(), `{"description":"d","steps":[{"op":"put","key":"k","value":${deep}},{"op":"snapshot","nodes":"all"}]}`));
    expect(r.vectors).toEqual([`vectors/scenarios/t/c.json steps[0].value: expected exactly one of {"utf8": string} or {"hex": string}, got ${"[".repeat(57)}... (R-BYTES-1)`]);
  });

  it("follows symbolic links to scenario files and directories; the name is the link's path", async () => {
    const elsewhere = path.join(root, "elsewhere");
    await mkdir(path.join(elsewhere, "dir"), { recursive: true });
    await writeFile(path.join(elsewhere, "one.json"), scenario(1));
    await writeFile(path.join(elsewhere, "dir", "two.json"), scenario(2));
    await symlink(path.join(elsewhere, "one.json"), path.join(root, "vectors", "scenarios", "t", "linked.json"));
    await symlink(path.join(elsewhere, "dir"), path.join(root, "vectors", "scenarios", "linkdir"));
    expect(await listJson(path.join(root, "vectors", "scenarios"))).toEqual(["linkdir/two.json", "t/a.json", "t/b.json", "t/linked.json"]);
    expect(await vectorsCommand([], root, out)).toBe(0);
    expect(lines).toContain("created  vectors/golden/t/linked.json");
    expect(lines).toContain("created  vectors/golden/linkdir/two.json");
  });

  it("a dangling link, a link loop and a link back to an enclosing directory are one line each", async () => {
    const t = path.join(root, "vectors", "scenarios", "t");
    await symlink("missing.json", path.join(t, "dangling.json"));
    await symlink("loop.json", path.join(t, "loop.json"));
    await symlink("..", path.join(t, "up"));
    const prev = process.cwd();
    process.chdir(root);
    const err = await listJson(path.join(root, "vectors", "scenarios"))
      .catch((e: unknown) => e)
      .finally(() => process.chdir(prev));
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as InvalidInput).lines).toEqual([
      "vectors/scenarios/t/dangling.json: a symbolic link to missing.json, which does not exist; expected a link to a file or directory",
      "vectors/scenarios/t/loop.json: a symbolic link loop (loop.json leads back to itself); expected a link to a file or directory",
      "vectors/scenarios/t/up: a symbolic link to vectors/scenarios, a directory it is inside, which would be listed forever; expected a link that leads elsewhere",
    ]);
    expect(await vectorsCommand([], root, out).catch((e: unknown) => e)).toBeInstanceOf(InvalidInput);
  });

  it("never reads *.tmp files, and removes those of a run that is gone", async () => {
    await vectorsCommand([], root, out);
    const golden = path.join(root, "vectors", "golden", "t");
    const { spawnSync } = await import("node:child_process");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    await writeFile(path.join(golden, `a.json.${dead}.0.tmp`), "{ half a gold");
    await writeFile(path.join(golden, `b.json.${process.pid}.ffff.tmp`), "{ another run's, still writing");
    lines.length = 0;
    expect(await vectorsCommand(["--check"], root, out)).toBe(0);
    expect(await vectorsCommand([], root, out)).toBe(0);
    expect(lines.slice(1)).toEqual([`removed  vectors/golden/t/a.json.${dead}.0.tmp (a temporary of an interrupted run)`, "0 created, 0 updated, 0 removed, 2 unchanged"]);
    expect((await import("node:fs")).readdirSync(golden).sort()).toEqual(["a.json", "b.json", `b.json.${process.pid}.ffff.tmp`]);
  });
});
