// Generated from schema/normalized.schema.json by `npm run cli -- types`. Do not edit by hand.

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
/**
 * Lowercase hex with an even number of digits. The pattern is one character class, which validators run in a loop; a group repeated per pair, ^(?:[0-9a-f]{2})*$, overflows V8's regex stack on a 12 MB value. The even length is the kit's x-hex-bytes keyword (reference/schemas.ts).
 *
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "hex".
 */
export type Hex = string;
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "nodeId".
 */
export type NodeId = number;

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
  value: Hex;
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
  value: Hex;
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
  expected: null | Hex;
  value: Hex;
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
  nodes: NodeId[];
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "crash".
 */
export interface CrashStep {
  op: "crash";
  node: NodeId;
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "restart".
 */
export interface RestartStep {
  op: "restart";
  node: NodeId;
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
   */
  nodes: [NodeId, ...NodeId[]];
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "compact".
 */
export interface CompactStep {
  op: "compact";
  node: NodeId;
}
/**
 * This interface was referenced by `NormalizedScenario`'s JSON-Schema
 * via the `definition` "elect".
 */
export interface ElectStep {
  op: "elect";
  node: NodeId;
}
