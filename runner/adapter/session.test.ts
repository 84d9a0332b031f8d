// The hello deadline is about an adapter that never answers, not about a slow start on a busy machine.
import { describe, expect, it } from "vitest";
import { HELLO_GROWTH_ALLOWED, MIN_HELLO_TIMEOUT_MS, helloTimeoutFor } from "./session.js";

describe("the hello deadline", () => {
  it("is never below the floor, whatever --timeout says, and follows a longer --timeout", () => {
    expect(helloTimeoutFor(500, null)).toBe(MIN_HELLO_TIMEOUT_MS);
    expect(helloTimeoutFor(MIN_HELLO_TIMEOUT_MS * 3, null)).toBe(MIN_HELLO_TIMEOUT_MS * 3);
  });

  it("gives a later start of an adapter whose first hello was slow that many times its first hello's time", () => {
    const slowFirst = MIN_HELLO_TIMEOUT_MS / 4;
    expect(helloTimeoutFor(500, slowFirst)).toBe(HELLO_GROWTH_ALLOWED * slowFirst);
    // A quick first start does not lower the floor.
    expect(helloTimeoutFor(500, 10)).toBe(MIN_HELLO_TIMEOUT_MS);
  });
});
