// Named errors, so every failure the user sees says what was expected, what came, and where.
// Anything that is not one of these reaching the top level is a bug in the kit: InternalError asks for a report.

/** Exit codes (README "Exit codes"): 0 all passed or expected, 1 a failure or error, 2 usage or invalid input. */
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


/** The adapter could not be started or did not complete the handshake (R-PROTO-5). */
export class AdapterStartFailed extends Error {
  override readonly name = "AdapterStartFailed";
  constructor(
    message: string,
    readonly stderrTail = "",
  ) {
    super(message);
  }
}

/** No reply within --timeout; the runner killed the process group. */
export class AdapterTimedOut extends Error {
  override readonly name = "AdapterTimedOut";
}

/** The adapter exited or was killed while a request was open. */
export class AdapterExited extends Error {
  override readonly name = "AdapterExited";
}

/** A line that breaks protocol v1: not JSON, not a message, wrong id, wrong snapshots, unasked-for. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

/** A build command that failed; `output` is its combined stdout and stderr (tail). */
export class BuildFailed extends Error {
  override readonly name = "BuildFailed";
  constructor(
    message: string,
    readonly output: string,
    readonly toolMissing: boolean,
  ) {
    super(message);
  }
}

/**
 * A pipelined request that was still queued when an earlier one failed and the process was killed. It was
 * never answered, so it is not a result: the runner sends it again to the next process.
 */
export class RequestAborted extends Error {
  override readonly name = "RequestAborted";
}
