// Asked twice before a verdict (R-PROTO-11): a port whose answers change from one try to the next is
// reported `nondeterministic` with both answers, in the corpus, the environment check and the
// malformed-input check, and never as environment-dependent, as not going on serving (R-PROTO-10) or as a
// snapshot step at odds with its own state (R-SNAP-3); a deterministic wrong port keeps its diagnosis; a
// reply that only missed its deadline once is a pass with a note. Driven with runner/fixtures/fake_adapter.mjs.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runScenario } from "../reference/index.js";
import { FOLLOW_UP } from "./checks/malformed.js";
import { FAKE_ADAPTER, NAMES, makeCorpus, type TestCorpus } from "./fixtures/corpus.js";
import { fakeExec, runConformance } from "./fixtures/harness.js";
import { reportProblems } from "./report/read.js";

interface Result {
  name: string;
  status: string;
  reason: string | null;
  kind?: string;
  answers?: string[];
  note?: string;
  diagnosis: null | { divergence: unknown; trace_note: string | null };
}

let corpus: TestCorpus;
beforeAll(async () => {
  corpus = await makeCorpus();
});

/** A fresh --start-counter prefix, so that the fake adapter can tell its processes apart. */
async function counter(): Promise<string> {
  return path.join(await mkdtemp(path.join(tmpdir(), "rsm-turns-")), "turn");
}

async function run(flags: string[], extra: string[] = [], replay = corpus.replay) {
  const exec = ["node", FAKE_ADAPTER, "--replay", replay, ...flags].join(" ");
  const timeout = extra.includes("--timeout") ? [] : ["--timeout", "3"];
  const r = await runConformance(["--vectors", corpus.vectors, "--reporter", "json", ...timeout, "--jobs", "1", ...extra, "--exec", exec]);
  const json = JSON.parse(r.stdout) as { exit_code: number; adapters: { results: Result[]; fatal: unknown }[] };
  // kind, answers and note are in schema/report.schema.json.
  expect(reportProblems(json, "report")).toEqual([]);
  return { code: r.code, results: json.adapters[0]!.results, fatal: json.adapters[0]!.fatal };
}

/** No verdict that blames the environment, the probe or the snapshot step. */
const MISNAMED = /environment-dependent|R-PROTO-10: the adapter must go on serving|R-SNAP-3/;

describe("a nondeterministic port", () => {
  it("is nondeterministic in the corpus, with both answers and no diagnosis, when its first process gets every answer wrong", async () => {
    const r = await run(["--mode", "flaky", "--flaky-rate", "1", "--flaky-turns", "1", "--start-counter", await counter()]);
    expect(r.code).toBe(1);
    expect(r.results.map((x) => x.name)).toEqual(NAMES);
    for (const x of r.results) {
      expect(x).toMatchObject({ status: "failed", kind: "nondeterministic", diagnosis: null });
      expect(x.reason).toMatch(new RegExp(`^nondeterministic: ${x.name} was answered differently when asked again \\(R-PROTO-11: the same request gives the same bytes\\); in the second answer, the snapshot of step \\d+ node \\d+ differs from the first answer at byte \\d+`));
      expect(x.answers).toHaveLength(2);
      expect(x.answers![0]).toMatch(/^first try: the snapshot of step \d+ node \d+ differs from the golden at byte \d+.*: bytes \d+\.\. are [0-9a-f]+, the golden's [0-9a-f]+$/);
      expect(x.answers![1]).toBe("second try, in a fresh process: the golden's bytes");
    }
  });

  it("shows both answers in the human report", async () => {
    const exec = fakeExec(corpus, "--mode", "flaky", "--flaky-rate", "1", "--flaky-turns", "1", "--start-counter", await counter(), "--on", "b/third");
    const r = await runConformance(["--vectors", corpus.vectors, "--timeout", "3", "--jobs", "1", "--exec", exec]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL fake b\/third .*\n {2}nondeterministic: b\/third was answered differently.*\n {2}asked twice, it answered:\n {4}first try: the snapshot of step \d+ node \d+ differs from the golden.*\n {4}second try, in a fresh process: the golden's bytes\n/);
  });

  it("is nondeterministic in the environment check, not environment-dependent, when the hostile process answers wrong once", async () => {
    // Turn 1 is the main pass (all right), turn 2 the environment check's hostile process (all wrong).
    const r = await run(["--mode", "flaky", "--flaky-rate", "1", "--flaky-turns", "2", "--start-counter", await counter()], ["--env", "all"]);
    expect(r.code).toBe(1);
    const env = r.results.filter((x) => x.name.startsWith("env/"));
    expect(env.length).toBeGreaterThan(0);
    for (const x of env) {
      expect(x.reason).not.toMatch(MISNAMED);
      expect(x).toMatchObject({ status: "failed", kind: "nondeterministic" });
      expect(x.answers![0]).toMatch(/^under the hostile environment: the snapshot of step \d+ node \d+ differs from the golden/);
      expect(x.answers![1]).toBe("again, in a fresh process under it: the golden's bytes");
    }
    expect(r.results.filter((x) => !x.name.startsWith("env/")).every((x) => x.status === "passed")).toBe(true);
  });

  it("is nondeterministic in the malformed-input check, not blamed on the line (R-PROTO-10)", async () => {
    // The fake adapter answers from a replay file: it needs the check's follow-up request too.
    const replay = path.join(await mkdtemp(path.join(tmpdir(), "rsm-replay-")), "replay.json");
    const answers = JSON.parse(await readFile(corpus.replay, "utf8")) as Record<string, unknown>;
    await writeFile(replay, JSON.stringify({ ...answers, "protocol/follow-up": runScenario(FOLLOW_UP, { trace: true }) }));
    // Turn 1 is the session the check starts with: every follow-up it answers is wrong.
    const r = await run(["--mode", "flaky", "--flaky-rate", "1", "--flaky-turns", "1", "--start-counter", await counter(), "--tolerant"], ["--malformed", "on"], replay);
    const probes = r.results.filter((x) => x.name.startsWith("protocol/"));
    expect(probes.length).toBeGreaterThan(0);
    for (const x of probes) expect(x.reason ?? "").not.toMatch(MISNAMED);
    const nondeterministic = probes.filter((x) => x.kind === "nondeterministic");
    // Every probe whose first try was in turn 1 (up to the first that broke the session) is asked again.
    expect(nondeterministic.length).toBeGreaterThan(0);
    for (const x of nondeterministic) {
      expect(x.answers![0]).toMatch(/^after the line [\w-]+: the snapshot of step \d+ node \d+ differs from the golden/);
      expect(x.answers![1]).toMatch(/^(without it, in a fresh process|after it again, in a fresh process): the golden's bytes$/);
    }
  });

  it("is never misnamed when it gets about one answer in three wrong at random", async () => {
    // Random: the assertions hold whatever the draws; three runs make a run without any wrong answer (each
    // has some 18 chances) all but impossible, so the verdict is seen.
    let seen = 0;
    for (let k = 0; k < 3; k++) {
      const r = await run(["--mode", "flaky", "--flaky-rate", "0.33"], ["--env", "all"]);
      for (const x of r.results) {
        if (x.status === "passed") continue;
        expect(x.reason).not.toMatch(MISNAMED);
        expect(x.kind).toBe("nondeterministic");
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});

describe("a deterministic port", () => {
  it("that is wrong keeps its normal diagnosis", async () => {
    const r = await run(["--mode", "wrong-byte", "--on", "b/third"], ["--env", "all"]);
    expect(r.code).toBe(1);
    const x = r.results.find((y) => y.name === "b/third")!;
    expect(x.kind).toBeUndefined();
    expect(x.answers).toBeUndefined();
    expect(x.status).toBe("failed");
    expect(x.diagnosis!.divergence).not.toBeNull();
    expect(r.results.filter((y) => y.name !== "b/third").every((y) => y.status === "passed")).toBe(true);
  });
});

describe("a reply that misses its deadline once", () => {
  it("in the corpus is a pass with a note, which the human report shows", async () => {
    const flags = ["--mode", "hang-first", "--on", "b/third", "--start-counter", await counter()];
    const r = await run(flags, ["--timeout", "1"]);
    expect(r.code).toBe(0);
    expect(r.fatal).toBeNull();
    const x = r.results.find((y) => y.name === "b/third")!;
    expect(x.status).toBe("passed");
    expect(x.note).toMatch(/^answered only on a second try, in a fresh process with 3 s: no answer within 1 s \(--timeout\)/);
    const human = await runConformance(["--vectors", corpus.vectors, "--timeout", "1", "--jobs", "1", "--exec", fakeExec(corpus, "--mode", "hang-first", "--on", "b/third", "--start-counter", await counter())]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/\nNOTE fake b\/third: answered only on a second try, in a fresh process with 3 s: no answer within 1 s/);
  });

  it("in the environment check is a pass with a note, not environment-dependent", async () => {
    // Turn 2 is the environment check's process.
    const r = await run(["--mode", "hang-first", "--on", "b/third", "--hang-turns", "2", "--start-counter", await counter()], ["--env", "all", "--timeout", "1"]);
    expect(r.code).toBe(0);
    const sample = r.results.find((y) => y.name === "env/sample")!;
    expect(sample.status).toBe("passed");
    expect(sample.note).toMatch(/^b\/third answered only on a second try, in a fresh process with 3 s: no answer within 1 s/);
  });

  it("that hangs again on the second try is still the hang it was", async () => {
    const r = await run(["--mode", "hang", "--on", "b/third"], ["--timeout", "0.5"]);
    expect(r.code).toBe(1);
    const x = r.results.find((y) => y.name === "b/third")!;
    expect(x.status).toBe("error");
    // Between the two, the runner's account of the silence (one more line, then the end of stdin).
    expect(x.reason).toMatch(/^no answer within 0\.5 s \(--timeout\); (.*; )?the adapter was killed; a second try in a fresh process got no answer within 1\.5 s either$/);
  });
});
