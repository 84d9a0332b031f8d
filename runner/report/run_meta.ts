// What a report says about the run beside its results: which kit and corpus it ran, which part of the
// selection, on what machine. `rsm report merge` refuses to join reports whose kit, corpus or selection
// differ, and notices a missing or duplicated shard, only because every report carries these.
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { GOLDEN_FILE, readInputFile } from "../../common/read_file.js";
import type { ConformanceReport, Machine, Scenario } from "../../reference/types/report.gen.js";
import type { CorpusEntry, Vector } from "../corpus.js";
import type { Options } from "../options.js";

export type RunMeta = Pick<ConformanceReport, "kit" | "corpus_sha256" | "shard" | "selection" | "machine" | "scenarios" | "parts">;

/**
 * The kit's own package name and version (its package.json, bundled in), not the working tree's: a port's CI
 * may run the kit from a checkout of its own, and tests run it on temporary trees.
 */
export function kitOf(): { name: string; version: string } {
  return { name: pkg.name, version: pkg.version };
}

/**
 * Every golden of the corpus, selected or not, so that every shard of one corpus gets the same hash: for
 * each in name order, "NAME\0SHA256-OF-ITS-BYTES\n", hashed again. Reading 5 MB of goldens a second time
 * costs some 15 ms, against a run of seconds.
 */
export async function corpusHash(entries: readonly CorpusEntry[]): Promise<string> {
  const all = createHash("sha256");
  for (const e of entries) {
    const bytes = await readInputFile(e.path, GOLDEN_FILE);
    all.update(`${e.name}\0${createHash("sha256").update(bytes).digest("hex")}\n`);
  }
  return all.digest("hex");
}

export function machineOf(): Machine {
  const cpus = os.cpus();
  return { os: `${os.platform()} ${os.release()}`, arch: os.arch(), cpus: cpus.length, cpu_model: cpus[0]?.model.trim() ?? "unknown", node: process.version };
}

/** The selection flags as given, --shard aside: shards of one selection must agree on these. */
export function selectionFlags(o: Options, root: string): string[] {
  const rel = (p: string) => path.relative(root, p) || ".";
  const flags: string[] = [];
  if (o.scenarios.length === 0) flags.push("--vectors", rel(o.vectors));
  for (const s of o.scenarios) flags.push("--scenario", rel(s));
  for (const f of o.filters) flags.push("--filter", f);
  for (const t of o.tags) flags.push("--tag", t);
  for (const n of o.names) flags.push("--name", n);
  for (const s of o.skips) flags.push("--skip", s);
  if (o.requireFeatures === "all" || o.requireFeatures.length > 0) flags.push("--require-features", o.requireFeatures === "all" ? "all" : o.requireFeatures.join(","));
  return flags;
}

export function scenariosOf(vectors: readonly Vector[]): Scenario[] {
  return vectors.map((v) => ({ name: v.name, source: v.golden.source, tags: [...v.golden.tags], features: [...v.golden.features], description: v.golden.description }));
}
