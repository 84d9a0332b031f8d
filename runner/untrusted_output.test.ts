// The output boundary end to end (issue 21): every payload of common/fixtures/console.ts, from every source of
// text the kit does not own, through every sink, on the real paths. The sources: a port's error message, its
// stderr, its hello name and its decode rejections (runner/fixtures/fake_adapter.mjs --say), a scenario's key
// and file name, a report's every field (runner/fixtures/reports.ts payloadRun, and a real run's report), each
// read by `rsm report merge`, `diff` and `html`, and `rsm trace`. The sinks: stdout and stderr (a terminal and
// the GitHub Actions runner: nothing a terminal obeys, no workflow command but the kit's own annotations and
// its ::stop-commands:: fences, the verdict the last line of the report), the step summary and every Markdown
// (rendered as GitHub renders it: no heading, link or HTML from outside, every <details> closed where the kit
// closes it), the HTML report and its badges, JSON and JUnit. Each source carries a marker after the payload,
// so the test also sees that the text did reach the sink it checks.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario, type NormalizedScenario } from "../reference/index.js";
import { PAYLOADS, commandLikeLines, terminalProblem, workflowCommands } from "../common/fixtures/console.js";
import { writeCorpus, SCENARIOS, FAKE_ADAPTER } from "./fixtures/corpus.js";
import { REPO_ROOT, runConformance } from "./fixtures/harness.js";
import { adapter, json, payloadRun, result, run } from "./fixtures/reports.js";
import { readReport, runOf } from "./report/read.js";
import { reportCommand } from "./report/report_cmd.js";
import { renderJunit } from "./report/reporters/junit.js";
import { renderMarkdown } from "./report/reporters/markdown.js";

const ACTIONS = { GITHUB_ACTIONS: "true" };

// ---- what every sink must hold ----

/** Our own workflow commands: the fences of untrusted blocks and the annotations (`::error ...,title=rsm: ...`). */
const OWN_COMMAND = /^(::stop-commands::[0-9a-f]{32}|::[0-9a-f]{32}::|::error (file=[^:,]*(,line=\d+)?,)?title=rsm%3A [^:]*::.*|::notice title=rsm%3A [^:]*::.*)$/;

/** Text printed to a terminal and read by the Actions runner: nothing either obeys but the kit's own commands. */
function expectConsoleSafe(where: string, text: string): void {
  expect(terminalProblem(text), `${where}: a character a terminal obeys`).toBeNull();
  expect(commandLikeLines(text).filter((l) => !OWN_COMMAND.test(l)), `${where}: a line the runner reads as a command`).toEqual([]);
  const { commands, stoppedAtEnd } = workflowCommands(text);
  for (const c of commands) {
    expect(["stop-commands", "resume", "error", "notice"], `${where}: ${c.line}`).toContain(c.command);
    if (c.command === "error" || c.command === "notice") expect(c.properties.title, `${where}: ${c.line}`).toMatch(/^rsm: /);
  }
  expect(stoppedAtEnd, `${where}: workflow commands left stopped`).toBe(false);
}

/** A human report on stdout: console-safe, and its verdict the one line that looks like one, last of the report. */
function expectHumanReport(where: string, stdout: string, verdictWord: RegExp = /^(OK|FAILED|PARTIAL) /): void {
  expectConsoleSafe(where, stdout);
  const lines = stdout.split("\n").filter((l) => !OWN_COMMAND.test(l) && l !== "");
  const verdicts = lines.filter((l) => /^(OK|FAILED|PARTIAL|REGRESSED|NO REGRESSION) /.test(l));
  expect(verdicts, `${where}: verdict lines`).toHaveLength(1);
  expect(lines.at(-1), `${where}: the last line`).toMatch(verdictWord);
  // Under GITHUB_ACTIONS the report is fenced: commands stopped before it, resumed right after the verdict.
  const all = stdout.split("\n");
  const resume = all.findIndex((l) => /^::[0-9a-f]{32}::$/.test(l));
  if (resume >= 0) expect(all[resume - 1], `${where}: the line before the fence's end`).toMatch(verdictWord);
}

const render = (md: string) => micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });

/** Markdown as GitHub renders it: no heading but the kit's (### and ####), no link or image, each <details> closed by the kit. */
function expectMarkdownSafe(where: string, md: string): void {
  expectConsoleSafe(where, md);
  const html = render(md);
  expect(html, `${where}: a heading, link or image from outside`).not.toMatch(/<(h1|h2|h5|h6|a|img|script|iframe)\b/);
  const count = (re: RegExp) => (html.match(re) ?? []).length;
  expect(count(/<h[34]>/g), `${where}: headings`).toBe(md.split("\n").filter((l) => /^#{3,4} /.test(l)).length);
  expect(count(/<details>/g), `${where}: <details> opened`).toBe(count(/<\/details>/g));
  expect(count(/<details>/g), `${where}: <details> each with the kit's <summary>`).toBe(count(/<summary><b>[A-Z ]+<\/b> /g));
}

/** JUnit XML: only the tags the reporter writes, every & an entity or a reference. */
function expectJunitSafe(where: string, xml: string): void {
  expectConsoleSafe(where, xml);
  const tags = new Set([...xml.matchAll(/<\/?([^\s/>]+)/g)].map((m) => m[1]));
  expect([...tags].filter((t) => !["?xml", "testsuites", "testsuite", "testcase", "failure", "error", "skipped"].includes(t!)), where).toEqual([]);
  expect(xml.replace(/&(amp|lt|gt|quot|#x[0-9a-f]+);/g, ""), where).not.toContain("&");
}

/** The HTML report's page: console-safe, its data one JSON script element that parses, no other markup from the run. */
function expectHtmlPageSafe(where: string, page: string): void {
  expectConsoleSafe(where, page);
  expect(page.match(/<script\b/g), where).toHaveLength(2);
  expect(page.match(/<\/script>/g), where).toHaveLength(2);
  expect(page).not.toMatch(/<details|<summary/);
  const data = /<script type="application\/json" id="data">(.*?)<\/script>/s.exec(page)?.[1];
  expect(() => JSON.parse(data!), where).not.toThrow();
}

function expectJsonSafe(where: string, text: string): unknown {
  expectConsoleSafe(where, text);
  return JSON.parse(text);
}

/** Every file below dir, relative to it. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

// ---- the sources ----

/** The CLI as a user runs it, with stdout and stderr captured. */
function rsm(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["cli/launch.mjs", ...args], { cwd: REPO_ROOT, env: { ...process.env, GITHUB_STEP_SUMMARY: "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** `rsm report ...` in this process, with stdout and stderr captured. */
async function report(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await reportCommand(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env });
  return { code, stdout, stderr };
}

/** A scenario that puts `key` beside "x", the key fake_adapter.mjs --mode wrong-byte corrupts. */
const keyScenario = (key: string) => ({
  description: "a key from outside the kit",
  tags: ["keys"],
  steps: [{ op: "put", key, value: { hex: "01" } }, { op: "put", key: "x", value: { hex: "02" } }, { op: "snapshot", nodes: "all" }],
});

function normalized(authored: object): NormalizedScenario {
  const loaded = loadScenario(JSON.stringify(authored));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.scenario;
}

/** The --say file of fake_adapter.mjs: JSON, so it carries any character to the port. */
function say(dir: string, name: string, value: object): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

/**
 * A file path that holds the payload, as far as a path can: "/" makes folders, NUL cannot be in a path at all,
 * and a lone surrogate is written (and passed in argv) as U+FFFD.
 */
function payloadPath(dir: string, text: string): string {
  const file = `${dir}/names/${text.replace(/\0/g, "").toWellFormed()}`;
  mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

describe.each(Object.entries(PAYLOADS))("output boundary, payload %s", (_label, p) => {
  const marked = (source: string) => `${p}ZZ${source}`;

  it("from a port (error message, stderr, hello name, decode rejection) and a scenario key, through a conformance run: stdout with its annotations, stderr, the step summary, the HTML report with its badges and report.json, JUnit, Markdown", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rsm-untrusted-"));
    const key = marked("key");
    // A key that is not well-formed Unicode is refused by the kit (R-KEY-1): the CLI test below prints that refusal.
    const scenarios = { "a/first": SCENARIOS["a/first"]!, "b/third": SCENARIOS["b/third"]!, ...(key.isWellFormed() && { "k/key": keyScenario(key) }) };
    const corpus = await writeCorpus(dir, scenarios);
    // One decode vector the reference accepts: the port that rejects every snapshot fails it with its message.
    mkdirSync(path.join(corpus.vectors, "decode"));
    copyFileSync(path.join(REPO_ROOT, "vectors", "golden", "decode", "current-term-seven.json"), path.join(corpus.vectors, "decode", "current-term-seven.json"));
    const fake = (...flags: string[]) => ["node", FAKE_ADAPTER, "--replay", corpus.replay, ...flags].join(" ");
    const out = path.join(dir, "html");
    const summary = path.join(dir, "summary.md");
    const r = await runConformance(
      [
        "--vectors",
        corpus.vectors,
        "--no-build",
        "--exec",
        fake("--name", "msgport", "--mode", "error-reply", "--on", "b/third", "--say", say(dir, "message", { message: marked("msg") })),
        "--exec",
        fake("--name", "errport", "--mode", "crash", "--on", "b/third", "--say", say(dir, "stderr", { stderr: `${marked("err")}\n${p}` })),
        "--exec",
        fake("--mode", "wrong-byte", "--say", say(dir, "name", { name: marked("name") })),
        "--exec",
        fake("--name", "decport", "--features", "append,incr,cas,crash,decode", "--say", say(dir, "rejection", { rejection: marked("rej") })),
        "--reporter",
        "html",
        "--out",
        out,
      ],
      REPO_ROOT,
      { ...ACTIONS, GITHUB_STEP_SUMMARY: summary },
    );
    expect(r.code, r.stderr).toBe(1);
    expectHumanReport("conformance stdout", r.stdout, /^FAILED /);
    expectConsoleSafe("conformance stderr", r.stderr);
    for (const source of ["msg", "err", "name", "rej", ...(key.isWellFormed() ? ["key"] : [])]) expect(r.stdout, `ZZ${source} on stdout`).toContain(`ZZ${source}`);
    // The kit's own annotations are still run: the fence before them was closed.
    expect(workflowCommands(r.stdout).commands.filter((c) => c.command === "error").length).toBeGreaterThan(0);

    const md = readFileSync(summary, "utf8");
    expectMarkdownSafe("step summary", md);
    for (const source of ["msg", "err", "name", "rej"]) expect(md, `ZZ${source} in the summary`).toContain(`ZZ${source}`);

    // Every file of the HTML report: its page, its badges, its JSON, the .bin files; named by the kit alone.
    const files = filesBelow(out);
    for (const f of files) expect(f, "a file name of the report").toMatch(/^[\w.+#~/-]+$/);
    expect(files.filter((f) => f.startsWith("badges/"))).toHaveLength(4);
    expectHtmlPageSafe("index.html", readFileSync(path.join(out, "index.html"), "utf8"));
    for (const f of files.filter((f) => f.startsWith("badges/"))) expectJsonSafe(f, readFileSync(path.join(out, f), "utf8"));
    expectJsonSafe("report.json", readFileSync(path.join(out, "report.json"), "utf8"));
    const ran = runOf(await readReport(path.join(out, "report.json")));
    expectJunitSafe("junit", renderJunit(ran));
    expectMarkdownSafe("markdown", renderMarkdown(ran));

    // The same report read back by the gate job: `rsm report merge`, `diff` and `html` print it safely too.
    await expectReportCommandsSafe(dir, path.join(out, "report.json"), "real run");
  });

  it("from every field of a report, through rsm report merge, diff and html", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rsm-untrusted-report-"));
    const file = path.join(dir, "crafted.json");
    writeFileSync(file, JSON.stringify(json(payloadRun(marked("report")))));
    await expectReportCommandsSafe(dir, file, "crafted report");
  });

  it("from a port, a scenario key and a file name, through the CLI: rsm trace, validate and conformance --scenario, and their error lines", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rsm-untrusted-cli-"));
    // A scenario file whose name and key hold the payload, traced against a port whose hello name does.
    const named = payloadPath(dir, `${marked("file")}.json`);
    const scenario = keyScenario(marked("key"));
    writeFileSync(named, JSON.stringify(scenario));
    const plain = path.join(dir, "plain.json");
    writeFileSync(plain, JSON.stringify(SCENARIOS["a/first"]));
    // The replay fake_adapter.mjs answers from, under the names rsm trace sends (the paths as given).
    const replay = path.join(dir, "replay.json");
    const answers: Record<string, unknown> = { [plain]: runScenario(normalized(SCENARIOS["a/first"]!), { trace: true }) };
    if (marked("key").isWellFormed()) answers[named] = runScenario(normalized(scenario), { trace: true });
    writeFileSync(replay, JSON.stringify(answers));
    const fake = (...flags: string[]) => ["node", FAKE_ADAPTER, "--replay", replay, ...flags].join(" ");
    const runs = await Promise.all([
      rsm(["trace", named, "--exec", fake("--mode", "wrong-byte", "--say", say(dir, "name", { name: marked("name") }))], ACTIONS),
      rsm(["trace", plain, "--exec", fake("--mode", "error-reply", "--say", say(dir, "message", { message: marked("msg") }))], ACTIONS),
      rsm(["trace", plain, "--exec", fake("--mode", "crash", "--say", say(dir, "stderr", { stderr: `${marked("err")}\n${p}` }))], ACTIONS),
      rsm(["trace", named], ACTIONS),
      rsm(["validate", named], ACTIONS),
      rsm(["conformance", "--scenario", named, "--exec", fake(), "--no-build"], ACTIONS),
    ]);
    const [byName, byMessage, byStderr] = runs;
    runs.forEach((x, i) => {
      expectConsoleSafe(`CLI run ${i} stdout`, x.stdout);
      expectConsoleSafe(`CLI run ${i} stderr`, x.stderr);
      expect(x.stderr, `CLI run ${i}: no stack trace`).not.toMatch(/^\s+at /m);
    });
    // rsm trace prints a port's text inside one fence, commands resumed at its end.
    for (const x of [byName!, byMessage!, byStderr!]) expect(workflowCommands(x.stdout).commands.map((c) => c.command)).toEqual(["stop-commands", "resume"]);
    if (marked("key").isWellFormed()) {
      expect(byName!.stdout).toContain("ZZname");
      expect(byName!.stdout).toContain("ZZkey");
      expect(byName!.stdout).toContain("ZZfile");
    } else expect(byName!.stderr).toMatch(/lone surrogate/);
    expect(byMessage!.stdout).toContain("ZZmsg");
    expect(byStderr!.stdout).toContain("ZZerr");
  });
});

/** `rsm report merge` (with and without --out), `diff` (human and Markdown) and `html` on one report: every output safe. */
async function expectReportCommandsSafe(dir: string, file: string, what: string): Promise<void> {
  const summary = path.join(dir, `${what}-summary.md`);
  const merged = path.join(dir, `${what}-merged.json`);
  const mdFile = path.join(dir, `${what}-merged.md`);
  const m = await report(["merge", file, "--out", merged, "--markdown", mdFile], { ...ACTIONS, GITHUB_STEP_SUMMARY: summary });
  expectHumanReport(`${what}: merge stdout`, m.stdout);
  expectConsoleSafe(`${what}: merge stderr`, m.stderr);
  expectJsonSafe(`${what}: merged report`, readFileSync(merged, "utf8"));
  expectMarkdownSafe(`${what}: merge --markdown`, readFileSync(mdFile, "utf8"));
  expectMarkdownSafe(`${what}: merge's step summary`, readFileSync(summary, "utf8"));
  expect(readFileSync(summary, "utf8")).toContain("ZZ");

  const alone = await report(["merge", file], ACTIONS);
  expect(JSON.stringify(expectJsonSafe(`${what}: merge without --out`, alone.stdout))).toContain("ZZ");

  const base = path.join(dir, `${what}-base.json`);
  writeFileSync(base, JSON.stringify(json(run([adapter("go", [result("keys/a", "passed")])]))));
  const human = await report(["diff", base, file], { ...ACTIONS, GITHUB_STEP_SUMMARY: path.join(dir, `${what}-diff-summary.md`) });
  expectHumanReport(`${what}: diff`, human.stdout, /^(REGRESSED|NO REGRESSION) /);
  expect(human.stdout).toContain("ZZ");
  expectMarkdownSafe(`${what}: diff's step summary`, readFileSync(path.join(dir, `${what}-diff-summary.md`), "utf8"));
  const markdown = await report(["diff", base, file, "--reporter", "markdown"], ACTIONS);
  expectConsoleSafe(`${what}: diff --reporter markdown`, markdown.stdout);
  expectMarkdownSafe(`${what}: diff --reporter markdown`, markdown.stdout.split("\n").filter((l) => !OWN_COMMAND.test(l)).join("\n"));

  const site = path.join(dir, `${what}-site`);
  const h = await report(["html", file, "--out", site], ACTIONS);
  expectConsoleSafe(`${what}: html stdout`, h.stdout + h.stderr);
  expectHtmlPageSafe(`${what}: index.html`, readFileSync(path.join(site, "index.html"), "utf8"));
  for (const f of filesBelow(site)) {
    expect(f).toMatch(/^[\w.+#~/-]+$/);
    if (f.startsWith("badges/")) expectJsonSafe(`${what}: ${f}`, readFileSync(path.join(site, f), "utf8"));
  }
}
