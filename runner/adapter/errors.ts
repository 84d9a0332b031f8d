// What can go wrong in the conversation with an adapter or its build: each is turned into a result that names
// the adapter and the request (runner/adapter/session.ts), never shown raw.

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

/**
 * No reply within --timeout; the runner killed the process group. `finding` is what the runner learnt by
 * sending one more line and closing stdin first (runner/adapter/adapter_process.ts), or null.
 */
export class AdapterTimedOut extends Error {
  override readonly name = "AdapterTimedOut";
  constructor(
    message: string,
    readonly finding: string | null = null,
  ) {
    super(message);
  }
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
