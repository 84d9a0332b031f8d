// Generated from schema/scenario.schema.json by `npm run cli -- types`. Do not edit by hand.

/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "step".
 */
export type AuthoredStep =
  | AuthoredPutStep
  | AuthoredDeleteStep
  | AuthoredAppendStep
  | AuthoredIncrStep
  | AuthoredCasStep
  | AuthoredPartitionStep
  | AuthoredCrashStep
  | AuthoredRestartStep
  | AuthoredHealStep
  | AuthoredSnapshotStep
  | AuthoredCompactStep
  | AuthoredElectStep;
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "key".
 */
export type Key = string;
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "delta".
 */
export type Delta = string;
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "nodeId".
 */
export type NodeId = number;

/**
 * A human-written scenario file (SPEC.md section 5). x-rule names the SPEC.md rule a failing keyword enforces; x-expected says what was expected, in words.
 */
export interface AuthoredScenario {
  description: string;
  tags?: string[];
  /**
   * @minItems 1
   */
  rules?: [string, ...string[]];
  cluster?: {
    nodes?: number;
    leader?: number;
  };
  /**
   * @minItems 1
   */
  steps: [AuthoredStep, ...AuthoredStep[]];
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "put".
 */
export interface AuthoredPutStep {
  op: "put";
  key: Key;
  value: Bytes;
  /**
   * R-ROUTE-1 (feature elect): the node the command is sent to; without it, the highest-term up leader.
   */
  via?: number;
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "bytes".
 */
export interface Bytes {
  utf8?: string;
  /**
   * Hex digits, either case, an even number of them. One character class in the pattern, which cannot overflow a regex stack however long the value; the even length is the kit's x-hex-bytes keyword (reference/schemas.ts).
   */
  hex?: string;
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "delete".
 */
export interface AuthoredDeleteStep {
  op: "delete";
  key: Key;
  /**
   * R-ROUTE-1 (feature elect): the node the command is sent to; without it, the highest-term up leader.
   */
  via?: number;
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "append".
 */
export interface AuthoredAppendStep {
  op: "append";
  key: Key;
  value: Bytes;
  /**
   * R-ROUTE-1 (feature elect): the node the command is sent to; without it, the highest-term up leader.
   */
  via?: number;
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "incr".
 */
export interface AuthoredIncrStep {
  op: "incr";
  key: Key;
  delta: Delta;
  /**
   * R-ROUTE-1 (feature elect): the node the command is sent to; without it, the highest-term up leader.
   */
  via?: number;
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "cas".
 */
export interface AuthoredCasStep {
  op: "cas";
  key: Key;
  expected: null | Bytes;
  value: Bytes;
  /**
   * R-ROUTE-1 (feature elect): the node the command is sent to; without it, the highest-term up leader.
   */
  via?: number;
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "partition".
 */
export interface AuthoredPartitionStep {
  op: "partition";
  nodes: NodeId[];
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "crash".
 */
export interface AuthoredCrashStep {
  op: "crash";
  node: NodeId;
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "restart".
 */
export interface AuthoredRestartStep {
  op: "restart";
  node: NodeId;
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "heal".
 */
export interface AuthoredHealStep {
  op: "heal";
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "snapshot".
 */
export interface AuthoredSnapshotStep {
  op: "snapshot";
  nodes: "all" | [NodeId, ...NodeId[]];
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "compact".
 */
export interface AuthoredCompactStep {
  op: "compact";
  node: NodeId;
}
/**
 * This interface was referenced by `AuthoredScenario`'s JSON-Schema
 * via the `definition` "elect".
 */
export interface AuthoredElectStep {
  op: "elect";
  node: NodeId;
}
