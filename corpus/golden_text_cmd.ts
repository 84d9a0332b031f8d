// `rsm golden-text FILE`: a golden with every snapshot decoded, the textconv of git's rsm-golden diff driver
// (docs/corpus.md, "Reviewing golden changes"), so `git diff` and `git log -p` on vectors/golden show decoded pairs,
// not changed hex. A file that is not a golden is printed as it is: a textconv must never fail a diff.
import { defineCommand, parseFlags, usage } from "../common/args.js";
import { EXIT_OK, UsageError } from "../common/errors.js";
import { GOLDEN_FILE, readInputText } from "../common/read_file.js";
import { goldenTextLines } from "./golden_diff.js";

export const GOLDEN_TEXT_SPEC = defineCommand({
  name: "golden-text",
  synopsis: "FILE",
  brief: "print a golden with every snapshot decoded (git's rsm-golden textconv)",
  summary: `Prints a golden vector with every snapshot decoded: its fields (the scenario's steps one per line), then for
each snapshot "snapshot step S node N:" and its header fields, pairs and CRC as \`rsm decode\` shows them. A
file that is not a golden is printed unchanged. Git runs it as the textconv of the rsm-golden diff driver
(.gitattributes; \`npm run setup-git\` configures it).`,
  positionals: [{ name: "FILE", help: "a golden vector file (vectors/golden/**/*.json)" }],
  flags: {},
  notes: ["exit codes: 0 printed, 2 usage error or unreadable file"],
});

export async function goldenTextCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(GOLDEN_TEXT_SPEC, args);
  if (values.help) {
    out(usage(GOLDEN_TEXT_SPEC));
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError("golden-text: expected exactly one argument, a golden vector file");
  const file = positionals[0]!;
  const text = await readInputText(file, GOLDEN_FILE, { label: `golden-text: ${JSON.stringify(file)}` });
  const lines = goldenTextLines(text);
  // A file without a final newline is given back without one: its text, not ours.
  if (lines.length > 0 && lines.at(-1) === "") lines.pop();
  out(lines.join("\n"));
  return EXIT_OK;
}
