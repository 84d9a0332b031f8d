// Results that checks name per vector (trace/NAME, env/NAME) must be known as checks' wherever a name is judged:
// an expected-failures list, and a shard merge, which otherwise takes them for scenarios of another corpus.
import { describe, expect, it } from "vitest";
import { CHECK_PREFIXES, isCheckName } from "./index.js";

describe("check names", () => {
  it("knows the per-vector names of the environment and trace checks, and no vector's own name", () => {
    expect(CHECK_PREFIXES).toEqual(expect.arrayContaining(["env/", "trace/"]));
    for (const name of ["env/sample", "env/keys/latin1-vs-utf8", "trace/b/third", "protocol/not-json", "scale/growth-10000-100000", "scale/keys-70000"]) expect(isCheckName(name)).toBe(true);
    for (const name of ["keys/latin1-vs-utf8", "b/third", "environment/x"]) expect(isCheckName(name)).toBe(false);
  });
});
