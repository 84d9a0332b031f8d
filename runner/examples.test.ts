// The example ports in docs/porting.md ("Example ports") are code, so they are run: each is cut
// out of that page, given a stub state machine that answers one known scenario with the reference's
// snapshots, and driven over the protocol (hello, runs, every malformed line of R-PROTO-10, shutdown) with
// the locale set to C, so that an example that leaves its encoding to the locale fails here, not in a port.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runScenario, type NormalizedScenario } from "../reference/index.js";
import { PROBES } from "./checks/malformed.js";
import { SPEC_PATH } from "../common/spec_rules.js";
import { validateAdapterMessage } from "./adapter/validators.js";

const PAGE = path.join(path.dirname(SPEC_PATH), "docs", "porting.md");
const SECTION = "\n## Example ports\n";

/** The code of the one ```LANG fence in docs/porting.md's example-port section (up to the next ## heading). */
function example(lang: string): string {
  const text = readFileSync(PAGE, "utf8");
  const start = text.indexOf(SECTION);
  if (start < 0) throw new Error(`docs/porting.md has no section '${SECTION.trim()}'`);
  const end = text.indexOf("\n## ", start + SECTION.length);
  const section = text.slice(start, end < 0 ? undefined : end);
  const fences = [...section.matchAll(new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```$", "gm"))];
  if (fences.length !== 1) throw new Error(`docs/porting.md's section '${SECTION.trim()}' has ${fences.length} \`\`\`${lang} blocks, expected 1`);
  return fences[0]![1]!;
}

/** Keys whose UTF-16 and UTF-8 orders differ, a delta above 2^63: the stubs check the example hands them over intact. */
const SCENARIO: NormalizedScenario = {
  cluster: { nodes: 2, leader: 1 },
  steps: [
    { op: "put", key: "\u{1F600}", value: "31" },
    { op: "put", key: "\uFFFD", value: "" },
    { op: "incr", key: "n", delta: "18446744073709551615" },
    { op: "snapshot", nodes: [1, 2] },
  ],
};
const PLAIN = runScenario(SCENARIO);
const TRACED = runScenario(SCENARIO, { trace: true });
/** A scenario the stubs do not know: they throw, and the example must answer with an error carrying the id. */
const UNKNOWN: NormalizedScenario = { cluster: { nodes: 1, leader: 1 }, steps: [{ op: "put", key: "other", value: "" }, { op: "snapshot", nodes: [1] }] };

type Expected = { type: "hello" } | { type: "result"; id: string; traced: boolean } | { type: "error"; id: string | null };

/** The whole conversation, pipelined in one write, and the replies it must get, in order. */
function conversation(): { input: Buffer; expected: Expected[] } {
  const lines: (string | Buffer)[] = [];
  const expected: Expected[] = [];
  const run = (id: string, scenario: NormalizedScenario, trace: boolean) => lines.push(JSON.stringify({ type: "run", id, name: "examples/stub", trace, scenario }));
  lines.push(JSON.stringify({ type: "hello", protocol: 1 }));
  expected.push({ type: "hello" });
  run("r1", SCENARIO, false);
  expected.push({ type: "result", id: "r1", traced: false });
  run("r2", SCENARIO, true);
  expected.push({ type: "result", id: "r2", traced: true });
  PROBES.forEach((p, i) => {
    lines.push(p.line);
    expected.push({ type: "error", id: p.id });
    run(`after-${p.name}`, SCENARIO, i % 2 === 1);
    expected.push({ type: "result", id: `after-${p.name}`, traced: i % 2 === 1 });
  });
  run("u1", UNKNOWN, false);
  expected.push({ type: "error", id: "u1" });
  lines.push(JSON.stringify({ type: "shutdown" }));
  lines.push(JSON.stringify({ type: "hello", protocol: 1 })); // after shutdown: must not be answered
  return { input: Buffer.concat(lines.map((l) => Buffer.concat([Buffer.from(l), Buffer.from("\n")]))), expected };
}

/** The locale an unwary port reads its stdin in: plain C, with Python's own UTF-8 rescues turned off. */
function cLocaleEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: "C", LANG: "C", PYTHONCOERCECLOCALE: "0", PYTHONUTF8: "0" };
  delete env.PYTHONIOENCODING;
  delete env.JAVA_TOOL_OPTIONS;
  delete env.JDK_JAVA_OPTIONS;
  return env;
}

async function drive(argv: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { input } = conversation();
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env: cLocaleEnv(), stdio: ["pipe", "pipe", "pipe"] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (b: Buffer) => out.push(b));
  child.stderr.on("data", (b: Buffer) => err.push(b));
  child.stdin.on("error", () => {}); // an adapter that exits at shutdown may close its stdin before the last line
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${argv.join(" ")} did not exit within 300 s; stderr: ${Buffer.concat(err).toString()}`));
    }, 300_000); // about a hang, not speed: a short conversation, but on a machine however busy
    child.on("close", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

function checkReplies(run: { code: number | null; stdout: string; stderr: string }): void {
  const { expected } = conversation();
  expect(run.code, `exit status (R-PROTO-9); stderr:\n${run.stderr}`).toBe(0);
  expect(run.stdout.endsWith("\n"), "every reply is a whole line").toBe(true);
  const lines = run.stdout.slice(0, -1).split("\n");
  expect(lines.length, `one reply per hello, run and malformed line, none after shutdown; stderr:\n${run.stderr}`).toBe(expected.length);
  lines.forEach((line, i) => {
    const want = expected[i]!;
    const what = `reply ${i + 1} (${JSON.stringify(want)}): ${line.slice(0, 300)}`;
    const reply = JSON.parse(line) as Record<string, unknown>;
    expect(validateAdapterMessage(reply), `${what}: ${JSON.stringify(validateAdapterMessage.errors)}`).toBe(true);
    expect(reply.type, what).toBe(want.type);
    if (want.type === "hello") expect(reply.protocol, what).toBe(1);
    if (want.type === "error") expect(reply.id, what).toBe(want.id);
    if (want.type === "result") {
      expect(reply.id, what).toBe(want.id);
      expect(reply.snapshots, what).toEqual(PLAIN.snapshots);
      if (want.traced) expect(reply.trace, what).toEqual(TRACED.trace);
      else expect("trace" in reply, `${what}: no trace key without trace (R-PROTO-7)`).toBe(false);
    }
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), "rsm-example-"));
  dirs.push(d);
  return d;
}

/** Why a tool cannot be used, or null when it runs. */
function missing(command: string, args: string[]): string | null {
  const r = spawnSync(command, args, { encoding: "utf8" });
  if (r.error) return `${command} is not on PATH (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  return r.status === 0 ? null : `${command} ${args.join(" ")} exited ${r.status}: ${r.stderr.trim()}`;
}

describe("docs/porting.md example ports", () => {
  it("the section has exactly one Python and one Java example", () => {
    expect(example("python")).toContain("run_scenario");
    expect(example("java")).toContain("MyPort.runScenario");
  });

  const noPython = missing("python3", ["--version"]);
  it.skipIf(noPython !== null)(`Python example speaks protocol v1 under LC_ALL=C${noPython ? ` (skipped: ${noPython})` : ""}`, async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "adapter.py"), example("python"));
    const literal = (v: unknown) => JSON.stringify(JSON.stringify(v)); // a JSON string is a Python string literal
    writeFileSync(
      path.join(dir, "my_port.py"),
      [
        "# Stub state machine for runner/examples.test.ts: one known scenario, answered with the reference's bytes.",
        "import json",
        `EXPECTED = json.loads(${literal(SCENARIO)})`,
        `SNAPSHOTS = json.loads(${literal(PLAIN.snapshots)})`,
        `TRACE = json.loads(${literal(TRACED.trace)})`,
        "def run_scenario(scenario, trace):",
        "    if scenario != EXPECTED:",
        '        raise ValueError("the stub knows one scenario only")',
        "    return SNAPSHOTS, TRACE if trace else None",
        "",
      ].join("\n"),
    );
    checkReplies(await drive(["python3", "adapter.py"], dir));
  });

  const noJava = missing("javac", ["-version"]) ?? missing("java", ["-version"]);
  it.skipIf(noJava !== null)(`Java example compiles and speaks protocol v1 under LC_ALL=C${noJava ? ` (skipped: ${noJava})` : ""}`, async () => {
    const dir = tempDir();
    const code = example("java");
    const cls = /public class (\w+)/.exec(code)?.[1];
    expect(cls, "the Java example declares a public class").toBeDefined();
    writeFileSync(path.join(dir, `${cls}.java`), code);
    // JSON.stringify of ASCII JSON is a valid Java string literal (no \u escapes, which javac would expand).
    const literal = (v: unknown) => {
      const s = JSON.stringify(JSON.stringify(v));
      expect(s).toMatch(/^[\x20-\x7e]*$/);
      expect(s).not.toContain("\\u");
      return s;
    };
    writeFileSync(
      path.join(dir, "MyPort.java"),
      `// Stub state machine for runner/examples.test.ts: one known scenario, answered with the reference's bytes.
import java.util.*;

final class MyPort {
    static String[] runScenario(Object scenario, boolean trace) {
        List<?> steps = (List<?>) ((Map<?, ?>) scenario).get("steps");
        if (steps.size() != ${SCENARIO.steps.length} || !"\\uD83D\\uDE00".equals(((Map<?, ?>) steps.get(0)).get("key")))
            throw new IllegalArgumentException("the stub knows one scenario only");
        if (!"\\uFFFD".equals(((Map<?, ?>) steps.get(1)).get("key"))) throw new IllegalStateException("key 2 garbled");
        if (!"18446744073709551615".equals(((Map<?, ?>) steps.get(2)).get("delta"))) throw new IllegalStateException("delta garbled");
        // The example's helpers for the state machine: UTF-8 byte order, and u64 deltas.
        List<String> keys = new ArrayList<>(List.of("\\uD83D\\uDE00", "\\uFFFD", "a"));
        keys.sort(${cls}.UTF8_ORDER);
        if (!keys.equals(List.of("a", "\\uFFFD", "\\uD83D\\uDE00"))) throw new IllegalStateException("UTF8_ORDER is not UTF-8 byte order: " + keys);
        if (${cls}.delta("18446744073709551615") != -1L || ${cls}.delta("9223372036854775808") != Long.MIN_VALUE) throw new IllegalStateException("delta is not u64");
        return new String[] { ${literal(PLAIN.snapshots)}, ${literal(TRACED.trace)} };
    }
}
`,
    );
    const javac = spawnSync("javac", ["-Xlint:all", "-Werror", "-encoding", "UTF-8", "-d", ".", `${cls}.java`, "MyPort.java"], { cwd: dir, encoding: "utf8", env: cLocaleEnv() });
    expect(javac.status, `javac failed:\n${javac.stdout}${javac.stderr}`).toBe(0);
    checkReplies(await drive(["java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", ".", cls!], dir));
  });
});
