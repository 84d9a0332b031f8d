// Every command's flags go through node:util's parseArgs, here, so that all commands agree: `--flag value`
// and `--flag=value` both work, `--help` is always there, and a flag that is unknown, lacks its value, takes
// another flag as its value (`--out --bail`) or is given twice when it takes one value is one line naming it
// (exit 2 through UsageError), never a silent last-wins or a stack trace.
import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";

export interface FlagSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
}

type Value<S extends FlagSpec> = S["type"] extends "string" ? (S["multiple"] extends true ? string[] : string | undefined) : S["multiple"] extends true ? boolean[] : boolean | undefined;

export type Parsed<F extends Record<string, FlagSpec>> = { values: { [K in keyof F]: Value<F[K]> } & { help: boolean }; positionals: string[] };

/**
 * Parses `args` for `command` (as named in messages) with these flags plus --help/-h. `positionals` says
 * whether arguments that are not flags are allowed, and if not, what to say instead.
 */
export function parseFlags<F extends Record<string, FlagSpec>>(command: string, args: readonly string[], flags: F, positionals: true | string): Parsed<F> {
  const options = { ...flags, help: { type: "boolean", short: "h" } } as Record<string, FlagSpec>;
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true, tokens: true });
  } catch (err) {
    throw new UsageError(explain(err as Error & { code?: string }, command));
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== "option") continue;
    const spec = options[t.name]!;
    if (spec.type === "string" && !spec.multiple && seen.has(t.name)) throw new UsageError(`--${t.name}: given more than once; it takes one value`);
    seen.add(t.name);
  }
  if (positionals !== true && parsed.positionals.length > 0) {
    throw new UsageError(`${command}: unexpected argument ${JSON.stringify(parsed.positionals[0])}; ${positionals}`);
  }
  const values = parsed.values as Record<string, unknown>;
  return { values: { ...values, help: values.help === true } as Parsed<F>["values"], positionals: parsed.positionals };
}

function explain(err: Error & { code?: string }, command: string): string {
  const flag = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1];
  switch (err.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `${command}: unknown flag ${JSON.stringify(flag ?? err.message)}; see rsm ${command} --help`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/argument missing/.test(err.message)) return `${flag}: expected a value after it`;
      if (/ambiguous/.test(err.message)) return `${flag}: expected a value, got a flag; to pass a value that starts with a dash write ${flag}=VALUE`;
      return `${flag}: takes no value`;
    default:
      return `${command}: ${err.message}`;
  }
}
