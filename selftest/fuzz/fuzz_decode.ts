// `rsm fuzz --mode decode`: damaged snapshots (selftest/decode_arbitraries.ts) through every adapter that lists
// `decode`, each answer compared with the reference's verdict (SPEC.md 4.1, R-PROTO-13); the first
// disagreement is shrunk by fast-check and written as a decode vector, so `npm run vectors` gives it a golden.
import { createHash } from "node:crypto";
import fc from "fast-check";
import path from "node:path";
import { bytesToHex } from "../../reference/index.js";
import { EXIT_FAILED, EXIT_OK, InternalError } from "../../common/errors.js";
import { writeFileAtomic } from "../../common/fs_atomic.js";
import { answerOf, referenceVerdict, verdictProblem } from "../../runner/checks/decode.js";
import type { FleetAdapter } from "../../runner/adapter/fleet.js";
import { decodeInputArbitrary } from "../decode_arbitraries.js";
import type { FuzzIo } from "./fuzz_io.js";
import { searchParameters } from "./options.js";

/** What one adapter did wrong with one input, or null when every adapter agreed with the reference. */
async function disagreement(fleet: readonly FleetAdapter[], hex: string): Promise<{ adapter: string; problem: string } | null> {
  const expected = referenceVerdict(hex);
  const answers = await Promise.all(fleet.map((a) => a.decode("fuzz", hex)));
  for (const [i, o] of answers.entries()) {
    const adapter = fleet[i]!.name;
    if (o === null) return { adapter, problem: "the adapter was given up (it could not be started again, or timed out repeatedly)" };
    if (o.kind === "aborted") continue;
    if (o.kind === "broken") return { adapter, problem: `${o.reason}${o.stderr ? `; stderr: ${o.stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}` };
    if (o.kind === "refused") return { adapter, problem: `answered with an error (R-PROTO-8): ${o.message}` };
    const problem = verdictProblem(expected, answerOf(o));
    if (problem !== null) return { adapter, problem };
  }
  return null;
}

export async function fuzzDecode(all: readonly FleetAdapter[], o: { seed: number; runs: number | null; timeLimitMs: number | null; found: string }, io: FuzzIo): Promise<number> {
  const fleet = all.filter((a) => a.features.has("decode"));
  const without = all.filter((a) => !a.features.has("decode")).map((a) => a.name);
  if (without.length > 0) io.out(`fuzz: ${without.join(", ")} do not list decode in their hello; not fuzzed`);
  const started = performance.now();
  let count = 0;
  // The search's first disagreement, kept whatever shrinking makes of it.
  const seen: { first: { bytes: Uint8Array; adapter: string; problem: string } | null } = { first: null };
  const property = fc.asyncProperty(decodeInputArbitrary, async (bytes) => {
    count++;
    if (count % 500 === 0) io.progress(`fuzz: ${count} inputs, ${Math.round((count / (performance.now() - started)) * 1000)}/s`);
    const d = await disagreement(fleet, bytesToHex(bytes));
    if (d !== null) seen.first ??= { bytes, ...d };
    return d === null;
  });
  const search = await fc.check(property, searchParameters(o));
  const elapsed = (performance.now() - started) / 1000;
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  if (!search.failed) {
    io.out(`fuzz: no disagreement on ${search.numRuns} decode inputs across the reference and ${fleet.map((a) => a.name).join(", ") || "no adapter"} in ${elapsed.toFixed(1)} s; seed ${o.seed}${search.interrupted ? " (stopped by the time limit)" : ""}`);
    return EXIT_OK;
  }
  // Only a disagreement fails the property; anything else that stops it is the kit's own error.
  const original = seen.first;
  if (original === null) throw new InternalError(`the decode fuzz search stopped without a disagreement: ${String(search.errorInstance)}`);
  const shrunk = await fc.check(property, { seed: o.seed, path: search.counterexamplePath! });
  // The shrunk input is kept only when it disagrees again; otherwise the original, as it was seen.
  const again = shrunk.failed ? await disagreement(fleet, bytesToHex(shrunk.counterexample![0])) : null;
  const lost = again !== null ? null : shrunk.failed ? `it did not disagree again on the shrunk input (${shrunk.counterexample![0].length} bytes)` : "fast-check's replay of it passed";
  const bytes = again !== null ? shrunk.counterexample![0] : original.bytes;
  const d = again ?? original;
  const hex = bytesToHex(bytes);
  const slug = d.adapter.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "adapter";
  const name = `found-${slug}-seed-${o.seed}-${createHash("sha256").update(hex).digest("hex").slice(0, 8)}`;
  const file = path.join(o.found, `${name}.json`);
  const how = lost === null ? "and shrunk by fast-check" : `and not shrunk (${lost}; this is the input as it was seen)`;
  const vector = { description: `Found by npm run fuzz -- --mode decode (seed ${o.seed}) ${how}: adapter ${d.adapter}: ${d.problem.slice(0, 300)}`, tags: ["decode", "found"], input: { hex } };
  await writeFileAtomic(file, `${JSON.stringify(vector, null, 2)}\n`);
  io.out(`fuzz: ${d.adapter} disagrees with the reference on a decode input after ${search.numRuns} inputs (${elapsed.toFixed(1)} s); ${lost === null ? `shrunk ${shrunk.numShrinks} times to ${bytes.length} bytes` : `${lost}, so the original input (${bytes.length} bytes) is kept as it was seen`}; reproduce with --mode decode --seed ${o.seed} --runs ${search.numRuns}`);
  io.out(`fuzz: wrote ${path.relative(process.cwd(), file)}; run npm run vectors to give it a golden`);
  io.out(`FAIL ${d.adapter} ${path.relative(process.cwd(), file)}`);
  io.out(`  ${d.problem}`);
  return EXIT_FAILED;
}
