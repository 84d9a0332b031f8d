// `rsm cli-reference [--check]`: docs/cli.md, every command's synopsis, summary, arguments, flags and notes,
// rendered from the same specs that parse the flags and print --help (common/args.ts), so the page cannot
// drift from what the commands accept. cli/cli_reference.test.ts fails while the committed page is stale.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { commandLine, defineCommand, flagGroups, flagLabel, oneLine, paragraphs, parseFlags, subcommandName, usage, type CommandSpec, type Positional } from "../common/args.js";
import { EXIT_FAILED, EXIT_OK } from "../common/errors.js";
import { writeFileAtomic } from "../common/fs_atomic.js";

/** The page, relative to the repository root. */
export const CLI_REFERENCE_FILE = path.join("docs", "cli.md");

/** What to run when the page is stale. */
export const REGENERATE = "npm run docs:cli";

export const CLI_REFERENCE_SPEC = defineCommand({
  name: "cli-reference",
  synopsis: "[--check]",
  brief: "regenerate docs/cli.md, every command's flags, from the commands' specs",
  summary: `Regenerates docs/cli.md, the reference of every command (synopsis, summary, arguments, flags by group,
notes), from the specs that also parse each command's flags and print its --help.`,
  positionals: { none: "expected only --check" },
  flags: {
    check: { type: "boolean", help: "write nothing; exit 1 when docs/cli.md is not what the specs give" },
  },
  notes: ["exit codes: 0 written (or fresh), 1 stale (--check), 2 usage error"],
});

/** What the page documents: rsm and its commands, in rsm --help's order, then npm scripts with flags of their own. */
export interface ReferenceSpecs {
  readonly rsm: CommandSpec;
  readonly commands: readonly CommandSpec[];
  readonly scripts: readonly CommandSpec[];
}

/** Markdown for prose: code spans kept, what would be read as emphasis, HTML or a link escaped; `|` too in a table cell. */
export function inline(text: string, cell = false): string {
  const parts = oneLine(text).split("`");
  // An odd number of backticks opens no code span: then every part is prose, and the backticks are escaped.
  const balanced = parts.length % 2 === 1;
  const escaped = parts.map((p, i) => (balanced && i % 2 === 1 ? `\`${p}\`` : p.replace(/[\\*<[\]]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (c) => `\\${c}`))).join(balanced ? "" : "\\`");
  return cell ? escaped.replace(/\|/g, "\\|") : escaped;
}

/** A code span in a table cell. */
function code(text: string): string {
  return `\`${text}\``.replace(/\|/g, "\\|");
}

/** GitHub's anchor for a heading. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");
}

function heading(spec: CommandSpec): string {
  return commandLine(spec);
}

function usageLine(spec: CommandSpec): string {
  return `${commandLine(spec)}${spec.synopsis === "" ? "" : ` ${spec.synopsis}`}`;
}

function prose(text: string): string[] {
  const out: string[] = [];
  for (const p of paragraphs(text)) {
    if (p.pre) {
      const lines = p.text.split("\n");
      const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length));
      out.push("```text", ...lines.map((l) => l.slice(indent)), "```", "");
    } else out.push(inline(p.text), "");
  }
  return out;
}

function table(header: [string, string], rows: readonly [string, string][]): string[] {
  return [`| ${header[0]} | ${header[1]} |`, "|---|---|", ...rows.map(([a, b]) => `| ${a} | ${b} |`), ""];
}

function commandTable(specs: readonly CommandSpec[], name: (s: CommandSpec) => string): string[] {
  return table(
    ["command", "what it does"],
    specs.map((s) => [`[${code(name(s))}](#${anchor(heading(s))})`, inline(s.brief, true)]),
  );
}

function section(spec: CommandSpec, level: number): string[] {
  const out = [`${"#".repeat(level)} ${heading(spec)}`, "", "```text", usageLine(spec), "```", "", ...prose(spec.summary)];
  const positionals = Array.isArray(spec.positionals) ? (spec.positionals as readonly Positional[]) : [];
  if (positionals.length > 0) out.push(...table(["argument", "meaning"], positionals.map((p) => [code(p.name), inline(p.help, true)])));
  for (const g of flagGroups(spec.flags)) {
    if (g.group !== null) out.push(`**${inline(g.group)}**`, "");
    out.push(...table(["flag", "meaning"], g.flags.map(([name, f]) => [code(flagLabel(name, f)), inline(f.help, true)])));
  }
  if (spec.subcommands && spec.subcommands.length > 0) out.push(...commandTable(spec.subcommands, (s) => `${subcommandName(spec, s)}${s.synopsis === "" ? "" : ` ${s.synopsis}`}`));
  for (const note of spec.notes ?? []) out.push(...prose(note));
  for (const sub of spec.subcommands ?? []) out.push(...section(sub, level + 1));
  return out;
}

/** docs/cli.md. */
export function renderCliReference(specs: ReferenceSpecs): string {
  const out = [
    "# rsm command-line reference",
    "",
    `<!-- Generated from the commands' specs (common/args.ts CommandSpec, beside each command's code) by \`${REGENERATE}\`; edit the specs, not this file. -->`,
    "",
    ...prose(specs.rsm.summary),
    ...commandTable([...specs.commands, ...specs.scripts], usageLine),
    "Every command also takes `--help` (`-h`), which prints its section of this page.",
    "",
  ];
  for (const spec of [...specs.commands, ...specs.scripts]) out.push(...section(spec, 2));
  while (out.at(-1) === "") out.pop();
  return `${out.join("\n")}\n`;
}

export async function cliReferenceCommand(args: string[], root: string, out: (line: string) => void, specs: ReferenceSpecs): Promise<number> {
  const { values } = parseFlags(CLI_REFERENCE_SPEC, args);
  if (values.help) {
    out(usage(CLI_REFERENCE_SPEC));
    return EXIT_OK;
  }
  const file = path.join(root, CLI_REFERENCE_FILE);
  const text = renderCliReference(specs);
  const existing = await readFile(file, "utf8").catch(() => null);
  if (existing === text) {
    out(`${CLI_REFERENCE_FILE} is up to date`);
    return EXIT_OK;
  }
  if (values.check === true) {
    out(`stale ${CLI_REFERENCE_FILE}: it is not what the commands' specs give; run ${REGENERATE}`);
    return EXIT_FAILED;
  }
  await writeFileAtomic(file, text);
  out(`wrote ${CLI_REFERENCE_FILE}`);
  return EXIT_OK;
}
