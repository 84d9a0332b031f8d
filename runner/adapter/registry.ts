// adapters/registry.json: every adapter the runner knows, how to build it and how to run it. Checked by
// hand rather than by a schema file because it is the kit's own configuration, not part of the contract;
// every problem still names the file and the JSON path.
import { statSync } from "node:fs";
import path from "node:path";
import { preview } from "../../reference/index.js";
import { InvalidInput } from "../../common/errors.js";
import { CONFIG_FILE, readInputText } from "../../common/read_file.js";

export interface BuildSpec {
  /** Relative to the repository root, like every path in the registry. */
  readonly cwd: string;
  readonly argv: readonly string[];
  /** Files, directories (every file below) or globs; the build is stale when any is newer than output. */
  readonly inputs: readonly string[];
  readonly output: string;
  /**
   * A command that fails when something the build needs is not installed (a library, not a program: a
   * missing program is already caught). Its failure is reported like a missing toolchain, with its output as
   * the hint, so a machine without, say, the C++ JSON library still runs the other ports.
   */
  readonly probe: readonly string[] | null;
  /** Seconds a build command may take before it is killed and reported as a failed build. */
  readonly timeoutS: number;
}

/** The default build.timeout_s: a cold Rust or C++ build takes a few minutes here, a hung one forever. */
export const BUILD_TIMEOUT_S = 900;

export interface RegisteredAdapter {
  readonly name: string;
  readonly build: BuildSpec | null;
  readonly run: { readonly argv: readonly string[]; readonly cwd: string };
}

export const REGISTRY_FILE = path.join("adapters", "registry.json");

type Json = Record<string, unknown>;

class Checker {
  readonly problems: string[] = [];
  constructor(private readonly file: string) {}

  problem(where: string, expected: string, got: unknown): void {
    this.problems.push(`${this.file} ${where}: expected ${expected}, got ${preview(got)}`);
  }

  object(v: unknown, where: string): Json | null {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Json;
    this.problem(where, "an object", v);
    return null;
  }

  string(v: unknown, where: string): string {
    if (typeof v === "string" && v !== "") return v;
    this.problem(where, "a non-empty string", v);
    return "";
  }

  positive(v: unknown, where: string): number {
    if (typeof v === "number" && v > 0 && Number.isFinite(v)) return v;
    this.problem(where, "a positive number of seconds", v);
    return 1;
  }

  strings(v: unknown, where: string, nonEmpty: boolean): string[] {
    if (Array.isArray(v) && v.every((s) => typeof s === "string" && s !== "") && (!nonEmpty || v.length > 0)) return v as string[];
    this.problem(where, `${nonEmpty ? "a non-empty " : "an "}array of non-empty strings`, v);
    return [];
  }
}

export function parseRegistry(text: string, file: string): RegisteredAdapter[] {
  const c = new Checker(file);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new InvalidInput([`${file}: not JSON: ${(err as Error).message}`]);
  }
  const top = c.object(document, "(root)");
  const list = top?.adapters;
  if (top !== null && !Array.isArray(list)) c.problem("adapters", "an array of adapters", list);
  const adapters: RegisteredAdapter[] = [];
  const seen = new Set<string>();
  (Array.isArray(list) ? list : []).forEach((raw, i) => {
    const at = `adapters[${i}]`;
    const a = c.object(raw, at);
    if (a === null) return;
    const name = c.string(a.name, `${at}.name`);
    if (name !== "" && !/^[a-z0-9][a-z0-9_-]*$/.test(name)) c.problem(`${at}.name`, "lowercase letters, digits, - and _", name);
    if (seen.has(name)) c.problem(`${at}.name`, "a name no other adapter has", name);
    seen.add(name);
    const run = c.object(a.run, `${at}.run`);
    const runSpec = { argv: c.strings(run?.argv, `${at}.run.argv`, true), cwd: run?.cwd === undefined ? "." : c.string(run.cwd, `${at}.run.cwd`) };
    let build: BuildSpec | null = null;
    if (a.build !== undefined) {
      const b = c.object(a.build, `${at}.build`);
      build = {
        cwd: b?.cwd === undefined ? "." : c.string(b.cwd, `${at}.build.cwd`),
        argv: c.strings(b?.argv, `${at}.build.argv`, true),
        inputs: c.strings(b?.inputs, `${at}.build.inputs`, false),
        output: c.string(b?.output, `${at}.build.output`),
        probe: b?.probe === undefined ? null : c.strings(b.probe, `${at}.build.probe`, true),
        timeoutS: b?.timeout_s === undefined ? BUILD_TIMEOUT_S : c.positive(b.timeout_s, `${at}.build.timeout_s`),
      };
    }
    adapters.push({ name, build, run: runSpec });
  });
  if (c.problems.length > 0) throw new InvalidInput(c.problems);
  return adapters;
}

export async function loadRegistry(root: string): Promise<RegisteredAdapter[]> {
  const file = path.join(root, REGISTRY_FILE);
  const text = await readInputText(file, CONFIG_FILE, { label: `${REGISTRY_FILE} (the adapter registry)` });
  const adapters = parseRegistry(text, REGISTRY_FILE);
  // A working directory that does not exist would make every command in it "not found", and so look like a
  // missing toolchain: it is a mistake in the registry, said as one.
  const problems: string[] = [];
  adapters.forEach((a, i) => {
    for (const [where, dir] of [["run.cwd", a.run.cwd], ["build.cwd", a.build?.cwd]] as const) {
      if (dir !== undefined && !statSync(path.join(root, dir), { throwIfNoEntry: false })?.isDirectory()) {
        problems.push(`${REGISTRY_FILE} adapters[${i}].${where}: expected a directory of the repository, got ${JSON.stringify(dir)}, which does not exist`);
      }
    }
  });
  if (problems.length > 0) throw new InvalidInput(problems);
  return adapters;
}
