// --scenario: authored files run without goldens, the reference computing the expected bytes in memory.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidInput } from "../common/errors.js";
import { mutantAdapter } from "../selftest/mutation/mutants.js";
import { VARIANTS } from "../selftest/mutation/variants.js";
import { REPO_ROOT, runConformance } from "./fixtures/harness.js";

const REPRO = {
  description: "a key above U+FFFF and one just below it: sorted by UTF-16 they swap",
  steps: [
    { op: "put", key: "\uffff", value: { utf8: "a" } },
    { op: "put", key: "\u{1f600}", value: { utf8: "b" } },
    { op: "snapshot", nodes: "all" },
  ],
};

describe("--scenario", () => {
  it("runs an authored file without a golden: it passes on the ts adapter and is diagnosed on a broken port", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rsm-repro-"));
    const file = path.join(dir, "swap.json");
    await writeFile(file, JSON.stringify(REPRO));
    const ok = await runConformance(["--scenario", file, "--adapter", "ts", "--no-build"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK 1 passed, 0 failed, 0 errored; 1 scenario x 1 adapter/m);
    const argv = await mutantAdapter(REPO_ROOT, VARIANTS.find((v) => v.id === "utf16-key-order")!);
    const bad = await runConformance(["--scenario", dir, "--exec", argv.map((w) => `'${w}'`).join(" ")]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL ts swap {2}\(.*swap\.json\)$/m);
    expect(bad.stdout).toMatch(/first divergence: step 1 /);
  });

  it("an invalid file is one line naming it and the rule, exit 2 (InvalidInput); --vectors does not combine", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rsm-repro-"));
    const file = path.join(dir, "bad.json");
    await writeFile(file, JSON.stringify({ description: "x", steps: [{ op: "crash", node: 1 }] }));
    await expect(runConformance(["--scenario", file, "--adapter", "ts", "--no-build"])).rejects.toBeInstanceOf(InvalidInput);
    await expect(runConformance(["--scenario", file, "--adapter", "ts", "--no-build"])).rejects.toThrow(/bad\.json steps\[0\]\.node: .*\(R-CRASH-1\)/);
    await expect(runConformance(["--scenario", file, "--vectors", dir])).rejects.toThrow(/--scenario runs scenario files instead of golden vectors/);
  });

  it("a file whose name is no scenario name is refused by the one name rule (R-NAME-1), as validate refuses it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rsm-repro-"));
    const file = path.join(dir, "Bad_Name.json");
    await writeFile(file, JSON.stringify(REPRO));
    await expect(runConformance(["--scenario", file, "--adapter", "ts", "--no-build"])).rejects.toThrow(/Bad_Name\.json: the name "Bad_Name" is not a scenario name; .* \(R-NAME-1\)$/);
  });
});
