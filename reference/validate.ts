// The semantic rejection rules of SPEC.md sections 2 and 5 that a schema cannot express: node ids against
// N, who is up at each step, lone surrogates, the u64 range of delta. Run only on schema-valid input.
import { formatPath, type PathSegment } from "./json_path.js";
import type { Problem } from "./problems.js";
import type { AuthoredScenario, Bytes } from "./types/scenario.gen.js";

/** R-ELECT-1: a scenario with an `elect` step or a `via` needs `elect` (also reference/normalize.ts). */
function needsElect(s: AuthoredScenario): boolean {
  return s.steps.some((st) => st.op === "elect" || "via" in st);
}

const U64_MAX = (1n << 64n) - 1n;

export function semanticProblems(s: AuthoredScenario): Problem[] {
  const problems: Problem[] = [];
  const report = (path: PathSegment[], rule: string, message: string) =>
    problems.push({ path: formatPath(path), rule, message });

  const n = s.cluster?.nodes ?? 3;
  const leader = s.cluster?.leader ?? 1;
  if (leader > n) report(["cluster", "leader"], "R-CLUSTER-2", `leader ${leader} is not a node of a ${n}-node cluster`);

  // R-NODE-1: returns whether the id names a node, so later rules only talk about real nodes.
  const exists = (id: number, path: PathSegment[]): boolean => {
    if (id <= n) return true;
    report(path, "R-NODE-1", `node ${id} does not exist; expected a node id from 1 to ${n}`);
    return false;
  };
  const checkText = (text: string, path: PathSegment[], rule: string, what: string) => {
    if (!text.isWellFormed()) report(path, rule, `${what} contains a lone surrogate; expected valid Unicode`);
  };
  const checkBytes = (b: Bytes | null, path: PathSegment[]) => {
    if (b?.utf8 !== undefined) checkText(b.utf8, [...path, "utf8"], "R-BYTES-3", "utf8 text");
  };

  // R-ELECT-1: only a scenario without elections keeps its leader up and on the majority's side.
  const fixedLeader = !needsElect(s);
  // Whether each node is up, step by step: R-CRASH-2, R-RESTART-1, R-SNAP-2, R-COMPACT-1 and R-ELECT-2 depend on it.
  const up = new Array<boolean>(n + 1).fill(true);
  let snapshots = 0;
  s.steps.forEach((step, i) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ["steps", i, ...rest];
    if ("key" in step) checkText(step.key, at("key"), "R-KEY-1", "key");
    if ("via" in step && step.via !== undefined) exists(step.via, at("via"));
    switch (step.op) {
      case "put":
      case "append":
        checkBytes(step.value, at("value"));
        break;
      case "cas":
        checkBytes(step.expected, at("expected"));
        checkBytes(step.value, at("value"));
        break;
      case "incr":
        if (BigInt(step.delta) > U64_MAX) report(at("delta"), "R-DELTA-1", `delta ${step.delta} is above 2^64 - 1`);
        break;
      case "partition": {
        const seen = new Set<number>();
        step.nodes.forEach((id, j) => {
          if (!exists(id, at("nodes", j))) return;
          if (fixedLeader && id === leader) report(at("nodes", j), "R-PART-2", `node ${id} is the leader, which cannot be isolated`);
          else if (seen.has(id)) report(at("nodes", j), "R-PART-3", `node ${id} is listed twice`);
          seen.add(id);
        });
        break;
      }
      case "crash":
        if (!exists(step.node, at("node"))) break;
        if (fixedLeader && step.node === leader) report(at("node"), "R-CRASH-1", `crash of node ${step.node}, the leader, is not allowed`);
        else if (!up[step.node]) report(at("node"), "R-CRASH-2", `crash of node ${step.node}, which is already down`);
        else up[step.node] = false;
        break;
      case "restart":
        if (!exists(step.node, at("node"))) break;
        if (up[step.node]) report(at("node"), "R-RESTART-1", `restart of node ${step.node}, which is up`);
        else up[step.node] = true;
        break;
      case "heal":
        up.fill(true);
        break;
      case "compact":
        if (!exists(step.node, at("node"))) break;
        if (!up[step.node]) report(at("node"), "R-COMPACT-1", `compact of node ${step.node}, which is down`);
        break;
      case "elect":
        if (!exists(step.node, at("node"))) break;
        if (!up[step.node]) report(at("node"), "R-ELECT-2", `elect of node ${step.node}, which is down`);
        break;
      case "snapshot": {
        snapshots++;
        if (step.nodes === "all") {
          const down = up.flatMap((isUp, id) => (id > 0 && !isUp ? [id] : []));
          if (down.length > 0) report(at("nodes"), "R-SNAP-2", `"all" while node ${down.join(", ")} is down`);
          break;
        }
        const seen = new Set<number>();
        step.nodes.forEach((id, j) => {
          if (!exists(id, at("nodes", j))) return;
          if (seen.has(id)) report(at("nodes", j), "R-SNAP-1", `node ${id} is listed twice`);
          else if (!up[id]) report(at("nodes", j), "R-SNAP-2", `snapshot of node ${id}, which is down`);
          seen.add(id);
        });
        break;
      }
    }
  });
  if (snapshots === 0) report(["steps"], "R-SCEN-2", "no snapshot step; expected at least one, or the scenario tests nothing");
  return problems;
}
