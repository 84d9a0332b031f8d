// Every command's flags go through node:util's parseArgs, here, so that all commands agree: `--flag value`
// and `--flag=value` both work, `--help` is always there, and a flag that is unknown, lacks its value, takes
// another flag as its value (`--out --bail`) or is given twice when it takes one value is one line naming it
// (exit 2 through UsageError), never a silent last-wins or a stack trace.
//
// A command is one CommandSpec: its flags with their help, its arguments, its summary and notes. The parser
// takes the spec, and the help (`usage`, here) and docs/cli.md (cli/cli_reference.ts) are rendered from it,
// so a flag cannot be parsed without being documented (its `help` is required) and the texts cannot drift
// from what the parser accepts.
import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";

interface FlagCommon {
  readonly multiple?: boolean;
  readonly short?: string;
  /**
   * What the flag does, its default and what it combines with: sentences, reflowed to fit --help and a table
   * cell of docs/cli.md (line breaks in it are spaces). A repeatable flag says so.
   */
  readonly help: string;
  /** The heading it is listed under (conformance: "selection", "running", ...); flags without one come first. */
  readonly group?: string;
}

export interface StringFlag extends FlagCommon {
  readonly type: "string";
  /** The value's placeholder as help shows it: NAME, SECONDS, on|off, "COMMAND LINE". */
  readonly value: string;
}

export interface BooleanFlag extends FlagCommon {
  readonly type: "boolean";
  readonly value?: never;
}

export type FlagSpec = StringFlag | BooleanFlag;

/** A command's flags by name, without the leading dashes; --help/-h is every command's and is not listed. */
export type Flags = Readonly<Record<string, FlagSpec>> & { readonly help?: never };

/** An argument that is not a flag, as the synopsis names it. */
export interface Positional {
  readonly name: string;
  readonly help: string;
}

export interface CommandSpec<F extends Flags = Flags> {
  /** As typed after `rsm` ("conformance", "report merge"), and as messages name the command. */
  readonly name: string;
  /** How it is run when that is not `rsm NAME` (bench: "npm run bench"). */
  readonly invocation?: string;
  /** What follows the command in its usage line: "[options]", "[--full] HEX-OR-FILE". */
  readonly synopsis: string;
  /** One line for the list of commands (rsm --help, docs/cli.md's table). */
  readonly brief: string;
  /**
   * What the command does: paragraphs separated by a blank line, each reflowed; a paragraph whose first line
   * is indented is shown as it is (a command line to copy).
   */
  readonly summary: string;
  /** The arguments that are not flags, each described; or none, with what to say to one given all the same. */
  readonly positionals: readonly Positional[] | { readonly none: string };
  readonly flags: F;
  /** Closing paragraphs, as the summary's: what happens around the flags, the exit codes. */
  readonly notes?: readonly string[];
  /** A command that only dispatches (rsm report): its subcommands, listed in its help. */
  readonly subcommands?: readonly CommandSpec[];
}

/** A spec with its flags' types kept exact, so that parseFlags types their values. */
export function defineCommand<const F extends Flags>(spec: CommandSpec<F>): CommandSpec<F> {
  return spec;
}

type Value<S extends FlagSpec> = S["type"] extends "string" ? (S["multiple"] extends true ? string[] : string | undefined) : S["multiple"] extends true ? boolean[] : boolean | undefined;

export type Parsed<F extends Flags> = { values: { [K in keyof F]: Value<F[K]> } & { help: boolean }; positionals: string[] };

/**
 * Parses `args` with the flags of `spec` plus --help/-h, naming the command as `spec.name` in messages.
 * Arguments that are not flags are allowed when the spec describes some, and refused otherwise with what
 * `positionals.none` says.
 */
export function parseFlags<F extends Flags>(spec: CommandSpec<F>, args: readonly string[]): Parsed<F> {
  const command = spec.name;
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = { help: { type: "boolean", short: "h" } };
  for (const [name, f] of Object.entries(spec.flags as Flags)) {
    options[name] = { type: f.type, ...(f.multiple === undefined ? {} : { multiple: f.multiple }), ...(f.short === undefined ? {} : { short: f.short }) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true, tokens: true });
  } catch (err) {
    throw new UsageError(explain(err as Error & { code?: string }, command));
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== "option") continue;
    const option = options[t.name]!;
    if (option.type === "string" && !option.multiple && seen.has(t.name)) throw new UsageError(`--${t.name}: given more than once; it takes one value`);
    seen.add(t.name);
  }
  if (!Array.isArray(spec.positionals) && parsed.positionals.length > 0) {
    throw new UsageError(`${command}: unexpected argument ${JSON.stringify(parsed.positionals[0])}; ${(spec.positionals as { none: string }).none}`);
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

// ---- Rendering: the pieces docs/cli.md shares, then --help. ----

/** The command as typed: "rsm conformance", "npm run bench". */
export function commandLine(spec: CommandSpec): string {
  return spec.invocation ?? (spec.name === "" ? "rsm" : `rsm ${spec.name}`);
}

/** A flag as help lists it: "--timeout SECONDS", "--bail". */
export function flagLabel(name: string, flag: FlagSpec): string {
  return `${flag.short === undefined ? "" : `-${flag.short}, `}--${name}${flag.type === "string" ? ` ${flag.value}` : ""}`;
}

export interface Paragraph {
  /** Shown as written (indented lines: a command to copy), not reflowed. */
  readonly pre: boolean;
  /** Reflowed: one line; pre: its lines as written. */
  readonly text: string;
}

/** A summary's or note's paragraphs: split at blank lines, each reflowed unless its first line is indented. */
export function paragraphs(text: string): Paragraph[] {
  return text
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\s+$/g, ""))
    .filter((p) => p.trim() !== "")
    .map((p) => (/^[ \t]/.test(p) ? { pre: true, text: p } : { pre: false, text: oneLine(p) }));
}

/** A text with its line breaks as spaces. */
export function oneLine(text: string): string {
  return text.trim().replace(/[ \t]*\n[ \t]*/g, " ");
}

/** The flags in the order help lists them: those without a group, then each group in order of first appearance. */
export function flagGroups(flags: Flags): { group: string | null; flags: [string, FlagSpec][] }[] {
  const groups: { group: string | null; flags: [string, FlagSpec][] }[] = [];
  const ungrouped: [string, FlagSpec][] = [];
  for (const [name, f] of Object.entries(flags)) {
    if (f.group === undefined) {
      ungrouped.push([name, f]);
      continue;
    }
    let g = groups.find((x) => x.group === f.group);
    if (g === undefined) groups.push((g = { group: f.group, flags: [] }));
    g.flags.push([name, f]);
  }
  return [...(ungrouped.length > 0 ? [{ group: null, flags: ungrouped }] : []), ...groups];
}

/** A subcommand's name as its parent lists it: "merge" under "report". */
export function subcommandName(parent: CommandSpec, sub: CommandSpec): string {
  return parent.name !== "" && sub.name.startsWith(`${parent.name} `) ? sub.name.slice(parent.name.length + 1) : sub.name;
}

/** The width help is wrapped to. */
const WIDTH = 110;
/** Labels up to this long share one column; a longer one has its text after it. */
const LABEL_COLUMN = 25;
const COMMAND_COLUMN = 30;

/** Words: split at single spaces, so that a run of spaces ('"  " a node that agrees') stays as it is. */
function wrap(text: string, width: number, firstWidth = width): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of oneLine(text).split(/(?<! ) (?! )/)) {
    const limit = lines.length === 0 ? firstWidth : width;
    if (line !== "" && line.length + 1 + word.length > limit) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

interface Row {
  readonly label: string;
  readonly help: string;
}

/** The column the texts of these rows start at: after the longest label that is at most `cap` long. */
function columnOf(items: readonly Row[], cap: number): number {
  return 2 + Math.min(cap, Math.max(0, ...items.map((i) => i.label.length))) + 2;
}

/** Label-and-text rows, the texts from column `col`, wrapped. */
function rows(items: readonly Row[], col: number): string[] {
  const out: string[] = [];
  for (const { label, help } of items) {
    const head = `  ${label}`;
    const pad = " ".repeat(col);
    if (head.length + 2 <= col) {
      const [first, ...rest] = wrap(help, WIDTH - col);
      out.push(`${head.padEnd(col)}${first}`, ...rest.map((l) => pad + l));
    } else if (WIDTH - head.length - 3 >= 30) {
      const [first, ...rest] = wrap(help, WIDTH - col, WIDTH - head.length - 3);
      out.push(`${head}   ${first}`, ...rest.map((l) => pad + l));
    } else out.push(head, ...wrap(help, WIDTH - col).map((l) => pad + l));
  }
  return out;
}

function prose(text: string): string[] {
  const out: string[] = [];
  for (const p of paragraphs(text)) {
    if (out.length > 0) out.push("");
    out.push(...(p.pre ? p.text.split("\n") : wrap(p.text, WIDTH)));
  }
  return out;
}

/** A command's --help: usage line, summary, arguments and flags (by group), subcommands, notes. No final newline. */
export function usage(spec: CommandSpec): string {
  const out = [`usage: ${commandLine(spec)}${spec.synopsis === "" ? "" : ` ${spec.synopsis}`}`, "", ...prose(spec.summary)];
  const described: Row[] = (Array.isArray(spec.positionals) ? (spec.positionals as readonly Positional[]) : []).map((p) => ({ label: p.name, help: p.help }));
  const groups = flagGroups(spec.flags).map((g) => ({ group: g.group, rows: g.flags.map(([name, f]) => ({ label: flagLabel(name, f), help: f.help })) }));
  // The arguments and every flag of the command in one column.
  const col = columnOf([...described, ...groups.flatMap((g) => g.rows)], LABEL_COLUMN);
  const first = [...described, ...(groups[0]?.group === null ? groups[0].rows : [])];
  if (first.length > 0) out.push("", ...rows(first, col));
  const named = groups.filter((g) => g.group !== null);
  if (named.length > 0) out.push("");
  for (const g of named) out.push(g.group!, ...rows(g.rows, col));
  if (spec.subcommands && spec.subcommands.length > 0) {
    const list = spec.subcommands.map((s) => ({ label: `${subcommandName(spec, s)}${s.synopsis === "" ? "" : ` ${s.synopsis}`}`, help: s.brief }));
    // Commands whose synopses are too long for a column each have their line, and their text under it.
    const tabular = list.every((l) => l.label.length <= COMMAND_COLUMN);
    out.push("", "commands:", ...(tabular ? rows(list, columnOf(list, COMMAND_COLUMN)) : list.flatMap((l) => [`  ${l.label}`, ...wrap(l.help, WIDTH - 6).map((w) => `      ${w}`)])));
  }
  for (const note of spec.notes ?? []) out.push("", ...prose(note));
  return out.join("\n");
}
