// A deadline is the adapter's to miss, not the runner's: when the runner's own event loop is held up past a
// reply's deadline (a busy machine, a long computation of its own), the reply already waiting in the pipe is
// read, and the request is no timeout; nor is an adapter that answered in time diagnosed as waiting for input.
import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { FAKE_ADAPTER, makeCorpus, type TestCorpus } from "../fixtures/corpus.js";
import type { NormalizedScenario } from "../../reference/index.js";
import { Session } from "./session.js";

let corpus: TestCorpus;
beforeAll(async () => {
  corpus = await makeCorpus();
});

it("a reply that came while the runner was held up past its deadline is taken, not a timeout", async () => {
  const session = await Session.start({ argv: ["node", FAKE_ADAPTER, "--replay", corpus.replay], cwd: "." }, 300);
  try {
    const name = "a/first";
    const replay = JSON.parse(readFileSync(corpus.replay, "utf8")) as Record<string, { snapshots: unknown[] }>;
    // a/first of the test corpus, normalized: the fake adapter answers it by name from the replay.
    const scenario: NormalizedScenario = { cluster: { nodes: 3, leader: 1 }, steps: [{ op: "put", key: "x", value: "01" }, { op: "snapshot", nodes: [1, 2, 3] }] };
    const answer = session.run({ name, scenario, scenarioText: JSON.stringify(scenario), trace: false });
    // The runner's loop blocked for 5 times the deadline: the fake adapter answers within it, unread.
    const until = Date.now() + 1500;
    while (Date.now() < until);
    const outcome = await answer;
    expect(outcome.kind).toBe("result");
    expect(outcome.kind === "result" && outcome.snapshots).toEqual(replay[name]!.snapshots);
  } finally {
    await session.close();
  }
}, 30_000);
