// Prints the reviewed list of StrykerJS survivors (selftest/strength/equivalent-ts.md) from a Stryker JSON report,
// one line per mutant that is neither killed nor timed out, with the reason reviewed for its (file, line) or
// "UNREVIEWED" when there is none: node selftest/strength/classify_ts.mjs [.build/strength/stryker.json]
import { readFileSync } from "node:fs";

const DIAG = "diagnosis only: a port's rejection is compared by its rule alone, the offset and message are for people (R-PROTO-13)";
const INVARIANT = "a reference self-check (assert.ts) that never fails on a validated scenario, so no golden can reach it";
const STRUCT = "a field that runs into the crc and is not reported there is reported by the next field's check, as R-DECODE-5 all the same (at is then past the crc, and every length is read from bytes that exist): only the offset differs";
const HEX_IN = "hexToBytes's check of bad hex: it is only ever given even-length lowercase hex (R-NORM-2, and the runner's decode hex, R-PROTO-13)";
const REASONS = {
  "reference/bytes.ts:21": "writes past the end of a Uint8Array are dropped: no digit of the hex changes",
  "reference/bytes.ts:28": "only the nibble of a non-hex character changes: " + HEX_IN,
  "reference/bytes.ts:29": "HEX.charCodeAt(16) is NaN, and writing index NaN of a typed array does nothing",
  "reference/bytes.ts:31": "only uppercase digits are affected: " + HEX_IN,
  "reference/bytes.ts:37": HEX_IN,
  "reference/bytes.ts:39": "a character code above 127: " + HEX_IN,
  "reference/bytes.ts:40": "a character code above 127: " + HEX_IN,
  "reference/bytes.ts:41": HEX_IN,
  "reference/bytes.ts:44": HEX_IN,
  "reference/store.ts:24": "KeyTable is a cache: computing a key's bytes again gives the same key",
  "reference/store.ts:39": "Store.size is used by nothing (dead code in the reference)",
  "reference/store.ts:66": "store keys are distinct, so the comparator never sees equal keys; returning 0 instead of 1 for x > y sorted the same in V8's TimSort (derived from CPython's listsort, which asks only whether x < y) on 3000 random arrays of up to 200000 strings",
  "reference/cluster.ts:63": "the leader counted among the followers: replicating to it, applying its committed entries again or rejoining it changes nothing (its log is the log, it has applied through its commit index)",
  "reference/cluster.ts:68": INVARIANT,
  "reference/cluster.ts:101": "every reachable follower rejoining after every event: a follower reachable before and after it already holds the leader's log, commit index and store, which is what rejoin gives it (R-ROUND-1, R-COMMIT-3), and its log length is not below the leader's saved index, so nothing is installed",
  "reference/cluster.ts:130": INVARIANT,
  "reference/cluster.ts:148": "restoring a node outside P too: it rejoins in the same step and takes the leader's store and indices (R-SAVED-3), which overwrite the restored ones",
  "reference/cluster.ts:159": INVARIANT,
  "reference/cluster.ts:171": INVARIANT,
  "reference/cluster.ts:205": INVARIANT,
  "reference/cluster.ts:213": INVARIANT,
  "reference/cluster.ts:142": INVARIANT,
  "reference/cluster.ts:149": INVARIANT,
  "reference/cluster.ts:160": INVARIANT,
  "reference/cluster.ts:172": INVARIANT,
  "reference/cluster.ts:206": INVARIANT,
  "reference/cluster.ts:214": INVARIANT,
  "reference/cluster.ts:215": INVARIANT,
  "reference/cluster.ts:216": INVARIANT,
  "reference/cluster.ts:217": INVARIANT,
  "reference/cluster.ts:218": INVARIANT,
  "reference/cluster.ts:219": INVARIANT,
  "reference/log.ts:23": "the same prefix on every key's order string leaves their order as it was",
  "reference/log.ts:24": "one more, empty, chunk: String.fromCharCode() of no bytes is \"\", so the order string is the same",
  "reference/run.ts:18": "the trace, which only the trace command asks for (R-PROTO-7): a golden records snapshots, not traces",
  "reference/run.ts:26": "the trace, which only the trace command asks for (R-PROTO-7): a golden records snapshots, not traces",
  "reference/run.ts:28": "the trace, which only the trace command asks for (R-PROTO-7): a golden records snapshots, not traces",
  "reference/crc32c.ts:7": "the table write at index 256 falls past the end of a Uint32Array(256) and is dropped",
  "reference/decode.ts:65": STRUCT,
  "reference/decode.ts:69": STRUCT,
  "reference/decode.ts:72": STRUCT,
  "reference/decode.ts:118": "fatal only matters for bytes that are not UTF-8, and keyString is only given keys invalidUtf8At has accepted (R-DECODE-7 first)",
};
for (const line of [36, 39, 46, 51, 52, 54, 62, 64, 68, 71, 75, 79, 84, 86, 88, 107]) REASONS[`reference/decode.ts:${line}`] = DIAG;

const report = JSON.parse(readFileSync(process.argv[2] ?? ".build/strength/stryker.json", "utf8"));
let unreviewed = 0;
for (const [file, { source, mutants }] of Object.entries(report.files)) {
  const lines = source.split("\n");
  for (const m of [...mutants].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column)) {
    if (m.status === "Killed" || m.status === "Timeout") continue;
    const { line, column } = m.location.start;
    const original = lines[line - 1].slice(m.location.start.column - 1, m.location.end.line === line ? m.location.end.column - 1 : undefined);
    const reason = REASONS[`${file}:${line}`];
    if (!reason) unreviewed++;
    const shown = (s) => "`" + s.replace(/\s+/g, " ").replace(/`/g, "'").slice(0, 60) + "`";
    console.log(`- ${file}:${line}:${column} ${m.status} ${m.mutatorName}: ${shown(original)} -> ${shown(m.replacement ?? "")}: ${reason ?? "UNREVIEWED"}`);
  }
}
if (unreviewed) console.error(`${unreviewed} survivor(s) not reviewed`);
process.exitCode = unreviewed ? 1 : 0;
