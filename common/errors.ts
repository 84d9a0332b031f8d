// Named errors, so every failure the user sees says what was expected, what came, and where.
// Anything that is not one of these reaching the top level is a bug in the kit: InternalError asks for a report.

/** Exit codes (docs/ci.md, "Exit codes"): 0 all passed or expected, 1 a failure or error, 2 usage or invalid input. */
export const EXIT_OK = 0 as const;
export const EXIT_FAILED = 1 as const;
export const EXIT_USAGE = 2 as const;

/** A bad command line: flag, argument or combination. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Input the user gave us that is wrong: each line already names the file, JSON path and rule. */
export class InvalidInput extends Error {
  override readonly name = "InvalidInput";
  constructor(readonly lines: readonly string[]) {
    super(lines.join("\n"));
  }
}

/** A bug in the kit itself. */
export class InternalError extends Error {
  override readonly name = "InternalError";
}
