// Placeholder until the runner lands (issue 3): the conformance command is owned by runner/conformance/.
import { UsageError } from "./errors.js";

export async function conformanceCommand(_args: string[], _root: string): Promise<number> {
  throw new UsageError("conformance: the runner is not built yet");
}
