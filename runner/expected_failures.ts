// Known divergences of a port (protobuf's failure lists): a listed scenario that fails does not fail the
// run, and a listed scenario that passes is reported, failing the run under --strict, so the list never
// goes stale. Format: one scenario name per line, optionally preceded by an adapter name to apply to that
// adapter only; `#` starts a comment.
import { readFile } from "node:fs/promises";
import { UsageError } from "../cli/errors.js";

export interface ExpectedFailures {
  has(adapter: string, scenario: string): boolean;
  readonly size: number;
}

export const NO_EXPECTED_FAILURES: ExpectedFailures = { has: () => false, size: 0 };

export function parseExpectedFailures(text: string, file: string, known: ReadonlySet<string>): ExpectedFailures {
  const everywhere = new Set<string>();
  const perAdapter = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") return;
    const words = line.split(/\s+/);
    const where = `--expected-failures ${file} line ${i + 1}`;
    if (words.length > 2) throw new UsageError(`${where}: expected "SCENARIO" or "ADAPTER SCENARIO", got ${JSON.stringify(line)}`);
    const scenario = words[words.length - 1]!;
    if (!known.has(scenario)) throw new UsageError(`${where}: no scenario named ${JSON.stringify(scenario)} in the corpus`);
    if (words.length === 2) perAdapter.add(`${words[0]} ${scenario}`);
    else everywhere.add(scenario);
  });
  return {
    has: (adapter, scenario) => everywhere.has(scenario) || perAdapter.has(`${adapter} ${scenario}`),
    size: everywhere.size + perAdapter.size,
  };
}

export async function loadExpectedFailures(files: readonly string[], known: ReadonlySet<string>): Promise<ExpectedFailures> {
  const lists: ExpectedFailures[] = [];
  for (const file of files) {
    const text = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`--expected-failures: cannot read ${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
    });
    lists.push(parseExpectedFailures(text, file, known));
  }
  return {
    has: (adapter, scenario) => lists.some((l) => l.has(adapter, scenario)),
    size: lists.reduce((n, l) => n + l.size, 0),
  };
}
