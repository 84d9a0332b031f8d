// Writes the scenarios too long to author by hand: seeded random mixes of thousands of steps
// (vectors/scenarios/random/), and keys and values past the 255 and 65,535 byte boundaries and 70 KB and a
// store of more than 1,000 keys (vectors/scenarios/big/). Deterministic: the same script always writes the
// same bytes, and `--check` (run by the tests) fails when a file differs from what the script would write.
//
//   npx tsx scripts/generate_scenarios.ts [--check]
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatAuthored } from "../corpus/authored_format.js";
import { writeFileAtomic } from "../common/fs_atomic.js";
import { xorshift32 } from "../corpus/xorshift.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

type Json = Record<string, unknown>;
interface Authored {
  description: string;
  tags: string[];
  rules: string[];
  cluster?: { nodes: number; leader: number };
  steps: Json[];
}

// Keys chosen to trap ports: UTF-16 vs UTF-8 order, NUL, empty, JS object keys, integer-like keys.
const TRAP_KEYS = ["", "a", "a\u0000", "a\u0000b", "b", "10", "2", "9", "__proto__", "constructor", "\u00e9", "e\u0301", "\ue000", "\uffff", "\u{1f600}", "\u{10000}", "\u007f", "\u0080"];

function hex(r: (n: number) => number, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += r(256).toString(16).padStart(2, "0");
  return out;
}

/** The rules a random mix exercises, by the ops its steps use, after the machinery every step goes through. */
const MIX_MACHINERY = ["R-APPLY-1", "R-COMMIT-1", "R-REJOIN-2", "R-ROUND-1", "R-STORE-1", "R-WIRE-6", "R-WIRE-8"];
const MIX_OP_RULES: Readonly<Record<string, readonly string[]>> = {
  put: ["R-PUT-1"],
  delete: ["R-DELETE-1"],
  append: ["R-APPEND-1"],
  incr: ["R-INCR-1", "R-INCR-2", "R-INCR-3"],
  cas: ["R-CAS-1", "R-CAS-2", "R-CAS-3"],
  partition: ["R-PART-1"],
  crash: ["R-CRASH-3"],
  restart: ["R-RESTART-2"],
  heal: ["R-HEAL-1"],
};
/** A single node has no follower to replicate to or rejoin. */
const mixRules = (steps: readonly Json[], nodes: number): string[] => [...new Set([...MIX_MACHINERY.filter((r) => nodes > 1 || (r !== "R-REJOIN-2" && r !== "R-ROUND-1")), ...steps.flatMap((st) => MIX_OP_RULES[st.op as string] ?? [])])];

const DELTAS = ["0", "1", "255", "9007199254740993", "18446744073709551615", "18446744073709551614", "4294967296"];

function randomMix(seed: number, steps: number, nodes: number, leader: number): Authored {
  const r = xorshift32(seed);
  const keys = [...TRAP_KEYS, ...Array.from({ length: 30 }, (_, i) => `k${i}`)];
  const up = new Array<boolean>(nodes + 1).fill(true);
  const out: Json[] = [];
  const followers = Array.from({ length: nodes }, (_, i) => i + 1).filter((id) => id !== leader);
  const bytes = (): Json => (r(3) === 0 ? { utf8: `v${r(1000)}` } : { hex: hex(r, r(4) === 0 ? 8 : r(12)) });
  while (out.length < steps - 1) {
    const key = keys[r(keys.length)]!;
    const roll = r(100);
    if (roll < 25) out.push({ op: "put", key, value: bytes() });
    else if (roll < 33) out.push({ op: "delete", key });
    else if (roll < 43) out.push({ op: "append", key, value: bytes() });
    else if (roll < 58) out.push({ op: "incr", key, delta: DELTAS[r(DELTAS.length)]! });
    else if (roll < 68) out.push({ op: "cas", key, expected: r(3) === 0 ? null : bytes(), value: bytes() });
    else if (roll < 76 && followers.length > 0) {
      const isolated = followers.filter(() => r(3) === 0);
      out.push({ op: "partition", nodes: isolated });
    } else if (roll < 83 && followers.length > 0) {
      const f = followers[r(followers.length)]!;
      out.push(up[f] ? { op: "crash", node: f } : { op: "restart", node: f });
      up[f] = !up[f];
    } else if (roll < 86) {
      out.push({ op: "heal" });
      up.fill(true);
    } else if (roll < 89) {
      const live = Array.from({ length: nodes }, (_, i) => i + 1).filter((id) => up[id]);
      const pick = live.filter(() => r(2) === 0);
      out.push({ op: "snapshot", nodes: pick.length > 0 ? pick : [leader] });
    } else {
      out.push({ op: "put", key: `k${r(30)}`, value: { hex: hex(r, 8) } });
    }
  }
  out.push({ op: "heal" });
  out.push({ op: "snapshot", nodes: "all" });
  return {
    description: `Seeded random mix (seed ${seed}, ${steps} steps, ${nodes} nodes, leader ${leader}) of every op and cluster event over trap keys, ending in heal and a snapshot of every node. Catches whatever a port gets wrong that no focused vector thought of, and drift that only shows after thousands of steps.`,
    tags: ["random", "mixed", "long"],
    // No one rule: a mix is coverage, not a pin, so it declares every rule its steps exercise, the machinery
    // every step goes through first. A vector's weight in a run's ranking is shared among its rules
    // (runner/diagnosis/ranking.ts), so a mix's failure, which almost any bug causes, counts little for each.
    rules: mixRules(out, nodes),
    cluster: { nodes, leader },
    steps: out,
  };
}

function bigScenarios(): Record<string, Authored> {
  const k256 = "k".repeat(256);
  const k65536 = "x".repeat(65_536);
  const euro = "\u20ac".repeat(21_846); // 65,538 UTF-8 bytes but only 21,846 UTF-16 code units
  const r = xorshift32(70_000);
  const value70k = hex(r, 70_000);
  return {
    "key-256-bytes": {
      description: "A 256-byte key next to a 255-byte one and a short one. Catches a port that writes key lengths as one byte (256 wraps to 0) instead of a u32 (R-WIRE-8).",
      tags: ["keys", "length-prefix"],
      rules: ["R-WIRE-8"],
      steps: [
        { op: "put", key: k256, value: { utf8: "256" } },
        { op: "put", key: "k".repeat(255), value: { utf8: "255" } },
        { op: "put", key: "k", value: { utf8: "1" } },
        { op: "snapshot", nodes: "all" },
      ],
    },
    "key-65536-bytes": {
      description: "A 65,536-byte key. Catches a port that writes key lengths as u16 (65,536 wraps to 0) instead of a u32 (R-WIRE-8), and line-length caps in the protocol reader (R-PROTO-1).",
      tags: ["keys", "length-prefix", "protocol-line-length"],
      rules: ["R-WIRE-8", "R-PROTO-1"],
      steps: [
        { op: "put", key: k65536, value: { hex: "01" } },
        { op: "put", key: "x".repeat(65_535), value: { hex: "02" } },
        { op: "snapshot", nodes: [1, 3] },
      ],
    },
    "key-multibyte-length": {
      description: "A key of 21,846 euro signs: 65,538 UTF-8 bytes but 21,846 UTF-16 code units. Catches a port that writes the character or code-unit count as the key length instead of the UTF-8 byte count (R-WIRE-8).",
      tags: ["keys", "length-prefix", "utf8"],
      rules: ["R-WIRE-8"],
      steps: [
        { op: "put", key: euro, value: { utf8: "\u20ac" } },
        { op: "snapshot", nodes: [2] },
      ],
    },
    "value-70k": {
      description: "A 70,000-byte binary value, put and then read back by every node, also after a crash and rejoin. Catches u16 value-length prefixes, 64 KiB line caps in the adapter's reader (Go's bufio.Scanner default) and buffer sizing bugs in the encoder.",
      tags: ["values", "large", "protocol-line-length", "crash"],
      rules: ["R-WIRE-8", "R-PROTO-1"],
      steps: [
        { op: "put", key: "big", value: { hex: value70k } },
        { op: "crash", node: 2 },
        { op: "restart", node: 2 },
        { op: "snapshot", nodes: "all" },
      ],
    },
    "value-append-past-64k": {
      description: "Appends of 20,000 bytes each that build a 80,000-byte value across the 65,535 boundary, on a follower that is isolated for part of the way and catches up by rejoin. Catches append implemented as overwrite, u16 lengths, and rejoin replaying the wrong prefix.",
      tags: ["values", "large", "append", "partition"],
      rules: ["R-APPEND-1", "R-WIRE-8", "R-REJOIN-2"],
      steps: [
        { op: "append", key: "grow", value: { hex: value70k.slice(0, 40_000) } },
        { op: "append", key: "grow", value: { hex: value70k.slice(40_000, 80_000) } },
        { op: "partition", nodes: [3] },
        { op: "append", key: "grow", value: { hex: value70k.slice(80_000, 120_000) } },
        { op: "append", key: "grow", value: { hex: value70k.slice(0, 40_000) } },
        { op: "snapshot", nodes: [3] },
        { op: "partition", nodes: [] },
        { op: "snapshot", nodes: "all" },
      ],
    },
    "value-utf8-72k": {
      description: "A 72,000-byte value given as UTF-8 text of 3-byte characters. Catches a port that stores the text's character count or UTF-16 length instead of its UTF-8 bytes.",
      tags: ["values", "large", "utf8"],
      rules: ["R-WIRE-8", "R-BYTES-3"],
      cluster: { nodes: 1, leader: 1 },
      steps: [
        { op: "put", key: "text", value: { utf8: "\u20ac".repeat(24_000) } },
        { op: "snapshot", nodes: [1] },
      ],
    },
  };
}

/**
 * Key number i of the many-keys store: a prefix that sorts differently in UTF-16 and in UTF-8 (U+E000 and
 * U+FFFD sort after U+1F600 in UTF-16, before it in UTF-8), or is a byte-order neighbour of another ("k-"
 * before "k0", "K" before "k"), then a decimal number that is not padded ("k19" before "k2").
 */
const MANY_PREFIXES = ["k", "K", "k-", "\u00e9", "\u20ac", "\ufffd", "\u{1f600}", "\ue000"];
const manyKey = (i: number) => `${MANY_PREFIXES[i % MANY_PREFIXES.length]}${Math.floor(i / MANY_PREFIXES.length)}`;

/**
 * A store of 1,500 live keys written in a shuffled order: 1,000, a snapshot, one more, a snapshot (so a port
 * whose order breaks past 1,000 keys fails at the second and passes the first), then 599 more while node 3 is
 * isolated, 100 deleted and 50 overwritten, and a heal that replicates them to node 3.
 */
function manyKeys(): Authored {
  const r = xorshift32(1_500);
  const ids = Array.from({ length: 1_600 }, (_, i) => i);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = r(i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const put = (id: number): Json => ({ op: "put", key: manyKey(id), value: { hex: hex(r, 1) } });
  const steps: Json[] = [];
  for (const id of ids.slice(0, 1_000)) steps.push(put(id));
  steps.push({ op: "snapshot", nodes: [1] });
  steps.push(put(ids[1_000]!));
  steps.push({ op: "snapshot", nodes: [1] });
  steps.push({ op: "partition", nodes: [3] });
  for (const id of ids.slice(1_001)) steps.push(put(id));
  const deleted = new Set<number>();
  while (deleted.size < 100) deleted.add(ids[r(ids.length)]!);
  for (const id of deleted) steps.push({ op: "delete", key: manyKey(id) });
  const live = ids.filter((id) => !deleted.has(id));
  for (let i = 0; i < 50; i++) steps.push(put(live[r(live.length)]!));
  steps.push({ op: "heal" });
  steps.push({ op: "snapshot", nodes: [1, 3] });
  return {
    description:
      "1,500 live keys, more than any other vector holds: 1,000 keys written in a shuffled order and snapshotted, one more (1,001) and snapshotted, then 599 more while follower 3 is isolated, 100 deleted and 50 overwritten, and a heal that brings them to node 3. The keys are \"k\", \"K\", \"k-\", \"\u00e9\", \"\u20ac\", \"\ufffd\", \"\ud83d\ude00\" and \"\ue000\" followed by unpadded numbers, so byte order is neither insertion, numeric nor UTF-16 order. Catches a port whose key order or store breaks past 1,000 keys (a sort that changes method or a structure that changes shape at some size), which the 300-key vectors never reach: it passes the snapshot at step 1,000 (steps count from 0) and fails the one at step 1,002.",
    tags: ["many-keys", "keys", "order", "utf16-trap", "partition", "heal"],
    rules: ["R-STORE-1", "R-WIRE-6"],
    steps,
  };
}

function files(): Map<string, string> {
  const out = new Map<string, string>();
  const add = (rel: string, s: Authored) => out.set(rel, formatAuthored(s));
  add("random/mix-seed-1-n3.json", randomMix(1, 2000, 3, 1));
  add("random/mix-seed-2-n5-leader3.json", randomMix(2, 3000, 5, 3));
  add("random/mix-seed-3-n4-leader2.json", randomMix(3, 3000, 4, 2));
  add("random/mix-seed-4-n7-leader7.json", randomMix(4, 5000, 7, 7));
  add("random/mix-seed-5-n2.json", randomMix(5, 2000, 2, 1));
  add("random/mix-seed-6-n1.json", randomMix(6, 1500, 1, 1));
  for (const [name, s] of Object.entries(bigScenarios())) add(`big/${name}.json`, s);
  add("big/many-keys-1500.json", manyKeys());
  return out;
}

async function main(): Promise<number> {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [rel, text] of files()) {
    const file = path.join(ROOT, "vectors", "scenarios", rel);
    const have = await readFile(file, "utf8").catch(() => null);
    if (have === text) continue;
    stale++;
    if (check) console.log(`stale ${path.relative(ROOT, file)} (run npx tsx scripts/generate_scenarios.ts)`);
    else {
      await writeFileAtomic(file, text);
      console.log(`wrote ${path.relative(ROOT, file)}`);
    }
  }
  if (stale === 0) console.log("generated scenarios are up to date");
  return check && stale > 0 ? 1 : 0;
}

process.exitCode = await main();
