// docs/cli.md and every command's --help come from the commands' specs: the page is fresh, every flag and
// argument is documented, and each command prints the help of its own spec.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { usage, type CommandSpec } from "../common/args.js";
import { CLI_REFERENCE_FILE, REGENERATE, inline, renderCliReference } from "./cli_reference.js";
import { commandSpecs, main, referenceSpecs } from "./cli.js";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Every spec, subcommands too. */
function all(specs: readonly CommandSpec[]): CommandSpec[] {
  return specs.flatMap((s) => [s, ...all(s.subcommands ?? [])]);
}

describe("docs/cli.md", () => {
  it(`is what the commands' specs give (run ${REGENERATE} when this fails)`, async () => {
    const expected = renderCliReference(await referenceSpecs());
    const actual = readFileSync(path.join(ROOT, CLI_REFERENCE_FILE), "utf8");
    if (actual !== expected) expect.fail(`${CLI_REFERENCE_FILE} is stale: the commands' specs give another page; run ${REGENERATE} (rsm cli-reference) and commit it`);
  });

  it("has one section per command, in rsm --help's order, and escapes | in every table cell", async () => {
    const text = readFileSync(path.join(ROOT, CLI_REFERENCE_FILE), "utf8");
    const sections = [...text.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    expect(sections).toEqual([...(await commandSpecs()).map((s) => `rsm ${s.name}`), "npm run bench"]);
    for (const row of text.split("\n").filter((l) => l.startsWith("| "))) {
      expect(row.match(/(?<!\\)\|/g), row).toHaveLength(3);
    }
  });

  it("escapes | in cells, code spans included, and what Markdown would read as emphasis or HTML outside code", () => {
    expect(inline("on|off, `a|b`", true)).toBe("on\\|off, `a\\|b`");
    expect(inline("*.json <= `x*y`")).toBe("\\*.json \\<= `x*y`");
    expect(inline("GITHUB_STEP_SUMMARY and _x_")).toBe("GITHUB_STEP_SUMMARY and \\_x\\_");
  });
});

describe("every command's spec", () => {
  it("documents every flag and argument: a text, a placeholder for a value, repeatable ones said to be", async () => {
    const specs = all([...(await commandSpecs()), ...(await referenceSpecs()).scripts]);
    expect(specs.length).toBeGreaterThanOrEqual(17);
    for (const spec of specs) {
      for (const field of ["brief", "summary"] as const) expect(spec[field].trim(), `${spec.name} ${field}`).not.toBe("");
      if (Array.isArray(spec.positionals)) {
        expect(spec.positionals.length, spec.name).toBeGreaterThan(0);
        for (const p of spec.positionals) expect(p.help.trim(), `${spec.name} ${p.name}`).not.toBe("");
      }
      for (const [name, flag] of Object.entries(spec.flags)) {
        const label = `${spec.name} --${name}`;
        expect(flag.help.trim(), label).not.toBe("");
        if (flag.type === "string") expect(flag.value.trim(), label).not.toBe("");
        if (flag.multiple) expect(flag.help, `${label} is repeatable and should say so`).toMatch(/repeatable/);
      }
      for (const line of usage(spec).split("\n")) expect(line.length, `${spec.name}: ${line}`).toBeLessThanOrEqual(110);
    }
  });
});

describe("rsm COMMAND --help", () => {
  let written: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    written = [];
  });
  function capture(): void {
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  }

  it("prints the usage of the command's spec, for every command and subcommand", async () => {
    for (const spec of await commandSpecs()) {
      for (const s of all([spec])) {
        capture();
        const code = await main([...s.name.split(" "), "--help"]);
        vi.restoreAllMocks();
        expect(code, s.name).toBe(0);
        expect(written.join(""), s.name).toBe(`${usage(s)}\n`);
        written = [];
      }
    }
  });

  it("rsm --help lists every command by its synopsis and brief", async () => {
    capture();
    expect(await main(["--help"])).toBe(0);
    const text = written.join("");
    for (const s of await commandSpecs()) expect(text).toContain(`  ${s.name}${s.synopsis === "" ? "" : ` ${s.synopsis}`}`);
    expect(text).toContain("  conformance [options]         run the golden vectors against adapters");
  });
});
