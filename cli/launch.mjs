#!/usr/bin/env node
// `rsm` as the npm scripts run it: the CLI (cli/cli.ts) bundled by esbuild under .build/, rebuilt here first
// whenever a source it is made of is newer than the bundle, so there is no build step to remember.
// Why: run through tsx, every command compiles some 90 modules before it does anything (measured on the
// 2-core CI machine: `node --import tsx cli/cli.ts conformance --adapter rust --adapter go` 0.75 s against
// 0.34 s for the bundle). esbuild comes with tsx, so this adds no dependency.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BUILD = path.join(ROOT, ".build");
/** What the bundle is made of: the kit's TypeScript (tests aside; bench/ for the spec docs/cli.md shows), the schemas it imports, the lockfile. */
const SOURCES = ["cli", "common", "runner", "corpus", "selftest", "reference", "schema", "bench"];

function newestSource() {
  let newest = statSync(path.join(ROOT, "package-lock.json"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  for (const dir of SOURCES) {
    for (const e of readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || e.name.endsWith(".test.ts") || !/\.(ts|mjs|json)$/.test(e.name)) continue;
      newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds the bundle into `out`. Each state of the sources has a directory of its own, written beside and
 * renamed into place, so a command running meanwhile, or another building the same bundle at the same
 * moment, never sees half of one or has it removed under it.
 */
async function bundle(out) {
  const { build } = await import("esbuild");
  const tmp = `${out}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(BUILD, { recursive: true });
  await build({
    entryPoints: { cli: path.join(ROOT, "cli", "cli.ts") },
    outdir: tmp,
    bundle: true,
    // Each command's modules stay a chunk of their own, loaded only when it runs, as in the sources.
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outExtension: { ".js": ".mjs" },
    packages: "external",
    logLevel: "error",
  });
  try {
    renameSync(tmp, out);
  } catch {
    // Another command built the same bundle first: use that one.
    rmSync(tmp, { recursive: true, force: true });
  }
  // Bundles of older sources, best effort: a command still running one keeps its loaded modules.
  for (const name of readdirSync(BUILD)) {
    if (name.startsWith("rsm-") && !name.endsWith(".tmp") && path.join(BUILD, name) !== out) rmSync(path.join(BUILD, name), { recursive: true, force: true });
  }
}

const out = path.join(BUILD, `rsm-${Math.round(newestSource())}`);
const entry = path.join(out, "cli.mjs");
if (!statSync(entry, { throwIfNoEntry: false })) await bundle(out);
const { cli } = await import(pathToFileURL(entry).href);
await cli(process.argv.slice(2), ROOT);
