// How the kit ends on SIGINT, SIGTERM or SIGHUP, in one place: every cleanup registered here runs first
// (temporaries removed by common/fs_atomic.ts, adapter and build process groups killed by
// runner/adapter/children.ts), then the process ends by the signal itself, as a shell reports it: 130, 143,
// 129 (128 + the signal's number).
//
// Why by the signal and not process.exit(): process.exit() waits for Node's thread pool, and a thread blocked
// in a system call (an open() of a FIFO waits for a writer forever) kept the process alive after its SIGTERM
// handler had run. Raised again with the default action, the signal ends the process whatever its threads
// are doing. (Reads that could block are refused before they start, common/read_file.ts; this is the
// guarantee for anything else.)
import { constants } from "node:os";

/** The signals that end a command: Ctrl-C, kill or a CI cancel, a closed terminal. */
export const TERMINATING: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

type Cleanup = (signal: NodeJS.Signals) => void;

const cleanups = new Set<Cleanup>();

/** 128 + the signal's number: what a shell reports for a process the signal ended. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 15);
}

/**
 * Runs `cleanup` (synchronously: nothing asynchronous runs once a signal ends the process) when a
 * terminating signal comes, until the returned function is called.
 */
export function onTermination(cleanup: Cleanup): () => void {
  if (cleanups.size === 0) for (const s of TERMINATING) process.on(s, terminate);
  cleanups.add(cleanup);
  return () => {
    if (!cleanups.delete(cleanup) || cleanups.size > 0) return;
    for (const s of TERMINATING) process.off(s, terminate);
  };
}

/**
 * Ends the process as `signal` would have: every registered cleanup (each on its own, so that one failing
 * does not keep the others from running), then the signal raised again with its default action.
 */
export function terminate(signal: NodeJS.Signals): never {
  const all = [...cleanups];
  cleanups.clear();
  for (const s of TERMINATING) process.off(s, terminate);
  for (const cleanup of all) {
    try {
      cleanup(signal);
    } catch {
      // Best effort: the process is ending, and the next cleanup matters as much.
    }
  }
  // With no listener left, Node restores the signal's default action, so raising it ends the process now.
  // Another listener (a test runner's, say) would catch it instead: then exit with the code a shell shows.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  process.exit(signalExitCode(signal));
}
