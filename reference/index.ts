// The executable reference: pure and deterministic, no I/O. Everything the runner and the CLI need.
export { bytesToHex, hexToBytes, invalidUtf8At, utf8Bytes, utf8Length } from "./bytes.js";
export { crc32c } from "./crc32c.js";
export { Store } from "./store.js";
export { applyCommand } from "./state_machine.js";
export { Cluster, raftState, type Role } from "./cluster.js";
export { runScenario, nodeSnapshot } from "./run.js";
export { encodeSnapshot, type Snapshot, type SnapshotPair } from "./snapshot.js";
export { loadScenario, loadScenarioBytes, scenarioText, checkScenario, requiredFeatures, FEATURES, type ScenarioFeature } from "./normalize.js";
export { formatProblem, preview, type Problem } from "./problems.js";
export { shown } from "./display.js";
export { validator } from "./schemas.js";
export { formatPath, pointerSegments } from "./json_path.js";
export { semanticProblems } from "./validate.js";
export { LIMITS, runSizes, type RunSizes } from "./limits.js";
export { nameProblem } from "./names.js";
export type { NormalizedScenario, Step } from "./types/normalized.gen.js";
export type { AuthoredScenario } from "./types/scenario.gen.js";
export type { GoldenVector } from "./types/golden.gen.js";
export type {
  AdapterMessage,
  ErrorMessage,
  HelloReply,
  ResultMessage,
  RunRequest,
  SnapshotEntry,
  TraceEntry,
  RaftState,
  DecodedMessage,
  DecodedSnapshot as DecodedSnapshotJson,
  RejectedMessage,
} from "./types/protocol.gen.js";
export { decodeVerdict, decodedJson, fieldAt, compareBytes, type DecodeVerdict, type FieldSpan, type Rejection, type SnapshotRead } from "./decode.js";
