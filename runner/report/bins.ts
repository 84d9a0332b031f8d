// --out: the expected and actual bytes of every mismatching snapshot as .bin files, for a hex editor or
// `rsm decode`. Written atomically like every file of the kit.
import { createHash } from "node:crypto";
import path from "node:path";
import { hexToBytes } from "../../reference/index.js";
import { replaceDirectory, writeFileAtomic } from "../../common/fs_atomic.js";
import type { AdapterReport } from "../model.js";

/** How long a segment may get before it is cut and a hash of the whole name keeps it apart from others. */
const MAX_SEGMENT = 80;

/**
 * An adapter's name as one file or directory name (its .bin files, its badge): an --exec adapter names itself
 * in its hello, and a name of "..", "." or "a/b" must not put files anywhere but where they belong. One to
 * one, so two adapters never share a file ("a/b" and "a_b" once did): letters, digits and . + - # stay, every
 * other UTF-8 byte (and a leading dot) is written _XX, "_" itself included. A segment that would be longer
 * than MAX_SEGMENT is cut and ends in "~" and a hash of all of it, a length no other segment has.
 */
export function pathSegment(name: string): string {
  const s = [...name]
    .map((c, i) => {
      if (/^[A-Za-z0-9+#-]$/.test(c) || (c === "." && i > 0)) return c;
      // A lone surrogate has no UTF-8: U+FFFD for all of them would make two names one.
      if (/^\p{Cs}$/u.test(c)) return `_u${c.charCodeAt(0).toString(16)}`;
      return [...Buffer.from(c, "utf8")].map((b) => `_${b.toString(16).padStart(2, "0")}`).join("");
    })
    .join("");
  if (s === "") return "_";
  return s.length <= MAX_SEGMENT ? s : `${s.slice(0, 64)}~${createHash("sha256").update(s).digest("hex").slice(0, 16)}`;
}

/**
 * Writes the files and records their paths (relative to the working directory) in the results. Each
 * adapter's directory is written whole (common/fs_atomic.ts, replaceDirectory), and with `whole` the directory
 * itself (the kit's own: beside a report file, inside the HTML report's), so no .bin of an earlier run is
 * left beside this run's. The human reporter's --out is the user's directory, kept but for the adapters' own.
 */
export async function writeBins(dir: string, adapters: readonly AdapterReport[], whole = false): Promise<void> {
  const rel = (f: string) => (path.relative(process.cwd(), f).startsWith("..") ? f : path.relative(process.cwd(), f));
  const write = async (into: string, a: AdapterReport, at: string) => {
    for (const r of a.results) {
      const d = r.diagnosis;
      if (d === null) continue;
      const name = path.join(...r.name.split("/"), `step${d.snapshot.step}-node${d.snapshot.node}`);
      await writeFileAtomic(path.join(into, `${name}.expected.bin`), hexToBytes(d.expectedHex));
      await writeFileAtomic(path.join(into, `${name}.actual.bin`), hexToBytes(d.actualHex));
      r.bins = { expected: rel(path.join(at, `${name}.expected.bin`)), actual: rel(path.join(at, `${name}.actual.bin`)) };
    }
  };
  if (whole) {
    await replaceDirectory(dir, async (staging) => {
      for (const a of adapters) await write(path.join(staging, pathSegment(a.name)), a, path.join(dir, pathSegment(a.name)));
    });
  } else {
    for (const a of adapters) await replaceDirectory(path.join(dir, pathSegment(a.name)), (staging) => write(staging, a, path.join(dir, pathSegment(a.name))));
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
