// The import map of the kit's TypeScript: every file's relative imports (type-only ones too, dynamic ones
// too), folded to the top-level folders they join. `npm run imports` prints it; scripts/layers.test.ts holds
// it to the layering that docs/developing.md describes.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** The folders, lowest first: a file may import its own folder and any folder of a lower rank, nothing else. */
export const LAYERS: Readonly<Record<string, number>> = {
  // The floor: neither imports the other nor anything else of the kit (schema/ is data, package.json too).
  reference: 0,
  common: 0,
  // A protocol wrapper around the reference, run as a process: no folder of the kit imports it.
  "adapters/ts": 1,
  corpus: 1,
  runner: 2,
  selftest: 3,
  bench: 3,
  scripts: 3,
  // The roof: it dispatches every command, and nothing imports it.
  cli: 4,
};

/** Data any folder may read. */
const DATA = ["schema", "package.json"];

const SOURCE = /\.(ts|mts|mjs)$/;
const SKIP = new Set(["node_modules", ".build", "types", "target", "fixtures-out"]);

export interface Edge {
  readonly from: string;
  readonly to: string;
}

/** The folder a repository path belongs to, as LAYERS names it. */
export function folderOf(file: string): string {
  const parts = file.split("/");
  return parts[0] === "adapters" ? `adapters/${parts[1]}` : parts[0]!;
}

/** Test code: tests and the fixtures they drive. */
export function isTest(file: string): boolean {
  return /\.test\.ts$/.test(file) || file.split("/").includes("fixtures");
}

function walk(root: string, dir: string, out: string[]): void {
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir === "" ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory() && !SKIP.has(e.name) && !e.name.startsWith(".")) walk(root, rel, out);
    else if (e.isFile() && SOURCE.test(e.name) && !e.name.endsWith(".gen.ts")) out.push(rel);
  }
}

/** Every relative import of every source file in the kit's folders, as repository paths. */
export function importEdges(root: string): Edge[] {
  const files: string[] = [];
  for (const folder of Object.keys(LAYERS)) walk(root, folder, files);
  const edges: Edge[] = [];
  for (const from of files) {
    const info = ts.preProcessFile(readFileSync(path.join(root, from), "utf8"), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(from), fileName)).replace(/\.js$/, ".ts");
      edges.push({ from, to });
    }
  }
  return edges;
}

/** Why an import breaks the layering, or null when it keeps to it. */
export function layerProblem(e: Edge): string | null {
  const from = folderOf(e.from);
  const to = folderOf(e.to);
  if (from === to || DATA.includes(to)) return null;
  const rankFrom = LAYERS[from];
  const rankTo = LAYERS[to];
  if (rankFrom === undefined || rankTo === undefined) return `${e.from} imports ${e.to}: ${to} is no folder of the kit's layering`;
  if (to === "cli" && from !== "cli") return `${e.from} imports ${e.to}: cli/ is the roof, imported by nothing`;
  // Test code may use the kit's self-test fixtures (buggy variants, arbitraries) and the TypeScript port as a
  // process to break; production code may not.
  if (isTest(e.from) && (to === "selftest" || to === "adapters/ts")) return null;
  if (to === "adapters/ts") return `${e.from} imports ${e.to}: no folder reaches into an adapter; it is driven through the protocol`;
  if (rankTo >= rankFrom) return `${e.from} imports ${e.to}: ${from}/ may import only folders below it (${Object.keys(LAYERS).filter((f) => LAYERS[f]! < rankFrom && f !== "adapters/ts").join(", ")})`;
  return null;
}

/** Every circle among the production files' imports (Tarjan's strongly connected components), each as its files. */
export function importCircles(edges: readonly Edge[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const e of edges) {
    if (isTest(e.from)) continue;
    graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) circles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return circles;
}

/** The folder-level map: how many production imports go from each folder to each other one. */
export function folderMap(edges: readonly Edge[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of edges) {
    if (isTest(e.from)) continue;
    const from = folderOf(e.from);
    const to = folderOf(e.to);
    if (from === to) continue;
    const key = `${from} -> ${to}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const root = path.resolve(import.meta.dirname, "..");
  const edges = importEdges(root);
  for (const [arrow, n] of folderMap(edges)) console.log(`${arrow.padEnd(32)} ${n}`);
  const problems = edges.map(layerProblem).filter((p): p is string => p !== null);
  const circles = importCircles(edges);
  for (const p of problems) console.log(`UP: ${p}`);
  for (const c of circles) console.log(`CIRCLE: ${c.join(" -> ")}`);
  console.log(`${edges.length} imports; ${problems.length} against the layering, ${circles.length} circles`);
  process.exitCode = problems.length + circles.length > 0 ? 1 : 0;
}
