// The kill signal of the mutation-tool measurement (docs/corpus.md, "Measuring the corpus with mutation tools"): the
// golden vectors and nothing else. Every scenario golden's snapshots must equal the reference's
// runScenario(golden.scenario).snapshots, and every decode golden's verdict must equal decodeVerdict on its
// bytes: the rule for a rejection (offset and message are diagnosis only, R-PROTO-13), decodedJson's fields for
// an acceptance. Run only by Stryker (stryker.config.json, vitest.strength.config.ts), never by `npm test`: the
// normal suite already checks the goldens through the runner, and this file adds no assertion of its own.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import type { GoldenVector } from "../../reference/index.js";
import type { DecodeGolden } from "../../reference/types/decode_golden.gen.js";

// Imported while the file loads, as a static import would be (so Stryker still sees module-level code as static
// and runs every test on its mutants), but a load failure is kept and thrown by every test: a mutant that makes
// a reference module throw while it loads (e.g. `new TextDecoder("")`) fails the goldens. A test file whose
// import throws collects no test, and Stryker's vitest runner 9.6.1 scores a run without a failed test as
// Survived (stryker-js#6150).
const loaded = await import("../../reference/index.js").then(
  (module) => ({ module, error: undefined }),
  (error: unknown) => ({ module: undefined, error }),
);
function reference(): typeof import("../../reference/index.js") {
  if (loaded.module === undefined) throw loaded.error;
  return loaded.module;
}

const GOLDEN = path.resolve(import.meta.dirname, "../../vectors/golden");

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => path.join(dir, f));
}

const read = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;
const decodeDir = path.join(GOLDEN, "decode");
const scenarioGoldens = jsonFiles(GOLDEN)
  .filter((f) => !f.startsWith(decodeDir + path.sep))
  .map((f) => read<GoldenVector>(f));
const decodeGoldens = jsonFiles(decodeDir).map((f) => read<DecodeGolden>(f));

describe("scenario goldens", () => {
  test("there are some", () => expect(scenarioGoldens.length).toBeGreaterThan(200));
  for (const g of scenarioGoldens) {
    test(g.name, () => {
      const { runScenario } = reference();
      expect(runScenario(g.scenario).snapshots).toEqual(g.snapshots);
    });
  }
});

describe("decode goldens", () => {
  test("there are some", () => expect(decodeGoldens.length).toBeGreaterThan(50));
  for (const g of decodeGoldens) {
    test(g.name, () => {
      const { decodedJson, decodeVerdict, hexToBytes } = reference();
      const v = decodeVerdict(hexToBytes(g.hex));
      const e = g.expected;
      if (e.type === "rejected") {
        expect(v.ok ? "accepted" : v.rule).toBe(e.rule);
      } else {
        expect(v.ok ? decodedJson(v.snapshot) : `rejected ${v.rule}`).toEqual(e.snapshot);
      }
    });
  }
});
