import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

function rsm(...args: string[]) {
  const r = spawnSync(TSX, [path.join(ROOT, "cli", "cli.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("rsm CLI", () => {
  it("validate: every problem of every bad file, one line each, exit 2, no stack trace", () => {
    const r = rsm("validate", "vectors/invalid/crash-1-leader.json", "vectors/invalid/many-problems-at-once.json", "vectors/scenarios/basic");
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toBe("vectors/invalid/crash-1-leader.json steps[1].node: crash of node 1, the leader, is not allowed (R-CRASH-1)");
    expect(lines.filter((l) => l.startsWith("vectors/invalid/many-problems-at-once.json"))).toHaveLength(5);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("validate: a tag the vocabulary (vectors/tags.json) does not document is a problem, named with its path", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const dir = mkdtempSync(path.join((await import("node:os")).tmpdir(), "rsm-tags-"));
    const file = path.join(dir, "x.json");
    writeFileSync(file, JSON.stringify({ description: "d", tags: ["keys", "utf16"], steps: [{ op: "snapshot", nodes: [1] }] }));
    const r = rsm("validate", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/x\.json tags\[1\]: unknown tag "utf16"; expected one of the tags vectors\/tags\.json documents/);
  });

  it("validate: a declared rule SPEC.md's rule index does not define is a problem, in a scenario and in a decode vector", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import("node:fs");
    const dir = mkdtempSync(path.join((await import("node:os")).tmpdir(), "rsm-rules-"));
    const scenario = path.join(dir, "x.json");
    // The unknown ids are spelt apart so common/spec_rules.test.ts's scan for dangling ids does not find them here.
    const [instal, decode99] = [["R", "INSTAL", "1"].join("-"), ["R", "DECODE", "99"].join("-")];
    writeFileSync(scenario, JSON.stringify({ description: "d", rules: ["R-PUT-1", instal], steps: [{ op: "snapshot", nodes: [1] }] }));
    mkdirSync(path.join(dir, "decode"));
    const decode = path.join(dir, "decode", "y.json");
    writeFileSync(decode, JSON.stringify({ description: "d", rules: [decode99], input: { hex: "00" } }));
    const r = rsm("validate", scenario, decode);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`x.json rules[1]: unknown rule "${instal}"; expected an id of SPEC.md's rule index (section 9)`);
    expect(r.stderr).toContain(`y.json rules[0]: unknown rule "${decode99}"`);
    expect(r.stderr).not.toMatch(/R-PUT-1/);
  });

  it("validate: the corpus is valid", () => {
    const r = rsm("validate");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ file\(s\) valid\n$/);
  });

  it("decode: fields, pairs, a correct CRC and the verdict of the second worked example", () => {
    const hex = readFileSync(path.join(ROOT, "SPEC.md"), "utf8").match(/`(524b5631[0-9a-f]*63c4d85c)`/)![1]!;
    const r = rsm("decode", hex);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      'magic 524b5631 "RKV1"',
      "current_term 1",
      "last_included_index 2",
      "last_included_term 1",
      "pair count 2",
      '[0] "a" = 31 "1"',
      '[1] "b" = 00ff ".."',
      "crc 63c4d85c (correct)",
      "accepted (SPEC.md 4.1)",
      "",
    ]);
  });

  it("decode: a wrong CRC exits 1, says what it should be and names the rule", () => {
    const r = rsm("decode", "524b563100000000000000010000000000000000000000000000000000000000045540e8");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("crc 045540e8 (WRONG: the bytes before it give 045540e9)\n");
    expect(r.stdout).toMatch(/\nrejected: R-DECODE-3 at byte 32: crc is 0x045540e8, CRC-32C of the 32 bytes before it is 0x045540e9\n$/);
  });

  it("decode: a duplicate key with a right CRC is still rejected (R-DECODE-8), its pairs shown", () => {
    const golden = JSON.parse(readFileSync(path.join(ROOT, "vectors", "golden", "decode", "duplicate-key.json"), "utf8")) as { hex: string };
    const r = rsm("decode", golden.hex);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[0] "a" = 31 "1"\n[1] "a" = 32 "2"\n');
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("rejected: R-DECODE-8 at byte 46: key of pair 1 is not greater than the key of pair 0 (unsigned bytes)");
  });

  it("bad flags and arguments: one line naming them, exit 2", () => {
    for (const args of [["frobnicate"], ["vectors", "--force"], ["decode"], ["decode", "zz"], ["validate", "--strict"], ["validate", "no/such/file.json"]]) {
      const r = rsm(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
  });
});

describe("rsm decode on hostile input", () => {
  it("refuses a file past the documented cap (a sparse 1 GB file) with one line, exit 2, without reading it", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { truncate } = await import("node:fs/promises");
    const dir = mkdtempSync(path.join((await import("node:os")).tmpdir(), "rsm-decode-"));
    try {
      const file = path.join(dir, "huge.hex");
      await (await import("node:fs/promises")).writeFile(file, "");
      await truncate(file, 1024 * 1024 * 1024);
      const r = rsm("decode", file);
      expect(r.stderr).toBe(`decode: ${JSON.stringify(file.slice(0, 60))}: 1073741824 bytes, over the limit of 268435456 bytes (256 MiB) for a file rsm decode reads\n`);
      expect(r.code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints a snapshot of 200,000 pairs from a hex file in blocks, letting the output drain between them", async () => {
    const { encodeSnapshot, bytesToHex } = await import("../reference/index.js");
    const { decodeCommand } = await import("../corpus/decode_cmd.js");
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const pairs = Array.from({ length: 200_000 }, (_, i) => ({ keyBytes: new TextEncoder().encode(`k${String(i).padStart(6, "0")}`), value: Uint8Array.of(i & 255) }));
    const dir = mkdtempSync(path.join((await import("node:os")).tmpdir(), "rsm-decode-"));
    try {
      const file = path.join(dir, "s.hex");
      writeFileSync(file, `\n ${bytesToHex(encodeSnapshot({ currentTerm: 1n, lastIncludedIndex: 2n, lastIncludedTerm: 1n, pairs }))}\r\n`);
      const chunks: string[] = [];
      let drains = 0;
      expect(await decodeCommand([file], (c) => chunks.push(c), { drain: async () => void drains++ })).toBe(0);
      const lines = chunks.join("\n").split("\n");
      expect(lines).toHaveLength(5 + 200_000 + 2);
      expect(lines[4]).toBe("pair count 200000");
      expect(lines[5 + 199_999]).toBe('[199999] "k199999" = 3f "?"');
      expect(lines.at(-2)).toMatch(/^crc [0-9a-f]{8} \(correct\)$/);
      expect(lines.at(-1)).toBe("accepted (SPEC.md 4.1)");
      expect(drains).toBeGreaterThan(10);
      // And a cap, when smaller, is checked before reading.
      const err = await decodeCommand([file], () => {}, { maxFileBytes: 1000 }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/^decode: ".*": \d+ bytes, over the limit of 1000 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("generated files are fresh", () => {
  it("reference/types/*.gen.ts match schema/ (rsm types --check)", () => {
    const r = rsm("types", "--check");
    expect(r.stdout).toBe("types match the schemas\n");
    expect(r.code).toBe(0);
  });

  it("vectors/scenarios/random and big match scripts/generate_scenarios.ts", () => {
    const r = spawnSync(TSX, [path.join(ROOT, "scripts", "generate_scenarios.ts"), "--check"], { cwd: ROOT, encoding: "utf8" });
    expect(r.stdout).toBe("generated scenarios are up to date\n");
    expect(r.status).toBe(0);
  });
});

describe("imports point one way (STYLE.md)", () => {
  const files = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .map((f) => path.join(dir, f));

  it("reference/ imports only itself, the schemas and ajv: no node: module, no runner", () => {
    for (const f of files("reference")) {
      const text = readFileSync(path.join(ROOT, f), "utf8");
      for (const m of text.matchAll(/from\s+"([^"]+)"/g)) {
        const spec = m[1]!;
        const ok = spec.startsWith("./") || /^\.\.\/schema\/[a-z_]+\.schema\.json$/.test(spec) || spec.startsWith("ajv");
        expect(ok, `${f} imports ${spec}`).toBe(true);
      }
    }
  });
});

describe("decode of bytes that are not section 4's layout", () => {
  it("prints the fields it could read and the bytes around where it stopped, then the rule, exit 1", async () => {
    // A value length of 2^31 with a right CRC: the fields of the pair read before it show the bogus length.
    const { crc32c, hexToBytes, bytesToHex } = await import("../reference/index.js");
    const body = hexToBytes("524b5631" + "0000000000000001" + "0000000000000001" + "0000000000000001" + "00000001" + "0000000161" + "80000000" + "00");
    const crc = new Uint8Array(4);
    new DataView(crc.buffer).setUint32(0, crc32c(body));
    const r = rsm("decode", bytesToHex(body) + bytesToHex(crc));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain('pair count 1\nkey length of pair 0: 1\nkey bytes of pair 0: "a"\nvalue length of pair 0: 2147483648\ncrc ');
    expect(r.stdout).toMatch(/^bytes 25\.\.45, decoding stopped at 41: [0-9a-f]+ \| 00[0-9a-f]{8}$/m);
    expect(r.stdout).toMatch(/\nrejected: R-DECODE-5 at byte 41: value bytes of pair 0 \(2147483648 bytes at offset 41\) runs into the crc at offset 42\n$/);
  });

  it("cut short, it is rejected by an earlier rule, and says why reading stopped too", () => {
    // The second worked example cut inside the value length of its first pair: its last 4 bytes are no CRC.
    const r = rsm("decode", "524b56310000000000000001000000000000000500000000000000010000000100000001610000");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("not section 4's layout either: R-DECODE-5 at byte 32: key length of pair 0 (4 bytes at offset 32) runs into the crc at offset 35\n");
    expect(r.stdout).toMatch(/\nrejected: R-DECODE-3 at byte 35: /);
  });
});

describe("the bundled CLI (cli/launch.mjs, what npm scripts run)", () => {
  it("reports a failure with SPEC.md's rule summaries, which it finds from the bundle's own place", async () => {
    const { makeCorpus } = await import("../runner/fixtures/corpus.js");
    const { fakeExec } = await import("../runner/fixtures/harness.js");
    const corpus = await makeCorpus();
    const r = spawnSync(process.execPath, [path.join(ROOT, "cli", "launch.mjs"), "conformance", "--vectors", corpus.vectors, "--exec", fakeExec(corpus, "--mode", "wrong-byte", "--on", "b/third")], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/likely rules: R-\S+ \(/);
  });
});
