// --out: the expected and actual bytes of every mismatching snapshot as .bin files, for a hex editor or
// `rsm decode`. Written atomically like every file of the kit.
import path from "node:path";
import { hexToBytes } from "../../reference/index.js";
import { writeFileAtomic } from "../../common/fs_atomic.js";
import type { AdapterReport } from "../model.js";

/**
 * An adapter's name as one directory name below --out: an --exec adapter names itself in its hello, and a name
 * of "..", "." or "a/b" must not put files anywhere but below --out.
 */
export function pathSegment(name: string): string {
  const s = name.replace(/[^\w.#+-]+/g, "_").slice(0, 64);
  return /^\.*$/.test(s) ? `_${s}` : s;
}

/** Writes the files and records their paths (relative to the working directory) in the results. */
export async function writeBins(dir: string, adapters: readonly AdapterReport[]): Promise<void> {
  for (const a of adapters) {
    for (const r of a.results) {
      const d = r.diagnosis;
      if (d === null) continue;
      const base = path.join(dir, pathSegment(a.name), ...r.name.split("/"), `step${d.snapshot.step}-node${d.snapshot.node}`);
      await writeFileAtomic(`${base}.expected.bin`, hexToBytes(d.expectedHex));
      await writeFileAtomic(`${base}.actual.bin`, hexToBytes(d.actualHex));
      const rel = (f: string) => (path.relative(process.cwd(), f).startsWith("..") ? f : path.relative(process.cwd(), f));
      r.bins = { expected: rel(`${base}.expected.bin`), actual: rel(`${base}.actual.bin`) };
    }
  }
}

/** Where the .bin files go: --out itself for the human reporter, inside it for html, beside the report file otherwise. */
export function binsDir(out: string, reporter: string): string {
  if (reporter === "human") return out;
  // The HTML report's --out is a directory of its own: the bytes go inside it, beside the page.
  if (reporter === "html") return path.join(out, "bins");
  const ext = path.extname(out);
  return `${ext ? out.slice(0, -ext.length) : out}.bins`;
}
