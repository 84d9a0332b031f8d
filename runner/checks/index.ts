// Every check beyond the corpus that runs per adapter, in the order they run. The decode phase
// (runner/checks/decode.ts) is not among them: it needs every adapter's snapshots, so it runs after the fleet.
import type { Check, CheckKind, CheckSettings } from "./check.js";
import { ENVIRONMENT_CHECK } from "./env.js";
import { EXIT_STATUS_CHECK } from "./exit_status.js";
import { LATE_LINE_NAME } from "./late_line.js";
import { MALFORMED_CHECK } from "./malformed.js";
import { SCALE_CHECK } from "./scale.js";
import { TRACE_CHECK } from "./traces.js";

export const CHECK_KINDS: readonly CheckKind[] = [MALFORMED_CHECK, EXIT_STATUS_CHECK, ENVIRONMENT_CHECK, TRACE_CHECK, SCALE_CHECK];

/**
 * The result names of every check, which an expected-failures list may name beside the corpus's; and the
 * result of a line written after the last reply, which any session can give (runner/checks/late_line.ts).
 */
export const CHECK_NAMES: readonly string[] = [...CHECK_KINDS.flatMap((k) => k.names), LATE_LINE_NAME];

/** The prefixes of the names checks give per vector ("trace/" and a vector's name). */
export const CHECK_PREFIXES: readonly string[] = CHECK_KINDS.flatMap((k) => (k.prefix === undefined ? [] : [k.prefix]));

/** Whether a result is a check's rather than a vector's: a name of CHECK_NAMES, or a check's prefix and a vector's name. */
export function isCheckName(name: string): boolean {
  return CHECK_NAMES.includes(name) || CHECK_PREFIXES.some((p) => name.startsWith(p));
}

/** The checks the settings turn on. */
export function checksFor(settings: CheckSettings): Check[] {
  return CHECK_KINDS.map((k) => k.create(settings)).filter((c): c is Check => c !== null);
}
