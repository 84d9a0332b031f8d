// The runner against deliberately broken adapters (runner/fixtures/fake_adapter.mjs): each misbehaviour is
// reported as documented in docs/porting.md ("Outcomes"), the rest of the run still
// completes, and no process is left.
import { lstatSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import { hexToBytes, validator } from "../reference/index.js";
import { SCHEMA_DOCUMENTS, addKitKeywords } from "../reference/schemas.js";
import { NAMES, makeCorpus, type TestCorpus } from "./fixtures/corpus.js";
import { fakeExec, recordedPids, runConformance, survivors } from "./fixtures/harness.js";
import report from "../schema/report.schema.json" with { type: "json" };
import { liveCount } from "./adapter/children.js";

interface JsonResult {
  name: string;
  duration_ms: number;
  status: string;
  reason: string | null;
  stderr_tail: string | null;
  restarted: boolean;
  expected_failure: boolean;
  diagnosis: null | {
    snapshot: { index: number; step: number; node: number };
    offset: number;
    field: string | null;
    divergence: null | { step: number; op: { op: string }; nodes: number[] };
    rules: string[];
    hints: string[];
    trace_note: string | null;
    crc_self_consistent: boolean | null;
    diff: string[];
    expected_hex: string;
    actual_hex: string;
  };
  bins: null | { expected: string; actual: string };
  kind?: string;
  answers?: string[];
  note?: string;
}
interface JsonAdapter {
  name: string;
  duration_ms: number;
  fatal: null | { kind: string; message: string; output: string | null; optional: boolean };
  counts: Record<string, number>;
  results: JsonResult[];
}
interface JsonReport {
  exit_code: number;
  adapters: JsonAdapter[];
}

const VICTIM = "b/third";
let corpus: TestCorpus;
let validateReport: (data: unknown) => boolean;

beforeAll(async () => {
  corpus = await makeCorpus();
  const ajv = new Ajv2020({ strict: true, strictRequired: false, discriminator: true, allErrors: true });
  addKitKeywords(ajv);
  for (const doc of Object.values(SCHEMA_DOCUMENTS)) ajv.addSchema(doc);
  const compiled = ajv.compile(report);
  validateReport = (data) => {
    const ok = compiled(data);
    if (!ok) throw new Error(JSON.stringify(compiled.errors?.slice(0, 3)));
    return ok;
  };
});

/** One run of the fake adapter in `mode`, JSON report, and the pids it left (there must be none). */
async function runFake(flags: string[], extra: string[] = []) {
  const pidDir = await mkdtemp(path.join(tmpdir(), "rsm-pids-"));
  const started = Date.now();
  // A reply deadline about hangs (a replay adapter answers in milliseconds when the machine is quiet); the
  // tests of timeouts give their own.
  const timeout = extra.includes("--timeout") ? [] : ["--timeout", "30"];
  const r = await runConformance(["--vectors", corpus.vectors, "--reporter", "json", ...timeout, ...extra, "--exec", fakeExec(corpus, "--pid-dir", pidDir, ...flags)]);
  const elapsedMs = Date.now() - started;
  // With --out the JSON report goes to that file and the human report to stdout.
  const out = extra.indexOf("--out");
  const json = JSON.parse(out === -1 ? r.stdout : await readFile(extra[out + 1]!, "utf8")) as JsonReport;
  validateReport(json);
  expect(json.exit_code).toBe(r.code);
  return { ...r, json, adapter: json.adapters[0]!, elapsedMs, pids: recordedPids(pidDir), alive: await survivors(pidDir) };
}

const statuses = (a: JsonAdapter) => Object.fromEntries(a.results.map((r) => [r.name, r.status]));
const othersPassed = (a: JsonAdapter, except: string) => a.results.filter((r) => r.name !== except).every((r) => r.status === "passed");
const result = (a: JsonAdapter, name: string) => a.results.find((r) => r.name === name)!;

describe("a well-behaved replay adapter", () => {
  it("passes every vector, also when each reply comes in two writes or is not written as JSON.stringify would", async () => {
    for (const mode of ["ok", "split", "spaced"]) {
      const r = await runFake(["--mode", mode]);
      expect(r.code).toBe(0);
      expect(r.adapter.name).toBe("fake");
      expect(r.adapter.results.map((x) => x.name)).toEqual(NAMES);
      expect(r.adapter.counts.passed).toBe(NAMES.length);
      expect(r.alive).toEqual([]);
    }
  });

  it("is sent only lines valid against the runnerMessage schema, trace requests included", async () => {
    const record = path.join(await mkdtemp(path.join(tmpdir(), "rsm-rec-")), "sent.jsonl");
    await runFake(["--mode", "wrong-byte", "--on", VICTIM, "--record", record]);
    const lines = (await readFile(record, "utf8")).trim().split("\n");
    const validate = validator("protocol.schema.json#/$defs/runnerMessage");
    for (const line of lines) expect(validate(JSON.parse(line)), line.slice(0, 80)).toBe(true);
    const sent = lines.map((l) => JSON.parse(l) as { type: string; id?: string; trace?: boolean });
    expect(sent[0]).toEqual({ type: "hello", protocol: 1 });
    expect(sent.at(-1)).toEqual({ type: "shutdown" });
    expect(sent.filter((m) => m.trace === true)).toHaveLength(1);
    const ids = sent.filter((m) => m.type === "run").map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("protocol errors: an error result for the scenario, a restart, and the run goes on", () => {
  const cases: { mode: string; reason: RegExp; restarted: boolean; stderr?: RegExp }[] = [
    { mode: "crash", reason: /^adapter exited with code 101 mid-scenario \(R-PROTO-8/, restarted: true, stderr: /panicked at src\/cluster\.rs/ },
    { mode: "garbage", reason: /not JSON \(R-PROTO-1, R-PROTO-2\), line: panic: \\x01\\x02 garbage .*\.\.\. \(8010 characters\)$/, restarted: true },
    { mode: "not-protocol", reason: /not a protocol message: \(root\) lacks required property "snapshots"/, restarted: true },
    { mode: "wrong-id", reason: /^reply id "x\d+" does not match request id "\d+" \(R-PROTO-3\)/, restarted: true },
    { mode: "wrong-count", reason: /^expected 4 snapshots, got 3; snapshot 3 is missing, expected step 4 node 3/, restarted: true },
    { mode: "bad-hex", reason: /malformed hex at snapshots\[0\]\.hex/, restarted: true },
    { mode: "error-reply", reason: /answered with an error \(R-PROTO-8\): op partition is not implemented$/, restarted: false },
  ];
  for (const c of cases) {
    it(`${c.mode}`, async () => {
      const r = await runFake(["--mode", c.mode, "--on", VICTIM]);
      expect(r.code).toBe(1);
      expect(r.adapter.fatal).toBeNull();
      expect(statuses(r.adapter)[VICTIM]).toBe("error");
      const v = result(r.adapter, VICTIM);
      expect(v.reason).toMatch(c.reason);
      expect(v.reason!.length).toBeLessThan(600); // the line is cut, never a megabyte
      expect(v.restarted).toBe(c.restarted);
      if (c.stderr) expect(v.stderr_tail).toMatch(c.stderr);
      expect(othersPassed(r.adapter, VICTIM)).toBe(true);
      expect(r.adapter.counts).toMatchObject({ passed: 5, errored: 1, not_run: 0 });
      // The victim's second try is a process of its own, and a restart one more (a start that misses its hello
      // deadline on a loaded machine is tried again: more); every one of them is gone.
      if (c.restarted) expect(r.pids.length).toBeGreaterThanOrEqual(3);
      expect(r.alive).toEqual([]);
    });
  }

  it("a line nobody asked for fails the next scenario, naming the reply it followed", async () => {
    const r = await runFake(["--mode", "extra-line", "--on", VICTIM]);
    expect(r.code).toBe(1);
    expect(statuses(r.adapter)[VICTIM]).toBe("passed");
    expect(result(r.adapter, "c/crash").reason).toMatch(/nobody asked for, after its reply to b\/third \(R-PROTO-3\)/);
    expect(r.adapter.counts).toMatchObject({ passed: 5, errored: 1 });
  });
});

describe("stderr", () => {
  it("each outcome shows the stderr written while its own request was out, not a rolling tail", async () => {
    const r = await runFake(["--mode", "trace-then-error"]);
    expect(r.adapter.results.length).toBeGreaterThan(2);
    for (const x of r.adapter.results) {
      expect(x.status).toBe("error");
      expect(x.stderr_tail).toBe(`Traceback for ${x.name}:\n  at step 3`);
    }
  });

  it("duration_ms is the adapter's own time for the request, not the time it waited in the pipeline", async () => {
    const r = await runFake(["--mode", "ok"]);
    const total = r.adapter.results.reduce((sum, x) => sum + x.duration_ms, 0);
    // Pipelined requests wait for each other; counted from sending, their durations would add up to several
    // times the run. A generous guard, not a speed test.
    expect(total).toBeLessThanOrEqual(r.adapter.duration_ms + 50);
  });
});

describe("hanging adapters", () => {
  it("a hang on one scenario costs one --timeout and a second try with three times as long: the group is killed, the rest runs", async () => {
    // 3 s: every other scenario must still be answered within it, on a machine however busy.
    const r = await runFake(["--mode", "hang", "--on", VICTIM], ["--timeout", "3"]);
    expect(r.code).toBe(1);
    expect(result(r.adapter, VICTIM).reason).toMatch(/^no answer within 3 s \(--timeout\); (nothing came after one more line .*; )?the adapter was killed; a second try in a fresh process got no answer within 9 s either$/);
    expect(othersPassed(r.adapter, VICTIM)).toBe(true);
    // The adapter, its second try, its restart, and the child each of them started: six processes, all gone.
    expect(r.pids.length).toBe(6);
    expect(r.alive).toEqual([]);
    // A guard against waiting for the child the hang started (it lives 300 s), not a speed test.
    expect(r.elapsedMs).toBeLessThan(120_000);
  });

  it("an adapter that answers once and then hangs, every time it is started, is given up after three timeouts in all", async () => {
    const r = await runFake(["--mode", "hang-after-one"], ["--timeout", "0.3"]);
    expect(r.code).toBe(1);
    expect(r.adapter.fatal).toMatchObject({ kind: "timeouts", optional: false });
    expect(r.adapter.fatal!.message).toBe("gave up after 3 timeouts (the budget is 3 per adapter, each costing --timeout); the remaining scenarios were not run");
    // Each hang's second try is a fresh process's first request, which it answers: a pass with a note, but
    // the timeouts still count, so the adapter is given up all the same.
    const notes = r.adapter.results.flatMap((x) => (x.note === undefined ? [] : [x.note]));
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) expect(n).toMatch(/^answered only on a second try, in a fresh process with 0\.9 s: no answer within 0\.3 s/);
    expect(r.alive).toEqual([]);
    expect(r.elapsedMs).toBeLessThan(120_000); // a guard against a wait for the hang (300 s), not a speed test
  });

  it("an adapter stuck on everything is given up after three timeouts", async () => {
    const r = await runFake(["--mode", "hang"], ["--timeout", "0.5"]);
    expect(r.code).toBe(1);
    expect(r.adapter.fatal).toMatchObject({ kind: "timeouts", optional: false });
    // A timeout, its second try's (1.5 s), then one more: the budget of three is spent.
    expect(r.adapter.counts).toMatchObject({ errored: 2, not_run: 4 });
    expect(r.alive).toEqual([]);
    expect(r.elapsedMs).toBeLessThan(120_000); // a guard against a wait for the hang (300 s), not a speed test
  });
});

describe("silent adapters: the runner sends one more line, then closes stdin, to tell why", () => {
  it("one that writes its replies only at exit is diagnosed as not flushing stdout (R-PROTO-2)", async () => {
    const r = await runFake(["--mode", "unflushed", "--on", VICTIM], ["--timeout", "2"]);
    expect(r.code).toBe(1);
    expect(result(r.adapter, VICTIM)).toMatchObject({
      status: "error",
      reason: expect.stringMatching(/^no answer within 2 s \(--timeout\); the answer came only once its stdin was closed and it exited: it does not flush stdout after each reply \(R-PROTO-2\), or it reads all of its input before answering \(R-PROTO-3\); the adapter was killed; a second try in a fresh process got no answer within 6 s either$/),
    });
    expect(r.alive).toEqual([]);
  });

  it("one that answers a line only when the next comes is diagnosed as waiting for more input (R-PROTO-3), at its hello already", async () => {
    const r = await runFake(["--mode", "waits-for-next-line"]);
    expect(r.code).toBe(1);
    expect(r.adapter.fatal).toMatchObject({ kind: "start" });
    expect(r.adapter.fatal!.message).toMatch(/^no answer to hello within \d+ s \(R-PROTO-5\); the answer came \d+\.\d\d s after one more line was sent: the adapter waits for more input than the line before answering it \(R-PROTO-3\)$/);
    expect(r.alive).toEqual([]);
  });
});

describe("hostile adapters", () => {
  it("an adapter that closes its stdout is an error at once, not a timeout", async () => {
    const r = await runFake(["--mode", "close-stdout", "--on", VICTIM], ["--timeout", "300"]);
    expect(r.code).toBe(1);
    expect(result(r.adapter, VICTIM).reason).toMatch(/^adapter closed its stdout .*\(R-PROTO-2\)/);
    expect(othersPassed(r.adapter, VICTIM)).toBe(true);
    expect(r.alive).toEqual([]);
    // A guard against waiting for --timeout (300 s), not a speed test.
    expect(r.elapsedMs).toBeLessThan(150_000);
  });

  it("an adapter that closes its stdin, its stdout open, is an error at once, not a timeout", async () => {
    const r = await runFake(["--mode", "close-stdin", "--on", VICTIM], ["--timeout", "300"]);
    expect(r.code).toBe(1);
    expect(result(r.adapter, VICTIM).reason).toMatch(/^adapter closed its stdin while still running, so it can read no more requests \(R-PROTO-3\)/);
    expect(othersPassed(r.adapter, VICTIM)).toBe(true);
    expect(r.alive).toEqual([]);
    // A guard against waiting for --timeout (300 s), not a speed test.
    expect(r.elapsedMs).toBeLessThan(150_000);
  });

  it("a line after the reply to the last request is a protocol error of its own (R-PROTO-3)", async () => {
    const last = NAMES.at(-1)!;
    const r = await runFake(["--mode", "extra-line", "--on", last]);
    expect(r.code).toBe(1);
    expect(statuses(r.adapter)[last]).toBe("passed");
    const late = result(r.adapter, "protocol/line-after-last-reply");
    expect(late.status).toBe("error");
    expect(late.reason).toMatch(new RegExp(`^adapter wrote a line nobody asked for, after its reply to ${last.replace("/", "\\/")}, the last request it was sent \\(R-PROTO-3\\), line: \\{"type":"result"`));
    expect(r.alive).toEqual([]);
  });

  it("a hello that changes after a restart, or in another --jobs process, is a protocol error that gives the adapter up", async () => {
    const restarted = await runFake(["--mode", "hello-changes", "--start-counter", path.join(await mkdtemp(path.join(tmpdir(), "rsm-starts-")), "s")], ["--jobs", "2"]);
    expect(restarted.code).toBe(1);
    expect(restarted.adapter.fatal).toMatchObject({ kind: "restart" });
    expect(restarted.adapter.fatal!.message).toBe('a later process of the adapter said another hello than the first: name "fake", then "fake-2" (R-PROTO-5, R-PROTO-11: every process of an adapter gives the same hello); the adapter was given up');
    expect(restarted.alive).toEqual([]);
    // The same hello in every process is no problem: the same run, with a name that does not change.
    const same = await runFake(["--mode", "ok"], ["--jobs", "2"]);
    expect(same.code).toBe(0);
  });

  it("replies out of order are called that (R-PROTO-3), not a second reply", async () => {
    const r = await runFake(["--mode", "swap", "--on", VICTIM]);
    expect(r.code).toBe(1);
    expect(result(r.adapter, VICTIM).reason).toMatch(/^replies out of order: the reply to request "\d+" \(.*\) came while the reply to request "\d+" \(b\/third\) was due \(R-PROTO-3\)/);
  });

  it("a daemon that escapes the process group holding stdout is killed, and the run ends", async () => {
    const r = await runFake(["--mode", "orphan"]);
    expect(r.code).toBe(0);
    expect(r.pids.length).toBe(2);
    expect(r.alive).toEqual([]);
  });
});

describe("checks beyond the corpus", () => {
  it("malformed input (R-PROTO-10): a port that crashes on a line that is not JSON fails, naming the line", async () => {
    // The fake adapter JSON.parses every line it gets, so any malformed line kills it.
    const r = await runFake(["--mode", "ok"], ["--malformed", "on"]);
    expect(r.code).toBe(1);
    const probes = r.adapter.results.filter((x) => x.name.startsWith("protocol/"));
    expect(probes.map((x) => x.name)).toEqual([
      "protocol/blank-line",
      "protocol/not-json",
      "protocol/invalid-utf8",
      "protocol/invalid-utf8-id",
      "protocol/not-an-object",
      "protocol/deep-nesting",
      "protocol/unknown-type",
      "protocol/run-without-scenario",
      "protocol/trace-not-boolean",
      "protocol/decode-without-hex",
      "protocol/numeric-id",
      "protocol/10mb-garbage",
      "protocol/exit-after-shutdown",
      "protocol/exit-after-eof",
    ]);
    const notJson = probes.find((x) => x.name === "protocol/not-json")!;
    expect(notJson.status).toBe("error");
    expect(notJson.reason).toMatch(/^the line not-json broke the adapter: adapter exited with code 1 mid-scenario/);
    expect(notJson.stderr_tail).toMatch(/SyntaxError/);
    // The corpus still runs, on a new process.
    expect(othersPassed({ ...r.adapter, results: r.adapter.results.filter((x) => !x.name.startsWith("protocol/")) }, "")).toBe(true);
    expect(r.alive).toEqual([]);
  });

  it("exit status (R-PROTO-9): a port that exits 1 after shutdown fails protocol/exit-after-shutdown; the end of stdin is checked apart", async () => {
    const r = await runFake(["--mode", "exit-1-after-shutdown"], ["--malformed", "on"]);
    expect(r.code).toBe(1);
    expect(result(r.adapter, "protocol/exit-after-shutdown")).toMatchObject({
      status: "failed",
      reason: 'after {"type":"shutdown"} (its stdin still open), the adapter exited with code 1, not 0 (R-PROTO-9: it exits with status 0)',
    });
    expect(result(r.adapter, "protocol/exit-after-eof").status).toBe("passed");
    expect(r.alive).toEqual([]);
  });

  it("a trace that gives a down node a state is an error naming the step and node (R-PROTO-7), not a divergence", async () => {
    const r = await runFake(["--mode", "lying-trace", "--on", "c/crash"]);
    expect(r.code).toBe(1);
    const x = result(r.adapter, "c/crash");
    expect(x.status).toBe("error");
    expect(x.reason).toMatch(/; the re-run with trace failed: the trace is malformed: trace entry 0 has a state for node 2, which is down after step 0 \(R-PROTO-7: null while a node is down\)$/);
  });

  it("every port of the kit answers every malformed line as R-PROTO-10 says", async () => {
    const r = await runConformance(["--vectors", corpus.vectors, "--malformed", "on", "--adapter", "ts", "--reporter", "json", "--no-build"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.adapters[0]!.results.filter((x) => x.name.startsWith("protocol/") && x.status === "passed")).toHaveLength(14);
  });
});

describe("--out and what the adapter calls itself", () => {
  it("a hello name of \"..\" cannot put .bin files outside --out, and is shown escaped", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "rsm-out-"));
    const inside = path.join(out, "inside");
    const r = await runConformance(["--vectors", corpus.vectors, "--out", inside, "--exec", fakeExec(corpus, "--mode", "wrong-byte", "--on", VICTIM, "--name", "..")]);
    expect(r.code).toBe(1);
    expect(readdirSync(out)).toEqual(["inside"]);
    expect(readdirSync(inside)).toEqual(["_2e."]);
    const evil = await runConformance(["--vectors", corpus.vectors, "--exec", fakeExec(corpus, "--mode", "wrong-byte", "--on", VICTIM, "--name", "x\u001b[31my\u0007")]);
    expect(evil.stdout).toContain("FAIL x\\x1b[31my\\x07 b/third");
    expect(evil.stdout).not.toContain("\u001b");
  });

  it("a report file that cannot be written: one line naming the path and why, and the report on stdout", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rsm-out-"));
    const blocker = path.join(dir, "a-file");
    writeFileSync(blocker, "");
    const r = await runConformance(["--vectors", corpus.vectors, "--reporter", "json", "--out", path.join(blocker, "report.json"), "--exec", fakeExec(corpus)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^rsm: cannot write the json report to ${blocker}/report\\.json: .*\\((ENOTDIR|EEXIST)\\); it follows on stdout$`, "m"));
    expect(r.stdout).toContain('"format": 1');
  });

  it("--out onto a directory for a report file is refused before the run; onto a symlink it writes through", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rsm-out-"));
    await expect(runConformance(["--vectors", corpus.vectors, "--reporter", "json", "--out", dir, "--exec", fakeExec(corpus)])).rejects.toThrow(`--out ${dir}: expected the json report file, got a directory`);
    const target = path.join(dir, "target.json");
    const link = path.join(dir, "link.json");
    writeFileSync(target, "");
    symlinkSync(target, link);
    const r = await runConformance(["--vectors", corpus.vectors, "--reporter", "json", "--out", link, "--exec", fakeExec(corpus)]);
    expect(r.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, "utf8")).exit_code).toBe(0);
  });
});

describe("byte mismatches are diagnosed", () => {
  it("one flipped value byte: divergence, offset, field, rules, diff and .bin files", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "rsm-out-"));
    const r = await runFake(["--mode", "wrong-byte", "--on", VICTIM], ["--out", path.join(out, "report.json")]);
    expect(r.code).toBe(1);
    expect(othersPassed(r.adapter, VICTIM)).toBe(true);
    const v = result(r.adapter, VICTIM);
    expect(v.status).toBe("failed");
    expect(v.reason).toBe("snapshot of step 4 node 1 differs at byte 41, in value bytes of pair 0");
    const d = v.diagnosis!;
    // Step 1 is the put of "x", applied on the leader and node 2 (node 3 is isolated).
    expect(d.divergence).toEqual({ step: 1, op: { op: "put", key: "x", value: "01" }, nodes: [1, 2] });
    expect(d.snapshot).toEqual({ index: 1, step: 4, node: 1 });
    expect(d.field).toBe("value bytes of pair 0");
    expect(d.rules[0]).toBe("R-PUT-1");
    expect(d.crc_self_consistent).toBe(true);
    expect(d.diff).toContain('- [0] "x" = 01 "."');
    expect(d.diff).toContain('+ [0] "x" = 00 "."');
    // --out with a report file: the report there, the bytes beside it.
    expect(r.stdout).toMatch(/^FAIL fake b\/third/m);
    const bins = v.bins!;
    expect(path.resolve(bins.expected)).toBe(path.join(out, "report.bins", "fake", "b", "third", "step4-node1.expected.bin"));
    expect(new Uint8Array(await readFile(bins.expected))).toEqual(hexToBytes(d.expected_hex));
    expect(new Uint8Array(await readFile(bins.actual))).toEqual(hexToBytes(d.actual_hex));
  });

  it("keys sorted by UTF-16: the diagnosis points at R-STORE-1", async () => {
    const r = await runFake(["--mode", "utf16"]);
    expect(r.code).toBe(1);
    expect(statuses(r.adapter)).toMatchObject({ "d/keys-utf16": "failed", "a/first": "passed", [VICTIM]: "passed" });
    const d = result(r.adapter, "d/keys-utf16").diagnosis!;
    expect(d.rules.slice(0, 2)).toEqual(["R-STORE-1", "R-WIRE-6"]);
    expect(d.divergence).toMatchObject({ step: 1, nodes: [1, 2, 3] });
    expect(d.field).toBe("key length of pair 1");
    expect(d.crc_self_consistent).toBe(true);
  });

  it("key lengths in code points break the trace too: a failure diagnosed from its bytes, not an error of the trace re-run", async () => {
    const r = await runFake(["--mode", "code-point-lengths", "--on", "d/keys-utf16"]);
    expect(r.code).toBe(1);
    expect(statuses(r.adapter)).toMatchObject({ "d/keys-utf16": "failed", "a/first": "passed" });
    const x = result(r.adapter, "d/keys-utf16");
    // The snapshot first: where it differs, the hint that names the cause, and its rule first.
    // Pair 0 is "x"; pair 1, U+FFFF, is the first key whose code points are not its UTF-8 bytes.
    expect(x.reason).toMatch(/^snapshot of step 3 node 1 differs at byte \d+, in key length of pair 1$/);
    const d = x.diagnosis!;
    expect(d.field).toBe("key length of pair 1");
    expect(d.hints).toContainEqual(expect.stringMatching(/^key length of pair 1 is 1, the length of "\\uffff" in .*\(R-WIRE-8;/));
    expect(d.rules[0]).toBe("R-WIRE-8");
    // The trace's own problem is a note, naming R-PROTO-7 and why it is not the verdict.
    expect(d.trace_note).toMatch(/the trace is malformed: trace entry \d+, node \d+: not a well-formed snapshot: .*\(R-PROTO-7\).*the same wire bug/);
  });

  it("a wrong CRC: field crc, not self-consistent, R-WIRE-7 first", async () => {
    const r = await runFake(["--mode", "bad-crc", "--on", "e/last"]);
    const d = result(r.adapter, "e/last").diagnosis!;
    expect(d.field).toBe("crc");
    expect(d.crc_self_consistent).toBe(false);
    expect(d.rules[0]).toBe("R-WIRE-7");
  });

  it("the human report shows where and why", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "rsm-bins-"));
    const pidDir = await mkdtemp(path.join(tmpdir(), "rsm-pids-"));
    const r = await runConformance(["--vectors", corpus.vectors, "--out", out, "--exec", fakeExec(corpus, "--mode", "wrong-byte", "--on", VICTIM, "--pid-dir", pidDir)]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n");
    const at = lines.indexOf("FAIL fake b/third  (vectors/scenarios/b/third.json)");
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 5)).toEqual([
      '  first divergence: step 1 {"op":"put","key":"x","value":"01"} on nodes 1, 2',
      "  snapshot of step 4 node 1 differs at byte 41, in value bytes of pair 0 (R-WIRE-6)",
      "  likely rules: R-PUT-1 (put: store[key] := value), R-WIRE-6 (pairs ascending by UTF-8 bytes: key length, key bytes, value length, value bytes)",
      "  actual crc is self-consistent: yes",
    ]);
    expect(r.stdout).toContain(path.join("fake", "b", "third", "step4-node1.actual.bin"));
    expect(r.stdout).not.toMatch(/\x1b\[/); // not a TTY: no colour
    expect(lines.at(-2)).toMatch(/^FAILED 5 passed, 1 failed, 0 errored; 6 scenarios x 1 adapter in /);
  });
});

describe("adapters that cannot run are reported once", () => {
  it("a missing feature skips the scenarios that need it, naming the feature", async () => {
    const r = await runFake(["--features", "append,incr,cas"]);
    expect(r.code).toBe(0);
    expect(result(r.adapter, "c/crash")).toMatchObject({ status: "skipped", reason: "needs feature crash, which the adapter does not list in its hello" });
    expect(r.adapter.counts).toMatchObject({ passed: 5, skipped: 1 });
  });

  it("with skips the verdict is PARTIAL, naming what is lacking; --require-features makes the skip a failure", async () => {
    const human = await runConformance(["--vectors", corpus.vectors, "--exec", fakeExec(corpus, "--features", "append,incr,cas")]);
    expect(human.code).toBe(0);
    expect(human.stdout.trimEnd().split("\n").at(-1)).toMatch(/^PARTIAL 5 passed, 0 failed, 0 errored, 1 skipped; 6 scenarios x 1 adapter in .* \(fake lacks crash; --require-features makes a skip a failure\)$/);
    const r = await runFake(["--features", "append,incr,cas"], ["--require-features", "all"]);
    expect(r.code).toBe(1);
    expect(result(r.adapter, "c/crash")).toMatchObject({ status: "failed", reason: "needs feature crash, which the adapter does not list in its hello; --require-features asks for crash" });
  });

  it("refusing to start: one adapter-level error with its stderr, no per-scenario noise", async () => {
    const r = await runFake(["--mode", "refuse"]);
    expect(r.code).toBe(1);
    expect(r.adapter.fatal).toMatchObject({ kind: "start", message: "exited with code 1 before answering hello" });
    expect(r.adapter.fatal!.output).toMatch(/permission denied/);
    expect(r.adapter.results).toEqual([]);
    expect(r.adapter.counts.not_run).toBe(6);
    const human = await runConformance(["--vectors", corpus.vectors, "--exec", fakeExec(corpus, "--mode", "refuse")]);
    expect(human.stdout.match(/^ADAPTER /gm)).toHaveLength(1);
    expect(human.stdout).not.toMatch(/^ERROR /m);
  });

  it("a command that does not exist", async () => {
    const r = await runConformance(["--vectors", corpus.vectors, "--reporter", "json", "--exec", "./no-such-adapter --flag"]);
    const a = (JSON.parse(r.stdout) as JsonReport).adapters[0]!;
    expect(r.code).toBe(1);
    expect(a.fatal).toMatchObject({ kind: "start", message: 'cannot start "./no-such-adapter": no such command or file' });
  });

  it("a line past the runner's cap (cat /dev/zero): one adapter-level error naming the cap, no crash", async () => {
    const r = await runConformance(["--vectors", corpus.vectors, "--exec", "cat /dev/zero"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ADAPTER exec: adapter wrote a line longer than 268435456 characters, the runner's limit for one line; the adapter was killed$/m);
    expect(r.stderr).not.toMatch(/RangeError|internal error/);
  });

  it("a hello with another protocol version", async () => {
    const r = await runFake(["--protocol", "2"]);
    expect(r.code).toBe(1);
    expect(r.adapter.fatal!.message).toBe("adapter speaks protocol 2, this runner speaks protocol 1 (R-PROTO-5)");
    expect(r.alive).toEqual([]);
  });
});

describe("selection, concurrency and CI options", () => {
  it("two adapters run side by side and keep their own results", async () => {
    const r = await runConformance(["--vectors", corpus.vectors, "--reporter", "json", "--exec", fakeExec(corpus), "--exec", fakeExec(corpus, "--mode", "crash", "--on", VICTIM)]);
    const [a, b] = (JSON.parse(r.stdout) as JsonReport).adapters;
    expect(r.code).toBe(1);
    expect([a!.name, b!.name]).toEqual(["fake", "fake#2"]);
    expect(a!.counts.passed).toBe(6);
    expect(b!.counts).toMatchObject({ passed: 5, errored: 1 });
  });

  it("pipelines requests: an adapter that answers the second only after the third arrives passes (R-PROTO-3)", async () => {
    // A runner that waited for each reply before sending the next would wait out this deadline and fail.
    const r = await runFake(["--mode", "pipelined"], ["--timeout", "30"]);
    expect(r.code).toBe(0);
    expect(r.adapter.counts).toMatchObject({ passed: NAMES.length, errored: 0 });
  });

  it("--jobs runs several processes and still reports in corpus order", async () => {
    const r = await runFake(["--mode", "wrong-byte", "--on", VICTIM], ["--jobs", "3"]);
    expect(r.adapter.results.map((x) => x.name)).toEqual(NAMES);
    expect(r.adapter.counts).toMatchObject({ passed: 5, failed: 1 });
    // Three workers and the victim's second try.
    expect(r.pids.length).toBe(4);
    expect(r.alive).toEqual([]);
  });

  it("--jobs: a worker whose start fails is started again, and the adapter is not given up", async () => {
    const counter = path.join(await mkdtemp(path.join(tmpdir(), "rsm-starts-")), "start");
    const r = await runFake(["--mode", "ok", "--start-counter", counter, "--fail-starts", "2"], ["--jobs", "3"]);
    expect(r.adapter.fatal).toBeNull();
    expect(r.adapter.counts).toMatchObject({ passed: NAMES.length, not_run: 0 });
    expect(r.code).toBe(0);
    // The first session, two workers' sessions, and the one start that failed.
    expect(r.pids.length).toBe(4);
    expect(r.alive).toEqual([]);
  });

  it("--jobs: workers that can never start leave their scenarios to the session that works", async () => {
    const counter = path.join(await mkdtemp(path.join(tmpdir(), "rsm-starts-")), "start");
    const r = await runFake(["--mode", "wrong-byte", "--on", VICTIM, "--start-counter", counter, "--fail-starts", "2-"], ["--jobs", "4"]);
    expect(r.adapter.fatal).toBeNull();
    expect(r.adapter.results.map((x) => x.name)).toEqual(NAMES);
    expect(r.adapter.counts).toMatchObject({ passed: NAMES.length - 1, failed: 1, not_run: 0 });
    // Three extra workers and the victim's second try, each tried START_ATTEMPTS (3) times; the victim is
    // then judged on its first answer.
    expect(r.pids.length).toBe(1 + 3 * 3 + 3);
    expect(r.alive).toEqual([]);
  });

  it("an adapter that cannot be started again after it crashed is given up after the retries, naming them", async () => {
    const counter = path.join(await mkdtemp(path.join(tmpdir(), "rsm-starts-")), "start");
    const r = await runFake(["--mode", "crash", "--on", VICTIM, "--start-counter", counter, "--fail-starts", "2-"]);
    expect(r.code).toBe(1);
    expect(r.adapter.fatal).toMatchObject({ kind: "restart" });
    expect(r.adapter.fatal!.message).toMatch(/^could not start the adapter again, before .* \(3 attempts\): .*exited with code 1/);
    // The victim's second try tries three starts (2-4) and does without; the restart tries three more (5-7).
    expect(r.adapter.fatal!.output).toMatch(/fake adapter: start 7 fails/);
    expect(r.pids.length).toBe(7);
    expect(r.alive).toEqual([]);
  });

  it("--bail stops at the first unexpected problem", async () => {
    const r = await runFake(["--mode", "crash", "--on", VICTIM], ["--bail"]);
    expect(r.code).toBe(1);
    expect(r.adapter.results.map((x) => x.name)).toEqual(NAMES.slice(0, 3));
    expect(r.adapter.counts.not_run).toBe(3);
  });

  it("--name, --skip and --list choose and show scenarios; an unknown name or a selection of nothing says what exists", async () => {
    const list = await runConformance(["--vectors", corpus.vectors, "--skip", "a/", "--list", "--reporter", "json"]);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { name: string; tags: string[]; features: string[]; steps: number }[];
    expect(rows.map((x) => x.name)).toEqual(NAMES.filter((n) => !n.startsWith("a/")));
    expect(rows.find((x) => x.name === "c/crash")).toMatchObject({ tags: ["crash"], features: ["crash"], steps: 4 });
    const one = await runFake(["--mode", "ok"], ["--name", "b/third"]);
    expect(one.adapter.results.map((x) => x.name)).toEqual(["b/third"]);
    await expect(runConformance(["--vectors", corpus.vectors, "--name", "b/thrid", "--exec", fakeExec(corpus)])).rejects.toThrow(/^--name: no golden vector is named "b\/thrid"; nearest: b\/third/);
    await expect(runConformance(["--vectors", corpus.vectors, "--tag", "utf16", "--exec", fakeExec(corpus)])).rejects.toThrow(/no scenario matches --tag utf16 among 6 golden vectors; the tags that exist: .*basic/);
  });

  it("--filter, --tag and --shard choose scenarios", async () => {
    const names = async (...flags: string[]) => (await runFake([], flags)).adapter.results.map((x) => x.name);
    expect(await names("--filter", "a/")).toEqual(["a/first", "a/second"]);
    expect(await names("--filter", "*i*d")).toEqual(["b/third"]);
    expect(await names("--tag", "keys", "--tag", "incr")).toEqual(["d/keys-utf16", "e/last"]);
    const one = await names("--shard", "1/2");
    const two = await names("--shard", "2/2");
    expect([...one, ...two].sort()).toEqual(NAMES);
    expect(one.filter((n) => two.includes(n))).toEqual([]);
  });

  it("--expected-failures: a listed failure passes the run; a listed pass fails it unless --no-strict", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rsm-xfail-"));
    const list = path.join(dir, "fake.txt");
    await writeFile(list, "# known divergences of the fake port\nb/third   # flips a byte of x\n\n");
    const listed = await runFake(["--mode", "wrong-byte", "--on", VICTIM], ["--expected-failures", list]);
    expect(listed.code).toBe(0);
    expect(listed.adapter.counts).toMatchObject({ failed: 0, expected: 1 });
    expect(result(listed.adapter, VICTIM).expected_failure).toBe(true);

    await writeFile(list, "a/first\n");
    const stale = await runFake(["--mode", "ok"], ["--expected-failures", list]);
    expect(stale.code).toBe(1);
    expect(stale.adapter.counts.unexpected_passes).toBe(1);
    expect((await runFake(["--mode", "ok"], ["--expected-failures", list, "--no-strict"])).code).toBe(0);

    // A rule after the name is the reason the entry expects: failing for another is a new failure.
    await writeFile(list, "b/third  # R-WIRE-6\n");
    expect((await runFake(["--mode", "wrong-byte", "--on", VICTIM], ["--expected-failures", list])).code).toBe(0);
    await writeFile(list, "b/third  # R-CAS-2\n");
    const other = await runFake(["--mode", "wrong-byte", "--on", VICTIM], ["--expected-failures", list]);
    expect(other.code).toBe(1);
    expect(result(other.adapter, VICTIM).reason).toMatch(/listed in --expected-failures as failing for R-CAS-2, but this is another failure\)$/);

    // --update-expected-failures writes the run's failures, each with its likely rule, and drops what passes.
    await writeFile(list, "a/first  # fixed meanwhile\n");
    await runFake(["--mode", "wrong-byte", "--on", VICTIM], ["--update-expected-failures", list]);
    const updated = await readFile(list, "utf8");
    expect(updated).toMatch(/^b\/third {2}# R-[A-Z]+-\d+$/m);
    expect(updated).not.toMatch(/^a\/first/m);
    expect((await runFake(["--mode", "wrong-byte", "--on", VICTIM], ["--expected-failures", list])).code).toBe(0);

    await writeFile(list, "other-port b/third\n");
    expect((await runFake(["--mode", "wrong-byte", "--on", VICTIM], ["--expected-failures", list])).code).toBe(1);

    await writeFile(list, "no/such-scenario\n");
    await expect(runFake([], ["--expected-failures", list])).rejects.toThrow(/line 1: no scenario named "no\/such-scenario" in the corpus/);
    await expect(runFake([], ["--expected-failures", path.join(dir, "missing.txt")])).rejects.toThrow(/^--expected-failures .*missing\.txt: cannot read: no such file or directory \(ENOENT\)$/);
  });

  it("--reporter junit --out writes JUnit XML and still prints the human report", async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), "rsm-junit-")), "junit.xml");
    const r = await runConformance(["--vectors", corpus.vectors, "--reporter", "junit", "--out", file, "--exec", fakeExec(corpus, "--mode", "wrong-byte", "--on", VICTIM)]);
    expect(r.code).toBe(1);
    const xml = await readFile(file, "utf8");
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="rsm-conformance" tests="6" failures="1" errors="0" skipped="0"/);
    expect(xml).toContain('<testcase classname="fake" name="b/third"');
    expect(xml).toContain('<failure message="snapshot of step 4 node 1 differs at byte 41, in value bytes of pair 0" type="SnapshotMismatch">');
    expect(xml).toContain("- [0] &quot;x&quot; = 01");
    expect(r.stdout).toMatch(/^FAIL fake b\/third/m);
  });

  it("leaves no tracked child process behind", () => {
    expect(liveCount()).toBe(0);
  });
});
