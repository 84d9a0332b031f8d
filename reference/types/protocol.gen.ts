// Generated from schema/protocol.schema.json by `npm run cli -- types`. Do not edit by hand.

/**
 * Every line of the adapter protocol (SPEC.md section 7). The runner validates what it sends against #/$defs/runnerMessage and every adapter line against #/$defs/adapterMessage.
 */
export type ProtocolMessage = RunnerMessage | AdapterMessage;
export type RunnerMessage = HelloRequest | RunRequest | DecodeRequest | ShutdownRequest;
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "step".
 */
export type Step =
  | PutStep
  | DeleteStep
  | AppendStep
  | IncrStep
  | CasStep
  | PartitionStep
  | CrashStep
  | RestartStep
  | HealStep
  | SnapshotStep
  | CompactStep
  | ElectStep;
export type AdapterMessage = HelloReply | ResultMessage | DecodedMessage | RejectedMessage | ErrorMessage;
/**
 * A snapshot in lowercase hex; the shortest possible snapshot is 36 bytes. The pattern is one character class, which validators run in a loop (a group repeated per pair, ^(?:[0-9a-f]{2}){36,}$, overflows V8's regex stack on a 12 MB snapshot). The even length and the minimum of 72 digits are the kit's x-hex-bytes keyword (reference/schemas.ts), not minLength, which validators compute by counting code points one by one over strings that are megabytes long.
 */
export type SnapshotHex = string;
/**
 * A u64 as its canonical decimal string (R-PROTO-13).
 */
export type U64Decimal = string;

/**
 * R-PROTO-5, runner to adapter.
 */
export interface HelloRequest {
  type: "hello";
  protocol: number;
}
/**
 * R-PROTO-6, runner to adapter.
 */
export interface RunRequest {
  type: "run";
  id: string;
  name: string;
  trace: boolean;
  scenario: NormalizedScenario;
}
/**
 * The scenario as the runner sends it to adapters (SPEC.md section 6): no defaults, no alternatives, bytes as lowercase hex.
 */
export interface NormalizedScenario {
  cluster: {
    nodes: number;
    leader: number;
  };
  /**
   * @minItems 1
   */
  steps: [Step, ...Step[]];
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "put".
 */
export interface PutStep {
  op: "put";
  key: string;
  /**
   * Lowercase hex with an even number of digits. The pattern is one character class, which validators run in a loop; a group repeated per pair, ^(?:[0-9a-f]{2})*$, overflows V8's regex stack on a 12 MB value. The even length is the kit's x-hex-bytes keyword (reference/schemas.ts).
   *
   * This interface was referenced by `NormalizedScenario`'s JSON-Schema
   * via the `definition` "hex".
   */
  value: string;
  /**
   * R-ROUTE-1 (feature elect), present exactly when the authored step has it (R-NORM-4).
   */
  via?: number;
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "delete".
 */
export interface DeleteStep {
  op: "delete";
  key: string;
  /**
   * R-ROUTE-1 (feature elect), present exactly when the authored step has it (R-NORM-4).
   */
  via?: number;
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "append".
 */
export interface AppendStep {
  op: "append";
  key: string;
  /**
   * Lowercase hex with an even number of digits. The pattern is one character class, which validators run in a loop; a group repeated per pair, ^(?:[0-9a-f]{2})*$, overflows V8's regex stack on a 12 MB value. The even length is the kit's x-hex-bytes keyword (reference/schemas.ts).
   *
   * This interface was referenced by `NormalizedScenario`'s JSON-Schema
   * via the `definition` "hex".
   */
  value: string;
  /**
   * R-ROUTE-1 (feature elect), present exactly when the authored step has it (R-NORM-4).
   */
  via?: number;
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "incr".
 */
export interface IncrStep {
  op: "incr";
  key: string;
  delta: string;
  /**
   * R-ROUTE-1 (feature elect), present exactly when the authored step has it (R-NORM-4).
   */
  via?: number;
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "cas".
 */
export interface CasStep {
  op: "cas";
  key: string;
  expected: null | string;
  /**
   * Lowercase hex with an even number of digits. The pattern is one character class, which validators run in a loop; a group repeated per pair, ^(?:[0-9a-f]{2})*$, overflows V8's regex stack on a 12 MB value. The even length is the kit's x-hex-bytes keyword (reference/schemas.ts).
   *
   * This interface was referenced by `NormalizedScenario`'s JSON-Schema
   * via the `definition` "hex".
   */
  value: string;
  /**
   * R-ROUTE-1 (feature elect), present exactly when the authored step has it (R-NORM-4).
   */
  via?: number;
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "partition".
 */
export interface PartitionStep {
  op: "partition";
  /**
   * Items: This interface was referenced by `NormalizedScenario`'s JSON-Schema
   * via the `definition` "nodeId".
   */
  nodes: number[];
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "crash".
 */
export interface CrashStep {
  op: "crash";
  /**
   * This interface was referenced by `NormalizedScenario`'s JSON-Schema
   * via the `definition` "nodeId".
   */
  node: number;
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "restart".
 */
export interface RestartStep {
  op: "restart";
  /**
   * This interface was referenced by `NormalizedScenario`'s JSON-Schema
   * via the `definition` "nodeId".
   */
  node: number;
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "heal".
 */
export interface HealStep {
  op: "heal";
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "snapshot".
 */
export interface SnapshotStep {
  op: "snapshot";
  /**
   * @minItems 1
   *
   * Items: This interface was referenced by `NormalizedScenario`'s JSON-Schema
   * via the `definition` "nodeId".
   */
  nodes: [number, ...number[]];
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "compact".
 */
export interface CompactStep {
  op: "compact";
  /**
   * This interface was referenced by `NormalizedScenario`'s JSON-Schema
   * via the `definition` "nodeId".
   */
  node: number;
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "elect".
 */
export interface ElectStep {
  op: "elect";
  /**
   * This interface was referenced by `NormalizedScenario`'s JSON-Schema
   * via the `definition` "nodeId".
   */
  node: number;
}
/**
 * R-PROTO-13, runner to adapter (feature decode).
 */
export interface DecodeRequest {
  type: "decode";
  id: string;
  /**
   * Lowercase hex of the bytes to decode, possibly empty; even length.
   */
  hex: string;
}
/**
 * R-PROTO-9, runner to adapter.
 */
export interface ShutdownRequest {
  type: "shutdown";
}
/**
 * R-PROTO-5, adapter to runner.
 */
export interface HelloReply {
  type: "hello";
  protocol: number;
  name: string;
  version: string;
  features: string[];
}
/**
 * R-PROTO-6 and R-PROTO-7, adapter to runner.
 */
export interface ResultMessage {
  type: "result";
  id: string;
  snapshots: SnapshotEntry[];
  trace?: TraceEntry[];
}
export interface SnapshotEntry {
  step: number;
  node: number;
  hex: SnapshotHex;
}
export interface TraceEntry {
  step: number;
  states: (null | SnapshotHex)[];
  /**
   * R-TRACE-1: present exactly when the scenario needs elect; raft[k] is null exactly when states[k] is.
   */
  raft?: (null | RaftState)[];
}
/**
 * R-TRACE-1: a node's election state after a step (its current_term is in its snapshot).
 */
export interface RaftState {
  role: "leader" | "candidate" | "follower";
  voted_for: null | number;
  log_length: number;
  last_log_term: number;
}
/**
 * R-PROTO-13, adapter to runner: the snapshot was accepted (SPEC.md 4.1).
 */
export interface DecodedMessage {
  type: "decoded";
  id: string;
  snapshot: DecodedSnapshot;
}
export interface DecodedSnapshot {
  current_term: U64Decimal;
  last_included_index: U64Decimal;
  last_included_term: U64Decimal;
  pairs: DecodedPair[];
}
export interface DecodedPair {
  key: string;
  /**
   * Lowercase hex.
   */
  value: string;
}
/**
 * R-PROTO-13, adapter to runner: the snapshot was rejected with the first rule of SPEC.md 4.1 that fails.
 */
export interface RejectedMessage {
  type: "rejected";
  id: string;
  rule:
    | "R-DECODE-1"
    | "R-DECODE-2"
    | "R-DECODE-3"
    | "R-DECODE-4"
    | "R-DECODE-5"
    | "R-DECODE-6"
    | "R-DECODE-7"
    | "R-DECODE-8";
  message: string;
}
/**
 * R-PROTO-8, adapter to runner.
 */
export interface ErrorMessage {
  type: "error";
  id: string | null;
  message: string;
}
