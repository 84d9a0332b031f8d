// The rsm-golden diff driver end to end: a real `git diff` in a scratch repository, with the textconv
// pointing at this repository's CLI (cli/launch.mjs), shows a changed golden as decoded lines, not hex.
import { spawnSync } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ATTRIBUTE, DRIVER_KEY, TEXTCONV, setupGitCommand } from "./setup_git_cmd.js";
import { UsageError } from "../common/errors.js";
import { goldenTextLines } from "./golden_diff.js";
import { goldenTextCommand } from "./golden_text_cmd.js";
import { vectorsCommand } from "./vectors_cmd.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const hasGit = spawnSync("git", ["--version"]).status === 0;

describe.skipIf(!hasGit)("the rsm-golden diff driver in a real git repository", () => {
  let repo: string;
  const lines: string[] = [];
  const out = (l: string) => lines.push(l);
  const git = (...args: string[]) => {
    // No global or system config: the user's diff settings (color, external tools) must not leak in.
    const r = spawnSync("git", args, { cwd: repo, encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: path.join(repo, "..", "no-gitconfig") } });
    expect(r.status, `git ${args.join(" ")}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const scenario = (v: string) =>
    JSON.stringify({ description: "d", cluster: { nodes: 2, leader: 1 }, steps: [{ op: "put", key: "a", value: { utf8: v } }, { op: "put", key: "b", value: { utf8: "x" } }, { op: "snapshot", nodes: "all" }] });

  beforeEach(async () => {
    repo = path.join(await mkdtemp(path.join(os.tmpdir(), "rsm-golden-git-")), "repo");
    await mkdir(path.join(repo, "vectors", "scenarios", "t"), { recursive: true });
    git("init", "-q", ".");
    git("config", "user.name", "t");
    git("config", "user.email", "t@example.invalid");
    git("config", "core.autocrlf", "false");
    lines.length = 0;
  });
  afterEach(() => rm(path.dirname(repo), { recursive: true, force: true }));

  it("git diff and git log -p show the decoded line that changed, not hex", async () => {
    // This repository's own attribute line, and the driver pointed at this repository's CLI.
    const attributes = await readFile(path.join(ROOT, ".gitattributes"), "utf8");
    expect(attributes.split("\n")).toContain(ATTRIBUTE);
    await writeFile(path.join(repo, ".gitattributes"), `${ATTRIBUTE}\n`);
    git("config", DRIVER_KEY, `node ${JSON.stringify(path.join(ROOT, "cli", "launch.mjs"))} golden-text`);
    await writeFile(path.join(repo, "vectors", "scenarios", "t", "a.json"), scenario("1"));
    await vectorsCommand([], repo, out);
    git("add", "-A");
    git("commit", "-qm", "golden");
    await writeFile(path.join(repo, "vectors", "scenarios", "t", "a.json"), scenario("2"));
    await vectorsCommand([], repo, out);

    const diff = git("diff", "--no-color", "vectors/golden");
    expect(diff).toContain('-  [0] "a" = 31 "1"\n+  [0] "a" = 32 "2"\n');
    expect(diff).toContain("-  crc ");
    expect(diff).toContain(" snapshot step 2 node 1:");
    expect(diff).toContain(" snapshot step 2 node 2:");
    expect(diff).not.toMatch(/"hex":"524b5631/);
    // --no-textconv is the escape hatch: the hex as it is in the file.
    expect(git("diff", "--no-color", "--no-textconv", "vectors/golden")).toMatch(/^-.*"hex":"524b5631/m);

    git("commit", "-qam", "change a");
    const log = git("log", "-p", "--no-color", "-1", "--", "vectors/golden");
    expect(log).toContain('+  [0] "a" = 32 "2"');
  });

  it("setup-git sets the driver's textconv in the repository, and says when .gitattributes lacks the line", async () => {
    expect(await setupGitCommand([], repo, out)).toBe(1);
    expect(lines.at(-1)).toBe(`.gitattributes lacks the line "${ATTRIBUTE}"; git will not use the driver until it is added`);
    expect(git("config", "--get", DRIVER_KEY).trim()).toBe(TEXTCONV);
    await writeFile(path.join(repo, ".gitattributes"), `*.json text eol=lf\n${ATTRIBUTE}\n`);
    lines.length = 0;
    expect(await setupGitCommand([], repo, out)).toBe(0);
    expect(lines[0]).toBe(`set ${DRIVER_KEY} = ${TEXTCONV}`);
    expect(git("config", "--get-all", DRIVER_KEY).trim()).toBe(TEXTCONV);
  });
});

describe("golden-text", () => {
  it("takes --help, and exactly one file", async () => {
    const lines: string[] = [];
    expect(await goldenTextCommand(["--help"], (l) => lines.push(l))).toBe(0);
    expect(lines[0]!.split("\n")[0]).toBe("usage: rsm golden-text FILE");
    await expect(goldenTextCommand([], () => {})).rejects.toThrow(UsageError);
    await expect(goldenTextCommand(["a", "b"], () => {})).rejects.toThrow("golden-text: expected exactly one argument, a golden vector file");
    await expect(goldenTextCommand(["--full", "a"], () => {})).rejects.toThrow('golden-text: unknown flag "--full"');
    await expect(setupGitCommand(["x"], ROOT, () => {})).rejects.toThrow('setup-git: unexpected argument "x"; it takes no arguments');
  });

  it("prints a committed golden with each snapshot decoded", async () => {
    const lines: string[] = [];
    expect(await goldenTextCommand([path.join(ROOT, "vectors", "golden", "put", "overwrite-with-empty.json")], (l) => lines.push(...l.split("\n")))).toBe(0);
    expect(lines.slice(0, 2)).toEqual(["format 1", "name put/overwrite-with-empty"]);
    expect(lines).toContain("snapshot step 2 node 3:");
    expect(lines).toContain('  [0] "k" = (empty) ""');
    expect(lines.at(-1)).toBe("  crc 8008432a (correct)");
  });

  it("prints a text that is not a golden unchanged, so a textconv never fails a diff", () => {
    expect(goldenTextLines("{ not json")).toEqual(["{ not json"]);
    expect(goldenTextLines('{"snapshots": 3}\n')).toEqual(['{"snapshots": 3}', ""]);
  });

  it("shows a snapshot a decoder rejects as what could be read and the rule; text that is not hex as why, then the text", () => {
    const lines = goldenTextLines(JSON.stringify({ format: 1, snapshots: [{ step: 0, node: 1, hex: "524b5631" }, { step: 0, node: 2, hex: "524" }] }));
    expect(lines).toEqual([
      "format 1",
      "snapshot step 0 node 1:",
      '  magic 524b5631 "RKV1"',
      "  rejected: R-DECODE-1 at byte 4: 4 bytes; a snapshot has at least 36",
      "snapshot step 0 node 2:",
      expect.stringMatching(/^ {2}\(does not decode: not an even-length hex string: .+\)$/),
      "  hex 524",
    ]);
  });
});
