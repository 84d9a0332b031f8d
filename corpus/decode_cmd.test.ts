// `rsm decode` gives SPEC.md 4.1's verdict on every decode golden: exit 1 and the golden's rule and offset for
// each rejection, exit 0 for each acceptance. It once printed a duplicate key's pairs, "crc (correct)" and
// exited 0, because it decoded with a walk of its own that knew only the layout and the CRC.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DecodeGolden } from "../reference/types/decode_golden.gen.js";
import { EXIT_FAILED, EXIT_OK } from "../common/errors.js";
import { decodeCommand } from "./decode_cmd.js";
import { GOLDEN_DIR, listJson } from "./scenario_files.js";

const DIR = path.resolve(import.meta.dirname, "..", GOLDEN_DIR, "decode");
const goldens = (await listJson(DIR)).map((f) => JSON.parse(readFileSync(path.join(DIR, f), "utf8")) as DecodeGolden);

const scratch = mkdtempSync(path.join(os.tmpdir(), "rsm-decode-goldens-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function decode(hex: string): Promise<{ code: number; lines: string[] }> {
  let arg = hex;
  if (hex === "") {
    // No argument is empty hex: empty input is an empty file.
    arg = path.join(scratch, "empty.bin");
    writeFileSync(arg, "");
  }
  const lines: string[] = [];
  const code = await decodeCommand([arg], (chunk) => lines.push(...chunk.split("\n")));
  return { code, lines };
}

describe("rsm decode on every decode golden", () => {
  it("there are rejections and acceptances to decode", () => {
    expect(goldens.filter((g) => g.expected.type === "rejected").length).toBeGreaterThanOrEqual(60);
    expect(goldens.filter((g) => g.expected.type === "decoded").length).toBeGreaterThanOrEqual(20);
  });

  for (const g of goldens) {
    const e = g.expected;
    it(`${g.name}: ${e.type === "rejected" ? `exit 1, ${e.rule} at byte ${e.offset}` : "exit 0, accepted"}`, async () => {
      const { code, lines } = await decode(g.hex);
      if (e.type === "rejected") {
        expect(code).toBe(EXIT_FAILED);
        expect(lines.at(-1)).toBe(`rejected: ${e.rule} at byte ${e.offset}: ${e.message}`);
      } else {
        expect(code).toBe(EXIT_OK);
        expect(lines.at(-1)).toBe("accepted (SPEC.md 4.1)");
        expect(lines).toContain(`pair count ${e.snapshot.pairs.length}`);
        expect(lines.filter((l) => /^\[\d+\] /.test(l))).toHaveLength(e.snapshot.pairs.length);
      }
    });
  }
});
