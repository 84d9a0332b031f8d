#!/usr/bin/env node
// `rsm` as the npm scripts run it: the CLI (cli/cli.ts) bundled by esbuild into .build/rsm/, rebuilt here
// first whenever a source it is made of is newer than the bundle, so there is no build step to remember.
// Why: run through tsx, every command compiles some 90 modules before it does anything (measured on the
// 2-core CI machine: `node --import tsx cli/cli.ts conformance --adapter rust --adapter go` 0.75 s against
// 0.53 s for the bundle). esbuild comes with tsx, so this adds no dependency.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(ROOT, ".build", "rsm");
const ENTRY = path.join(OUT, "cli.mjs");
/** What the bundle is made of: the kit's TypeScript (tests aside), the schemas it imports, the lockfile. */
const SOURCES = ["cli", "runner", "corpus", "selftest", "reference", "schema"];

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

async function bundle() {
  const { build } = await import("esbuild");
  // Built beside and renamed into place, so a command running meanwhile never sees half a bundle.
  const tmp = `${OUT}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(path.dirname(OUT), { recursive: true });
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
  rmSync(OUT, { recursive: true, force: true });
  renameSync(tmp, OUT);
}

const built = statSync(ENTRY, { throwIfNoEntry: false })?.mtimeMs ?? -1;
if (built < newestSource()) await bundle();
const { cli } = await import(pathToFileURL(ENTRY).href);
await cli(process.argv.slice(2), ROOT);
