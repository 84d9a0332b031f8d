import { describe, expect, it } from "vitest";
import { globToRegExp } from "./glob.js";
import { nameMatcher, shardOf } from "./select.js";

describe("nameMatcher", () => {
  it("is a substring without glob characters and a whole-name glob with them", () => {
    const m = nameMatcher(["utf16", "crash/*"]);
    expect(["keys/utf16-trap", "crash/rejoin", "basic/put"].filter(m)).toEqual(["keys/utf16-trap", "crash/rejoin"]);
    expect(nameMatcher(["*trap"])("keys/utf16-trap")).toBe(true);
    expect(nameMatcher(["trap*"])("keys/utf16-trap")).toBe(false);
  });
});

describe("globToRegExp for paths", () => {
  it("keeps * inside a segment and lets ** cross them", () => {
    expect(globToRegExp("*.go", { paths: true }).test("rsm/run.go")).toBe(false);
    expect(globToRegExp("**/*.go", { paths: true }).test("rsm/run.go")).toBe(true);
    expect(globToRegExp("**/*.go", { paths: true }).test("main.go")).toBe(true);
  });
});

describe("shardOf", () => {
  it("depends on the name only and covers every shard", () => {
    const names = Array.from({ length: 200 }, (_, i) => `topic/scenario-${i}`);
    const shards = names.map((n) => shardOf(n, 4));
    expect(new Set(shards)).toEqual(new Set([1, 2, 3, 4]));
    expect(names.map((n) => shardOf(n, 4))).toEqual(shards);
    expect(shardOf("basic/spec-example", 7)).toBe(shardOf("basic/spec-example", 7));
  });
});
