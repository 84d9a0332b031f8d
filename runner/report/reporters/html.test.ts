// The HTML report in a real browser: Debian's headless Chromium driven by playwright-core, on the report of
// a real run with failures (the Latin-1 port of runner/fixtures/ports under LC_ALL=C, beside the TypeScript
// adapter). Screenshots go to .build/screenshots/. .ci/run installs Chromium; on a machine without it the
// test is skipped, except under CI, where it fails.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConformanceReport } from "../../../reference/types/report.gen.js";
import { adapter, result, run } from "../../fixtures/reports.js";
import { scriptJson } from "../../../common/escape.js";
import { badgeOf, pageData, renderHtml, writeHtmlReport } from "./html.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
const SHOTS = path.join(ROOT, ".build", "screenshots");
const CHROMIUM = [process.env.RSM_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p): p is string => p !== undefined && p !== "" && existsSync(p));

if (CHROMIUM === undefined && process.env.CI) throw new Error("runner/report/reporters/html.test.ts: no Chromium at /usr/bin/chromium (set RSM_CHROMIUM); .ci/run installs Debian's chromium");

describe("html report, without a browser", () => {
  it("embeds its data so that no stderr can end the script element", () => {
    expect(scriptJson({ s: "</script><!-- \u2028" })).toBe('{"s":"\\u003c/script>\\u003c!-- \\u2028"}');
    const page = renderHtml(run([adapter("go", [result("keys/b", "error")])])).get("index.html")!;
    expect(page.match(/<\/script>/g)).toHaveLength(2);
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it("keeps a scenario named __proto__ as a cell like any other", () => {
    const data = pageData(run([adapter("go", [result("__proto__", "failed")])]), "t");
    expect(Object.keys(data.adapters[0]!.cells)).toEqual(["__proto__"]);
    const parsed = JSON.parse(scriptJson(data)) as { adapters: { cells: object }[] };
    expect(Object.getOwnPropertyDescriptor(parsed.adapters[0]!.cells, "__proto__")?.value).toMatchObject({ o: "failed" });
  });

  it("gives each adapter a shields.io endpoint badge", () => {
    expect(badgeOf(adapter("go", [result("a/x", "passed"), result("a/y", "failed")]), true)).toEqual({ schemaVersion: 1, label: "rsm go", message: "1/2 passed, 1 failing", color: "red" });
    expect(badgeOf(adapter("go", [result("a/x", "passed"), result("a/y", "skipped")]), true)).toEqual({ schemaVersion: 1, label: "rsm go", message: "1/2 passed, 1 skipped", color: "yellow" });
    expect(badgeOf(adapter("go", [result("a/x", "passed")]), true)).toEqual({ schemaVersion: 1, label: "rsm go", message: "1/1 passed", color: "brightgreen" });
    // An --exec adapter names itself: its badge stays inside badges/ whatever the name.
    const files = renderHtml(run([adapter("../x", []), adapter("..", [])]));
    expect([...files.keys()]).toEqual(["index.html", "badges/_2e._2fx.json", "badges/_2e..json"]);
    // One badge each: "a/b" and "a_b" once shared one file.
    expect([...renderHtml(run([adapter("a/b", []), adapter("a_b", []), adapter("x".repeat(200), []), adapter(`${"x".repeat(199)}y`, [])])).keys()].slice(1)).toEqual([
      "badges/a_2fb.json",
      "badges/a_5fb.json",
      `badges/${"x".repeat(64)}~aa20c23e32018340.json`,
      `badges/${"x".repeat(64)}~78e9f58a9d38a3e2.json`,
    ]);
  });

  it("writes its folder whole: a reused --out keeps no badge of an adapter no longer in the report", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rsm-html-whole-"));
    await writeHtmlReport(run([adapter("go", []), adapter("old", [])]), dir);
    expect(readdirSync(path.join(dir, "badges")).sort()).toEqual(["go.json", "old.json"]);
    await writeHtmlReport(run([adapter("go", [])]), dir);
    expect(readdirSync(path.join(dir, "badges"))).toEqual(["go.json"]);
    expect(readdirSync(dir).sort()).toEqual(["badges", "index.html"]);
  });
});

describe.skipIf(CHROMIUM === undefined)("html report in headless Chromium", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "rsm-html-"));
  const out = path.join(dir, "report");
  let report: ConformanceReport;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    // A real run with failures: the port reads stdin as Latin-1 under LC_ALL=C, so every non-ASCII key breaks.
    // The runner gives adapters a UTF-8 locale of its own (runner/adapter/environment.ts): env sets C for this one.
    const port = "env LC_ALL=C node --import tsx runner/fixtures/ports/default_charset.ts --name latin1-port";
    const r = spawnSync(process.execPath, ["cli/launch.mjs", "conformance", "--exec", port, "--exec", "node --import tsx adapters/ts/main.ts", "--filter", "keys/", "--reporter", "html", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, GITHUB_ACTIONS: "", GITHUB_STEP_SUMMARY: "" },
      // spawnSync holds the event loop, so the hook's timeout cannot end a hang here: this deadline does.
      timeout: 240_000,
      killSignal: "SIGTERM",
    });
    expect(r.stderr).toContain(`wrote html report ${path.join(out, "index.html")}`);
    expect(r.status).toBe(1);
    report = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8")) as ConformanceReport;
    // Playwright's 30 s defaults are about speed: Chromium starting on a busy 2-core machine can take that long.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"], timeout: 120_000 });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.setDefaultTimeout(120_000);
    page.on("request", (req) => requests.push(req.url()));
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(pathToFileURL(path.join(out, "index.html")).href);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("shows the matrix: every scenario x every adapter, coloured by outcome", async () => {
    const latin1 = report.adapters.find((a) => a.name === "latin1-port")!;
    expect(latin1.counts.failed).toBeGreaterThan(0);
    expect(await page.locator("#matrix thead th").allTextContents()).toEqual(["scenario", "latin1-port", "ts"]);
    expect(await page.locator("#matrix tbody tr").count()).toBe(report.selected);
    expect(await page.locator('#matrix td[data-adapter="latin1-port"][data-outcome="failed"]').count()).toBe(latin1.counts.failed);
    expect(await page.locator('#matrix td[data-adapter="ts"][data-outcome="passed"]').count()).toBe(report.selected);
    const colour = await page.locator('#matrix td[data-outcome="failed"]').first().evaluate((td) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(td).backgroundColor);
    expect(colour).toBe("rgb(207, 34, 46)");
    expect(await page.locator("#verdict").textContent()).toMatch(/^FAILED /);
    expect(await page.locator("#meta").textContent()).toContain(report.corpus_sha256!);
    await page.screenshot({ path: path.join(SHOTS, "html-report-matrix.png"), fullPage: true });
  });

  it("filters by outcome, tag, adapter and topic", async () => {
    const latin1 = report.adapters.find((a) => a.name === "latin1-port")!;
    await page.selectOption("#f-outcome", "failed");
    expect(await page.locator("#matrix tbody tr").count()).toBe(latin1.counts.failed);
    await page.selectOption("#f-outcome", "");
    const tag = "utf16-trap";
    await page.selectOption("#f-tag", tag);
    expect(await page.locator("#matrix tbody tr").count()).toBe(report.scenarios!.filter((s) => s.tags.includes(tag)).length);
    await page.selectOption("#f-tag", "");
    await page.locator('input.f-adapter[value="ts"]').uncheck();
    expect(await page.locator("#matrix thead th").allTextContents()).toEqual(["scenario", "latin1-port"]);
    await page.locator('input.f-adapter[value="ts"]').check();
    await page.selectOption("#f-view", "topics");
    expect(await page.locator("#matrix tbody tr").allTextContents()).toEqual([`keys (${report.selected})${latin1.counts.passed}/${report.selected}${report.selected}/${report.selected}`]);
    expect(await page.locator('#matrix td[data-adapter="latin1-port"]').getAttribute("data-outcome")).toBe("failed");
    await page.selectOption("#f-view", "scenarios");
  });

  it("opens a failure's diagnosis and decoded diff", async () => {
    const failed = report.adapters.find((a) => a.name === "latin1-port")!.results.find((r) => r.status === "failed")!;
    await page.selectOption("#f-outcome", "failed");
    await page.locator(`#matrix td[data-adapter="latin1-port"][data-scenario="${failed.name}"] button`).click();
    const detail = page.locator("#detail");
    expect(await detail.isVisible()).toBe(true);
    expect(await detail.locator("h2").textContent()).toContain(`FAIL latin1-port ${failed.name}`);
    expect(await detail.locator("pre.diagnosis").textContent()).toContain(`likely rules: ${failed.diagnosis!.rules[0]}`);
    const diff = failed.diagnosis!.diff;
    expect(await detail.locator("pre.diff span.del").count()).toBe(diff.filter((l) => l.startsWith("-")).length);
    expect(await detail.locator("pre.diff span.add").allTextContents()).toEqual(diff.filter((l) => l.startsWith("+")));
    await page.screenshot({ path: path.join(SHOTS, "html-report-failure-open.png"), fullPage: true });
    expect(readdirSync(SHOTS)).toEqual(expect.arrayContaining(["html-report-matrix.png", "html-report-failure-open.png"]));
  });

  it("made no request but for the page itself, and threw nothing", () => {
    expect(errors).toEqual([]);
    expect(requests.every((u) => u.startsWith("file://"))).toBe(true);
  });

  it("rsm report html renders the same page from the run's report.json", () => {
    const again = path.join(dir, "again");
    const r = spawnSync(process.execPath, ["cli/launch.mjs", "report", "html", path.join(out, "report.json"), "--out", again], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`wrote ${path.join(again, "index.html")} and 2 badges in ${path.join(again, "badges")}\n`);
    expect(readFileSync(path.join(again, "index.html"), "utf8")).toBe(readFileSync(path.join(out, "index.html"), "utf8"));
    expect(JSON.parse(readFileSync(path.join(again, "badges", "latin1-port.json"), "utf8"))).toMatchObject({ schemaVersion: 1, label: "rsm latin1-port", color: "red" });
  });
});
