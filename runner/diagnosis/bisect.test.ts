// Diagnosis at scale: a 10^5-step scenario over 10^4 keys, which a port gets wrong at one step near the middle,
// is diagnosed by bisecting prefixes (its trace would be gigabytes), naming that step.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { goldenFor, formatGolden } from "../../corpus/golden.js";
import { scalingScenario } from "../../corpus/scaling.js";
import { mutantAdapter } from "../../selftest/mutation/mutants.js";
import { REPO_ROOT, runConformance } from "../fixtures/harness.js";

it("a 10^5-step scenario failing at one step near the middle is diagnosed at that step, by bisection", async () => {
  const scenario = scalingScenario(100_000);
  // The key whose first put comes nearest the middle: the port gets exactly that put wrong.
  const firstPut = new Map<string, number>();
  scenario.steps.forEach((s, i) => {
    if (s.op === "put" && !firstPut.has(s.key)) firstPut.set(s.key, i);
  });
  const [key, step] = [...firstPut].sort((a, b) => Math.abs(a[1] - 50_000) - Math.abs(b[1] - 50_000))[0]!;
  const dir = await mkdtemp(path.join(tmpdir(), "rsm-bisect-"));
  await mkdir(path.join(dir, "scale"), { recursive: true });
  await writeFile(path.join(dir, "scale", "long.json"), formatGolden(goldenFor("scale/long", scenario, "10^5 steps over 10^4 keys")));
  const argv = await mutantAdapter(REPO_ROOT, {
    id: "port-one-wrong-put",
    kind: "test",
    bug: `stores one byte too many for a put of ${key}`,
    rules: ["R-PUT-1"],
    patches: [{ file: "state_machine.ts", search: "      store.set(command.key, command.value);", replace: `      store.set(command.key, command.key === ${JSON.stringify(key)} ? command.value + "00" : command.value);` }],
  });
  // A bisection that ran every prefix instead of about log2(10^5) of them would take hours; the suite's
  // testTimeout (vitest.config.ts) ends it. No bound on time here: a busy machine slows it by any factor.
  const r = await runConformance(["--vectors", dir, "--exec", argv.map((w) => `'${w}'`).join(" "), "--reporter", "json", "--timeout", "60"]);
  const report = JSON.parse(r.stdout) as { adapters: { results: { name: string; status: string; diagnosis: { divergence: { step: number; nodes: number[] } | null; trace_note: string | null } | null }[] }[] };
  const x = report.adapters[0]!.results.find((res) => res.name === "scale/long")!;
  expect(x.status).toBe("failed");
  expect(x.diagnosis!.divergence!.step).toBe(step);
  expect(x.diagnosis!.divergence!.nodes).toContain(1);
});
