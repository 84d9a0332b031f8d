// Building a registered adapter before a run when it is stale: missing, or older than any of its inputs
// (make's rule; a checkout touches what it changes, so that errs towards rebuilding). The build's output is
// kept and shown only when the build fails; a missing toolchain is told apart from a failing build.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../../common/fs_atomic.js";
import { killEscapees, killGroup, spawnTracked } from "./children.js";
import { BuildFailed } from "./errors.js";
import { globToRegExp, hasGlob } from "../glob.js";
import type { BuildSpec } from "./registry.js";
import { TailBuffer } from "./tail_buffer.js";

/** Build output kept for the report: enough for a compiler's first errors. */
const OUTPUT_LIMIT = 16 * 1024;

async function mtime(file: string): Promise<number | null> {
  return (await stat(file).catch(() => null))?.mtimeMs ?? null;
}

async function newestBelow(dir: string, accept: (rel: string) => boolean): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let newest = 0;
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath, e.name);
    if (!accept(path.relative(dir, full).split(path.sep).join("/"))) continue;
    newest = Math.max(newest, (await mtime(full)) ?? 0);
  }
  return newest;
}

/** The newest modification time among an input: a file, every file below a directory, or a glob. */
async function newestInput(root: string, input: string): Promise<number> {
  if (hasGlob(input)) {
    const segments = input.split("/");
    const firstGlob = segments.findIndex(hasGlob);
    const base = segments.slice(0, firstGlob).join("/");
    const re = globToRegExp(segments.slice(firstGlob).join("/"), { paths: true });
    return newestBelow(path.join(root, base), (rel) => re.test(rel));
  }
  const full = path.join(root, input);
  const info = await stat(full).catch(() => null);
  if (info === null) return 0;
  return info.isDirectory() ? newestBelow(full, () => true) : info.mtimeMs;
}

/**
 * A successful build leaves a stamp in the git-ignored .build/ directory: a toolchain that finds nothing to
 * do may leave its output's time alone, and without the stamp every run would rebuild.
 */
function stampFile(root: string, name: string): string {
  return path.join(root, ".build", `${name}.stamp`);
}

export async function isStale(root: string, name: string, build: BuildSpec): Promise<boolean> {
  const output = await mtime(path.join(root, build.output));
  if (output === null) return true;
  const built = Math.max(output, (await mtime(stampFile(root, name))) ?? 0);
  for (const input of build.inputs) if ((await newestInput(root, input)) > built) return true;
  return false;
}

/** Runs the build; throws BuildFailed with the build's output when it fails or its output does not appear. */
export async function runBuild(root: string, name: string, build: BuildSpec, cancelled: () => boolean = () => false): Promise<void> {
  if (build.probe !== null) {
    try {
      await execute(root, build.cwd, build.probe, build.timeoutS);
    } catch (err) {
      if (!(err instanceof BuildFailed)) throw err;
      // Whatever the probe found missing, or the probe's own program, is a prerequisite that is not installed.
      throw new BuildFailed(`a prerequisite is not installed (\`${build.probe.join(" ")}\` failed): ${err.output.replace(/\s+/g, " ").trim()}`, err.output, true);
    }
  }
  // The command may have ended while the probe ran: then no build starts after its processes were killed.
  if (cancelled()) throw new BuildFailed("not built: the command ended first", "", false);
  await execute(root, build.cwd, build.argv, build.timeoutS);
  if ((await mtime(path.join(root, build.output))) === null) {
    throw new BuildFailed(`build \`${build.argv.join(" ")}\` succeeded but did not produce ${build.output}`, "", false);
  }
  await writeFileAtomic(stampFile(root, name), `${new Date().toISOString()} ${build.argv.join(" ")}\n`);
}

/** Runs one command of a build in its own process group; throws BuildFailed with its output when it fails. */
async function execute(root: string, cwd: string, argv: readonly string[], timeoutS: number): Promise<void> {
  const program = argv[0]!;
  const command = argv.join(" ");
  const output = new TailBuffer(OUTPUT_LIMIT);
  const child = spawnTracked({ argv, cwd: path.join(root, cwd) }, "ignore");
  child.stdout!.on("data", (c: Buffer) => output.push(c));
  child.stderr!.on("data", (c: Buffer) => output.push(c));
  // A build that never ends would hold every adapter's results back for good: past its time it is killed.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child);
    killEscapees(child);
  }, timeoutS * 1000);
  const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once("error", (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  if (timedOut) throw new BuildFailed(`build \`${command}\` in ${cwd} did not finish within ${timeoutS} s (build.timeout_s) and was killed`, output.text(), false);
  if (result.error) {
    const missing = result.error.code === "ENOENT";
    throw new BuildFailed(missing ? `${program} is not installed (not found on PATH); needed for \`${command}\`` : `cannot run \`${command}\`: ${result.error.message}`, "", missing);
  }
  if (result.code !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
    throw new BuildFailed(`build \`${command}\` in ${cwd} ${how}`, output.text(), false);
  }
}
