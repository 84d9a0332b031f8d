// Deliberately buggy variants of the reference, each a bug real ports have. A variant is a set of textual
// patches to reference/ source; every patch must match exactly once, so a refactor of the reference that
// makes a variant stale fails loudly instead of silently testing nothing.

/** The install decision in cluster.ts (R-INSTALL-4, which is R-INSTALL-1 without elections). */
const INSTALL_TEST = "if (ld.saved !== null && s > f.savedIndex && !(f.logLength >= s && termAt(f, s) === ld.savedTerm))";

export interface Patch {
  /** Path below reference/. */
  readonly file: string;
  readonly search: string;
  readonly replace: string;
}

export interface Variant {
  readonly id: string;
  /** The kind of port bug, so the table shows breadth, not 20 flavours of one bug. */
  readonly kind: string;
  readonly bug: string;
  readonly rules: readonly string[];
  readonly patches: readonly Patch[];
}

const SORT_BY_UTF8 = "pairs.sort((a, b) => (a.key.order < b.key.order ? -1 : a.key.order > b.key.order ? 1 : 0))";

export const VARIANTS: readonly Variant[] = [
  {
    id: "utf16-key-order",
    kind: "string ordering",
    bug: "sorts keys as JavaScript strings (UTF-16 code units), as a plain .sort() does",
    rules: ["R-STORE-1"],
    patches: [{ file: "store.ts", search: SORT_BY_UTF8, replace: "pairs.sort((a, b) => (a.key.text < b.key.text ? -1 : a.key.text > b.key.text ? 1 : 0))" }],
  },
  {
    id: "js-object-as-map",
    kind: "map iteration order",
    bug: "keeps the store in a plain object: integer-like keys enumerate first and __proto__ vanishes",
    rules: ["R-STORE-1"],
    patches: [
      {
        file: "store.ts",
        search: `    return ${SORT_BY_UTF8};`,
        replace: `    const o: Record<string, Pair> = {};\n    for (const p of ${SORT_BY_UTF8}) o[p.key.text] = p;\n    return Object.values(o);`,
      },
    ],
  },
  {
    id: "nul-terminated-keys",
    kind: "NUL in keys",
    bug: "treats keys as C strings, cutting them at the first NUL",
    rules: ["R-WIRE-8"],
    patches: [{ file: "log.ts", search: "const bytes = utf8Bytes(text);", replace: 'const bytes = utf8Bytes(text.split("\\u0000")[0]!);' }],
  },
  {
    id: "empty-key-dropped",
    kind: "empty key",
    bug: "treats the empty key as no key and leaves it out of the snapshot",
    rules: ["R-STORE-1", "R-WIRE-6"],
    patches: [{ file: "snapshot.ts", search: "pairs: pairs.map((p) =>", replace: 'pairs: pairs.filter((p) => p.key.text !== "").map((p) =>' }],
  },
  {
    id: "key-length-u8",
    kind: "length prefixes",
    bug: "keeps key lengths in a byte",
    rules: ["R-WIRE-8"],
    patches: [{ file: "snapshot.ts", search: "view.setUint32(at, p.keyBytes.length);", replace: "view.setUint32(at, p.keyBytes.length & 0xff);" }],
  },
  {
    id: "key-length-u16",
    kind: "length prefixes",
    bug: "keeps key lengths in a u16",
    rules: ["R-WIRE-8"],
    patches: [{ file: "snapshot.ts", search: "view.setUint32(at, p.keyBytes.length);", replace: "view.setUint32(at, p.keyBytes.length & 0xffff);" }],
  },
  {
    id: "value-length-u16",
    kind: "length prefixes",
    bug: "keeps value lengths in a u16",
    rules: ["R-WIRE-8"],
    patches: [{ file: "snapshot.ts", search: "view.setUint32(at, p.value.length);", replace: "view.setUint32(at, p.value.length & 0xffff);" }],
  },
  {
    id: "incr-saturates",
    kind: "integer wrapping",
    bug: "saturates at 2^64 - 1 instead of wrapping",
    rules: ["R-INCR-2"],
    patches: [{ file: "state_machine.ts", search: "(value + delta) % U64", replace: "(value + delta > U64 - 1n ? U64 - 1n : value + delta)" }],
  },
  {
    id: "incr-delta-through-float64",
    kind: "integer width",
    bug: "parses delta as a JSON number (float64), losing bits above 2^53",
    rules: ["R-INCR-1", "R-DELTA-1"],
    patches: [{ file: "state_machine.ts", search: "BigInt(command.delta)", replace: "BigInt(Number(command.delta))" }],
  },
  {
    id: "incr-little-endian",
    kind: "endianness",
    bug: "reads and writes the counter little-endian",
    rules: ["R-INCR-2"],
    patches: [
      { file: "state_machine.ts", search: "BigInt(`0x${current}`)", replace: 'BigInt(`0x${current.match(/../g)!.reverse().join("")}`)' },
      { file: "state_machine.ts", search: '.toString(16).padStart(16, "0")', replace: '.toString(16).padStart(16, "0").match(/../g)!.reverse().join("")' },
    ],
  },
  {
    id: "incr-resets-odd-length",
    kind: "incr on non-8-byte values",
    bug: "treats a value that is not 8 bytes as 0 instead of leaving it alone",
    rules: ["R-INCR-3"],
    patches: [{ file: "state_machine.ts", search: "return; // R-INCR-3", replace: "value = 0n; // R-INCR-3" }],
  },
  {
    id: "cas-null-matches-empty",
    kind: "cas null vs empty",
    bug: "lets expected null match a present empty value",
    rules: ["R-CAS-2"],
    patches: [{ file: "state_machine.ts", search: "expected === null ? current === undefined :", replace: 'expected === null ? current === undefined || current === "" :' }],
  },
  {
    id: "cas-empty-matches-missing",
    kind: "cas null vs empty",
    bug: "lets an empty expected value match a missing key",
    rules: ["R-CAS-2"],
    patches: [
      { file: "state_machine.ts", search: ": current === expected;", replace: ': (current ?? "") === expected;' },
    ],
  },
  {
    id: "append-missing-is-noop",
    kind: "append edge",
    bug: "appends only to existing keys",
    rules: ["R-APPEND-1"],
    patches: [
      {
        file: "state_machine.ts",
        search: 'store.set(command.key, (store.get(command.key) ?? "") + command.value);',
        replace: 'if (store.get(command.key) !== undefined) store.set(command.key, (store.get(command.key) ?? "") + command.value);',
      },
    ],
  },
  {
    id: "put-empty-deletes",
    kind: "empty values",
    bug: "treats putting an empty value as a delete",
    rules: ["R-STORE-2", "R-PUT-1"],
    patches: [
      {
        file: "state_machine.ts",
        search: "      store.set(command.key, command.value);\n      return;\n    case \"delete\":",
        replace: "      if (command.value === \"\") store.delete(command.key);\n      else store.set(command.key, command.value);\n      return;\n    case \"delete\":",
      },
    ],
  },
  {
    id: "majority-ceil",
    kind: "majority rule",
    bug: "computes the majority as ceil(N / 2), too small for even N",
    rules: ["R-CLUSTER-5", "R-COMMIT-1"],
    patches: [{ file: "cluster.ts", search: "Math.floor(this.nodes.length / 2) + 1", replace: "Math.ceil(this.nodes.length / 2)" }],
  },
  {
    id: "commit-counts-reachable-only",
    kind: "commit counting",
    bug: "counts only reachable followers towards the majority, ignoring isolated holders of the entry",
    rules: ["R-COMMIT-1"],
    patches: [{ file: "cluster.ts", search: "for (const m of this.nodes) if (m.savedIndex < n", replace: "for (const m of this.nodes) if ((m === ld || (m.up && this.isolated.has(m.id) === this.isolated.has(ld.id))) && m.savedIndex < n" }],
  },
  {
    id: "commit-ignores-down-nodes",
    kind: "commit counting",
    bug: "forgets that a down follower's persistent log still counts",
    rules: ["R-COMMIT-1", "R-CRASH-3"],
    patches: [{ file: "cluster.ts", search: "for (const m of this.nodes) if (m.savedIndex < n", replace: "for (const m of this.nodes) if (m.up && m.savedIndex < n" }],
  },
  {
    id: "isolated-followers-receive-entries",
    kind: "replication",
    bug: "replicates to isolated followers as long as they are up",
    rules: ["R-ROUND-1", "R-CLUSTER-4"],
    patches: [
      {
        file: "cluster.ts",
        search: "    for (const f of members) if (f !== ld) this.bringIn(f, ld);\n",
        replace: "    for (const f of members) if (f !== ld) this.bringIn(f, ld);\n    for (const f of this.nodes) if (f.up && !members.includes(f) && f.currentTerm <= ld.currentTerm) [f.entries, f.logLength] = [ld.entries, ld.logLength];\n",
      },
    ],
  },
  {
    id: "crash-forgets-log",
    kind: "what a crash forgets",
    bug: "loses the log on crash, although it is persistent",
    rules: ["R-CRASH-3"],
    patches: [{ file: "cluster.ts", search: "    f.up = false;\n", replace: "    f.up = false;\n    f.logLength = 0;\n" }],
  },
  {
    id: "crash-keeps-volatile-state",
    kind: "what a crash forgets",
    bug: "keeps the store and indices across a crash and restart",
    rules: ["R-CRASH-3", "R-RESTART-2"],
    patches: [
      { file: "cluster.ts", search: '    f.up = false;\n    f.role = "follower";\n    f.store = new Store(this.keys);\n    f.commitIndex = 0;\n    f.lastApplied = 0;\n', replace: '    f.up = false;\n    f.role = "follower";\n' },
      { file: "cluster.ts", search: '    f.up = true;\n    f.role = "follower";\n    f.store = new Store(this.keys);\n    f.commitIndex = 0;\n    f.lastApplied = 0;\n', replace: '    f.up = true;\n    f.role = "follower";\n' },
    ],
  },
  {
    id: "restart-rejoins-inside-partition",
    kind: "when a rejoin happens",
    bug: "rejoins a restarted node even while it is isolated",
    rules: ["R-RESTART-2", "R-REJOIN-1"],
    patches: [
      {
        file: "cluster.ts",
        search: "    if (f.saved === null) return;\n",
        replace: "    const leader = this.defaultLeader();\n    if (leader !== null) return this.bringIn(f, leader);\n    if (f.saved === null) return;\n",
      },
    ],
  },
  {
    id: "rejoin-without-store",
    kind: "what a rejoin installs",
    bug: "advances a rejoining follower's indices without installing the leader's state",
    rules: ["R-REJOIN-2"],
    patches: [{ file: "cluster.ts", search: "      f.store = ld.store.clone();\n", replace: "" }],
  },
  {
    id: "partition-extends",
    kind: "partition semantics",
    bug: "adds to the isolated set instead of replacing it",
    rules: ["R-PART-1"],
    patches: [{ file: "cluster.ts", search: "this.isolated = new Set(step.nodes);", replace: "this.isolated = new Set([...this.isolated, ...step.nodes]);" }],
  },
  {
    id: "heal-leaves-crashed-down",
    kind: "heal semantics",
    bug: "lifts the partition on heal but does not restart crashed nodes",
    rules: ["R-HEAL-1"],
    patches: [{ file: "cluster.ts", search: "for (const n of this.nodes) if (!n.up) this.restart(n);", replace: "" }],
  },
  {
    id: "crc32-ieee",
    kind: "checksum",
    bug: "uses the IEEE CRC-32 polynomial instead of Castagnoli",
    rules: ["R-WIRE-7"],
    patches: [{ file: "crc32c.ts", search: "0x82f63b78", replace: "0xedb88320" }],
  },
  {
    id: "crc-skips-magic",
    kind: "checksum",
    bug: "computes the CRC over the bytes after the magic",
    rules: ["R-WIRE-7"],
    patches: [{ file: "snapshot.ts", search: "crc32c(out, 0, at)", replace: "crc32c(out, 4, at)" }],
  },
  {
    id: "term-1-when-empty",
    kind: "snapshot header",
    bug: "writes last_included_term 1 even when nothing is applied",
    rules: ["R-WIRE-4"],
    patches: [{ file: "snapshot.ts", search: "lastIncludedTerm: BigInt(lastIncludedTerm),", replace: "lastIncludedTerm: BigInt(lastApplied === 0 ? 1 : lastIncludedTerm)," }],
  },
  {
    id: "snapshot-nodes-sorted",
    kind: "emission order",
    bug: "emits a snapshot step's nodes in id order instead of the order listed",
    rules: ["R-SNAP-3"],
    patches: [{ file: "run.ts", search: "for (const id of step.nodes)", replace: "for (const id of [...step.nodes].sort((a, b) => a - b))" }],
  },
  // Compaction, saved snapshots and install (SPEC.md 3.3).
  {
    id: "restart-ignores-saved",
    kind: "restore from saved snapshot",
    bug: "comes up empty after a restart even with a saved snapshot, as v1 said",
    rules: ["R-SAVED-3"],
    patches: [{ file: "cluster.ts", search: "    if (f.saved === null) return;", replace: "    return;" }],
  },
  {
    id: "restore-keeps-indices-zero",
    kind: "restore from saved snapshot",
    bug: "restores the saved store but leaves commit_index and last_applied at 0",
    rules: ["R-SAVED-3"],
    patches: [{ file: "cluster.ts", search: "    f.commitIndex = f.lastApplied = f.savedIndex;", replace: "" }],
  },
  {
    id: "crash-drops-saved",
    kind: "persistent state",
    bug: "treats the saved snapshot as volatile: a crash loses it with the store",
    rules: ["R-SAVED-2"],
    patches: [{ file: "cluster.ts", search: "    f.up = false;\n", replace: "    f.up = false;\n    f.saved = null;\n    f.savedIndex = 0;\n    f.savedTerm = 0;\n" }],
  },
  {
    id: "install-not-copying-saved",
    kind: "snapshot install",
    bug: "takes the leader's discarded prefix on install but not its saved bytes",
    rules: ["R-INSTALL-1"],
    patches: [{ file: "cluster.ts", search: "      f.saved = ld.saved;\n", replace: "" }],
  },
  {
    id: "install-by-last-applied",
    kind: "snapshot install",
    bug: "decides the install on the follower's last_applied instead of its log length",
    rules: ["R-INSTALL-1"],
    patches: [{ file: "cluster.ts", search: INSTALL_TEST, replace: "if (ld.saved !== null && f.lastApplied < s)" }],
  },
  {
    id: "install-when-leader-newer",
    kind: "snapshot install",
    bug: "installs whenever the leader's saved snapshot is newer than the follower's own",
    rules: ["R-INSTALL-1", "R-INSTALL-2"],
    patches: [{ file: "cluster.ts", search: INSTALL_TEST, replace: "if (ld.saved !== null && f.savedIndex < s)" }],
  },
  {
    id: "install-after-round",
    kind: "snapshot install",
    bug: "leaves catch-up to the replication round, after which the follower's log is never short",
    rules: ["R-INSTALL-3"],
    patches: [{ file: "cluster.ts", search: INSTALL_TEST, replace: "if (ld.saved !== null && ld.logLength < s)" }],
  },
  {
    id: "install-boundary-off-by-one",
    kind: "snapshot install",
    bug: "installs when the follower's log is exactly as long as the leader's saved_index",
    rules: ["R-INSTALL-1"],
    patches: [{ file: "cluster.ts", search: INSTALL_TEST, replace: "if (ld.saved !== null && s > f.savedIndex && !(f.logLength > s && termAt(f, s) === ld.savedTerm))" }],
  },
  // Decoding (SPEC.md 4.1).
  {
    id: "decode-crc-not-checked",
    kind: "decode check",
    bug: "accepts a snapshot whose CRC is wrong",
    rules: ["R-DECODE-3"],
    patches: [{ file: "decode.ts", search: "if (crc !== computed) return reject(", replace: "if (crc !== computed && false) return reject(" }],
  },
  {
    id: "decode-structure-before-crc",
    kind: "decode check order",
    bug: "walks the pairs before checking the CRC, so a truncated snapshot is R-DECODE-5 instead of R-DECODE-3",
    rules: ["R-DECODE-3", "R-DECODE-9"],
    patches: [
      { file: "decode.ts", search: "if (crc !== computed) return reject(", replace: "if (crc !== computed && false) return reject(" },
      { file: "decode.ts", search: "  let previous: Uint8Array | undefined;", replace: '  if (crc !== computed) return reject("R-DECODE-3", crcAt, "bad crc");\n  let previous: Uint8Array | undefined;' },
    ],
  },
  {
    id: "decode-magic-after-crc",
    kind: "decode check order",
    bug: "checks the CRC before the magic",
    rules: ["R-DECODE-2"],
    patches: [{ file: "decode.ts", search: "    if (b[i] !== MAGIC[i]) return reject(", replace: "    if (b[i] !== MAGIC[i] && crc32c(b, 0, b.length - 4) === new DataView(b.buffer, b.byteOffset).getUint32(b.length - 4)) return reject(" }],
  },
  {
    id: "decode-signed-lengths",
    kind: "decode bounds",
    bug: "reads lengths as signed 32-bit integers, so 2^31 and above pass the bound check as negative",
    rules: ["R-DECODE-11", "R-DECODE-5"],
    patches: [{ file: "decode.ts", search: "return view.getUint32(at); // unsigned", replace: "return view.getInt32(at); // unsigned" }],
  },
  {
    id: "decode-signed-terms",
    kind: "decode header",
    bug: "compares terms as signed 64-bit integers",
    rules: ["R-DECODE-10", "R-DECODE-4"],
    patches: [{ file: "decode.ts", search: "if (lastIncludedTerm > currentTerm)", replace: "if (BigInt.asIntN(64, lastIncludedTerm) > BigInt.asIntN(64, currentTerm))" }],
  },
  {
    id: "decode-overlong-accepted",
    kind: "decode UTF-8",
    bug: "accepts the overlong two-byte forms C0 and C1 (modified UTF-8's NUL)",
    rules: ["R-DECODE-7"],
    patches: [{ file: "bytes.ts", search: "if (c >= 0xc2 && c <= 0xdf) need = 1;", replace: "if (c >= 0xc0 && c <= 0xdf) need = 1;" }],
  },
  {
    id: "decode-surrogates-accepted",
    kind: "decode UTF-8",
    bug: "accepts encoded surrogates ED A0..BF, as CESU-8 does",
    rules: ["R-DECODE-7"],
    patches: [{ file: "bytes.ts", search: "else if (c === 0xed) hi = 0x9f;", replace: "" }],
  },
  {
    id: "decode-duplicates-accepted",
    kind: "decode key order",
    bug: "accepts a key equal to the one before it",
    rules: ["R-DECODE-8"],
    patches: [{ file: "decode.ts", search: "compareBytes(previous, key) >= 0", replace: "compareBytes(previous, key) > 0" }],
  },
  {
    id: "decode-bom-stripped",
    kind: "decode keys",
    bug: "strips a byte-order mark at the start of a key, as a default UTF-8 text decoder does",
    rules: ["R-DECODE-12"],
    patches: [{ file: "decode.ts", search: 'const keyText = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });', replace: 'const keyText = new TextDecoder("utf-8", { fatal: true });' }],
  },
  // Elections (SPEC.md 3.4, feature elect): the classic bugs of Raft ports in vote persistence, the vote
  // rule, the commit rule and truncation. A variant whose bug the reference's own invariants would trip on
  // also drops that invariant, so that it is killed by wrong bytes, as a port would be, not by a throw.
  {
    id: "elect-vote-granted-twice",
    kind: "election: votes",
    bug: "grants its vote to any up-to-date candidate, even after voting for another in the same term",
    rules: ["R-VOTE-1", "R-ELECT-5"],
    patches: [{ file: "election.ts", search: "if ((v.votedFor === 0 || v.votedFor === c.id) && atLeastAsUpToDate(c, v)) {", replace: "if (atLeastAsUpToDate(c, v)) {" }],
  },
  {
    id: "elect-no-up-to-date-check",
    kind: "election: votes",
    bug: "grants its vote without comparing logs (Raft 5.4.1), so a candidate missing committed entries can win",
    rules: ["R-VOTE-2"],
    patches: [
      { file: "election.ts", search: "if ((v.votedFor === 0 || v.votedFor === c.id) && atLeastAsUpToDate(c, v)) {", replace: "if (v.votedFor === 0 || v.votedFor === c.id) {" },
      { file: "cluster.ts", search: "invariant(f.commitIndex <= ld.logLength && termAt(f, f.commitIndex) === termAt(ld, f.commitIndex), `node ${f.id} would lose committed entries`);", replace: "" },
      { file: "cluster.ts", search: "invariant(n.commitIndex <= n.logLength, `node ${n.id} commits past the end of its log`);", replace: "if (n.commitIndex > n.logLength) n.commitIndex = n.lastApplied = n.logLength;" },
    ],
  },
  {
    id: "elect-up-to-date-by-length",
    kind: "election: votes",
    bug: "compares log length before the last entry's term in the vote rule",
    rules: ["R-VOTE-2", "R-LOG-4"],
    patches: [
      { file: "node_log.ts", search: "return c > v || (c === v && candidate.logLength >= voter.logLength);", replace: "return candidate.logLength > voter.logLength || (candidate.logLength === voter.logLength && c >= v);" },
      { file: "cluster.ts", search: "invariant(f.commitIndex <= ld.logLength && termAt(f, f.commitIndex) === termAt(ld, f.commitIndex), `node ${f.id} would lose committed entries`);", replace: "" },
      { file: "cluster.ts", search: "invariant(n.commitIndex <= n.logLength, `node ${n.id} commits past the end of its log`);", replace: "if (n.commitIndex > n.logLength) n.commitIndex = n.lastApplied = n.logLength;" },
    ],
  },
  {
    id: "elect-voted-for-lost-at-crash",
    kind: "election: persistence",
    bug: "keeps voted_for in memory only, so a node that restarts in the same term votes again",
    rules: ["R-TERM-1", "R-CRASH-4"],
    patches: [{ file: "cluster.ts", search: "    f.up = false;\n", replace: "    f.up = false;\n    f.votedFor = 0;\n" }],
  },
  {
    id: "elect-current-term-lost-at-crash",
    kind: "election: persistence",
    bug: "keeps current_term in memory only, so a restarted node is back at term 1",
    rules: ["R-TERM-1", "R-CRASH-4"],
    patches: [{ file: "cluster.ts", search: "    f.up = false;\n", replace: "    f.up = false;\n    f.currentTerm = 1;\n" }],
  },
  {
    id: "elect-no-noop",
    kind: "election: no-op",
    bug: "appends no no-op when it wins, so entries of earlier terms wait for the next command to commit",
    rules: ["R-NOOP-1", "R-COMMIT-4"],
    patches: [{ file: "election.ts", search: "  appendEntry(c, null);\n  c.termStart = c.logLength;", replace: "  c.termStart = c.logLength + 1;" }],
  },
  {
    id: "elect-commit-earlier-term-by-counting",
    kind: "election: commit rule",
    bug: "appends no no-op and instead commits an entry of an earlier term once a majority holds it (Raft Figure 8)",
    rules: ["R-COMMIT-4", "R-NOOP-1"],
    patches: [
      { file: "election.ts", search: "  appendEntry(c, null);\n  c.termStart = c.logLength;", replace: "  c.termStart = c.logLength + 1;" },
      { file: "cluster.ts", search: "const lo = Math.max(ld.commitIndex + 1, ld.termStart);", replace: "const lo = ld.commitIndex + 1;" },
      { file: "cluster.ts", search: "while (h >= lo && termAt(n, h) !== ld.currentTerm) h--;", replace: "while (h >= lo && termAt(n, h) !== termAt(ld, h)) h--;" },
      { file: "cluster.ts", search: "m.logLength >= n && termAt(m, n) === ld.currentTerm) count++;", replace: "m.logLength >= n && termAt(m, n) === termAt(ld, n)) count++;" },
    ],
  },
  {
    id: "elect-commit-by-length",
    kind: "election: commit rule",
    bug: "keeps the fixed-leader commit rule (R-COMMIT-1): counts every log that reaches index n, whatever its entry's term",
    rules: ["R-COMMIT-4", "R-COMMIT-1"],
    patches: [
      { file: "cluster.ts", search: "const lo = Math.max(ld.commitIndex + 1, ld.termStart);", replace: "const lo = ld.commitIndex + 1;" },
      { file: "cluster.ts", search: "if (n.entries !== ld.entries) while (h >= lo && termAt(n, h) !== ld.currentTerm) h--;", replace: "" },
      { file: "cluster.ts", search: "if (m.savedIndex < n && m.logLength >= n && termAt(m, n) === ld.currentTerm) count++;", replace: "if (m.logLength >= n) count++;" },
    ],
  },
  {
    id: "elect-stale-leader-entries-applied",
    kind: "election: commit rule",
    bug: "counts a node for index n when its log reaches n, whatever term its entry there has, so a stale leader commits and applies its entries on the strength of the new leader's longer logs",
    rules: ["R-COMMIT-4", "R-TRUNC-1"],
    patches: [
      { file: "cluster.ts", search: "if (n.entries !== ld.entries) while (h >= lo && termAt(n, h) !== ld.currentTerm) h--;", replace: "" },
      { file: "cluster.ts", search: "if (m.savedIndex < n && m.logLength >= n && termAt(m, n) === ld.currentTerm) count++;", replace: "if (m.savedIndex < n && m.logLength >= n) count++;" },
      { file: "cluster.ts", search: "invariant(f.commitIndex <= ld.logLength && termAt(f, f.commitIndex) === termAt(ld, f.commitIndex), `node ${f.id} would lose committed entries`);", replace: "" },
    ],
  },
  {
    id: "elect-truncates-committed",
    kind: "election: truncation",
    bug: "a new leader cuts its log back to its own commit index, a volatile index a restart reset, dropping entries a majority committed",
    rules: ["R-TRUNC-1", "R-ELECT-5"],
    patches: [
      { file: "election.ts", search: '  c.role = "leader";\n', replace: '  c.role = "leader";\n  c.logLength = Math.max(c.commitIndex, c.savedIndex);\n' },
      { file: "cluster.ts", search: "invariant(f.commitIndex <= ld.logLength && termAt(f, f.commitIndex) === termAt(ld, f.commitIndex), `node ${f.id} would lose committed entries`);", replace: "" },
      { file: "cluster.ts", search: "invariant(n.commitIndex <= n.logLength, `node ${n.id} commits past the end of its log`);", replace: "if (n.commitIndex > n.logLength) n.commitIndex = n.lastApplied = n.logLength;" },
    ],
  },
  {
    id: "elect-no-step-down-in-round",
    kind: "election: step-down",
    bug: "a leader that meets a higher term in a round keeps leading (it steps down only on a vote request)",
    rules: ["R-ROUND-2", "R-ELECT-5"],
    patches: [
      { file: "cluster.ts", search: "for (const n of members) if (n.role === \"leader\" && n.currentTerm < top) adoptTerm(n, top);", replace: "" },
      { file: "cluster.ts", search: "invariant(f.commitIndex <= ld.logLength && termAt(f, f.commitIndex) === termAt(ld, f.commitIndex), `node ${f.id} would lose committed entries`);", replace: "" },
      { file: "cluster.ts", search: "invariant(n.commitIndex <= n.logLength, `node ${n.id} commits past the end of its log`);", replace: "if (n.commitIndex > n.logLength) n.commitIndex = n.lastApplied = n.logLength;" },
    ],
  },
  {
    id: "elect-voter-keeps-leading",
    kind: "election: step-down",
    bug: "a leader asked for its vote in a higher term adopts the term but keeps its role",
    rules: ["R-VOTE-1", "R-ELECT-5"],
    patches: [{ file: "election.ts", search: "if (v.currentTerm < c.currentTerm) adoptTerm(v, c.currentTerm);", replace: "if (v.currentTerm < c.currentTerm) {\n      v.currentTerm = c.currentTerm;\n      v.votedFor = 0;\n    }" }],
  },
];
