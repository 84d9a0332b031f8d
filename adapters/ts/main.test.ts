// The adapter as a process, fed the way a shell loop feeds it: everything on stdin at once, then EOF.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario, type NormalizedScenario } from "../../reference/index.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("adapters/ts/main.ts", () => {
  it("delivers a large last reply in full before exiting (no truncation at the pipe's 64 KiB)", async () => {
    const scenario: NormalizedScenario = {
      cluster: { nodes: 3, leader: 1 },
      steps: [{ op: "put", key: "big", value: "ab".repeat(70_000) }, { op: "snapshot", nodes: [1, 2, 3] }],
    };
    const input = [
      JSON.stringify({ type: "hello", protocol: 1 }),
      JSON.stringify({ type: "run", id: "1", name: "t/big", trace: false, scenario }),
      JSON.stringify({ type: "shutdown" }),
      "",
    ].join("\n");
    // Nothing is read for a while, so the pipe fills at 64 KiB. An adapter that exits without flushing does so
    // within that while and loses the rest of its reply; one that flushes waits for us, and we then read.
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "adapters", "ts", "main.ts")], { cwd: ROOT });
    child.stdout.pause();
    child.stdin.end(input);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stdout.resume();
    await new Promise((resolve) => child.stdout.once("close", resolve));
    expect(await exited).toBe(0);
    const lines = Buffer.concat(chunks).toString("utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!)).toEqual({ type: "result", id: "1", ...runScenario(scenario) });
  });
});
