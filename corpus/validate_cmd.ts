// `rsm validate [paths]`: check authored scenarios, reporting every problem of every bad file.
import { stat } from "node:fs/promises";
import path from "node:path";
import { formatProblem, loadScenarioBytes, nameProblem } from "../reference/index.js";
import { tagProblems, tagVocabulary } from "./tags.js";
import { declaredRuleProblems } from "./declared_rules.js";
import { defineCommand, parseFlags, usage } from "../common/args.js";
import { EXIT_OK, InvalidInput, UsageError } from "../common/errors.js";
import { DECODE_TOPIC, buildDecodeGolden } from "./decode_vectors.js";
import { DECODE_DIR, SCENARIOS_DIR, listJson, nameOf, readScenarioFile, type ReadOptions } from "./scenario_files.js";

/** A file to check, whether it is a decode vector, and the name it has (or would have) in the corpus. */
interface Target {
  readonly file: string;
  readonly decode: boolean;
  readonly name: string;
}

/** `file`'s path below `dir` with "/" separators, or null when it is not below it. */
function below(dir: string, file: string): string | null {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? null : rel.split(path.sep).join("/");
}

/**
 * What `file` is, and its name (R-NAME-1), checked as `vectors` and conformance check it: its path below
 * vectors/scenarios or vectors/decode when it lies there; otherwise below the directory it was found in
 * (`rel`), or its own file name. A file in a folder named decode is a decode vector (SPEC.md section 8).
 */
function targetOf(root: string, file: string, rel: string): Target {
  const decodeRel = below(path.join(root, DECODE_DIR), file);
  if (decodeRel !== null) return { file, decode: true, name: `${DECODE_TOPIC}/${nameOf(decodeRel)}` };
  if (path.basename(path.dirname(path.resolve(file))) === DECODE_TOPIC) return { file, decode: true, name: `${DECODE_TOPIC}/${nameOf(path.basename(file))}` };
  return { file, decode: false, name: nameOf(below(path.join(root, SCENARIOS_DIR), file) ?? rel) };
}

async function expand(p: string, root: string): Promise<Target[]> {
  const info = await stat(p).catch(() => null);
  if (info === null) throw new UsageError(`validate: ${p}: no such file or directory`);
  if (!info.isDirectory()) return [targetOf(root, p, path.basename(p))];
  return (await listJson(p)).map((rel) => targetOf(root, path.join(p, rel), rel));
}

export const VALIDATE_SPEC = defineCommand({
  name: "validate",
  synopsis: "[PATH...]",
  brief: "check authored scenarios (default: vectors/scenarios and vectors/decode)",
  summary: `Checks authored scenarios against schema/scenario.schema.json and SPEC.md's rules, and prints every problem
of every file, one line each: file, JSON path, what was expected, rule id. A file in a folder named decode is a
decode vector, checked against schema/decode.schema.json (SPEC.md section 8).`,
  positionals: [{ name: "PATH...", help: "scenario files, or directories whose every *.json below is checked (default vectors/scenarios and vectors/decode)" }],
  flags: {},
  notes: ["exit codes: 0 all valid, 2 an invalid scenario or a usage error"],
});

export async function validateCommand(args: string[], root: string, out: (line: string) => void, options: ReadOptions = {}): Promise<number> {
  const { values, positionals } = parseFlags(VALIDATE_SPEC, args);
  if (values.help) {
    out(usage(VALIDATE_SPEC));
    return EXIT_OK;
  }
  // A tree without decode vectors (a test's scratch corpus) has no vectors/decode: only a named path must exist.
  const decodeDir = path.join(root, DECODE_DIR);
  const targets = positionals.length > 0 ? positionals : [path.join(root, SCENARIOS_DIR), ...((await stat(decodeDir).catch(() => null)) ? [decodeDir] : [])];
  const files = (await Promise.all(targets.map((t) => expand(t, root)))).flat();
  const problems: string[] = [];
  const vocabulary = tagVocabulary(root);
  for (const { file, decode, name } of files) {
    const shown = path.relative(process.cwd(), file) || file;
    // R-NAME-1 beside the content's problems: a file `validate` accepts is one every command accepts.
    const badName = nameProblem(name);
    if (badName !== null) problems.push(formatProblem(shown, { path: "", rule: "R-NAME-1", message: badName }));
    const read = await readScenarioFile(file, shown, options);
    if (!read.ok) {
      problems.push(read.line);
      continue;
    }
    if (decode) {
      const built = buildDecodeGolden(path.basename(file, ".json"), shown, read.bytes);
      if (!built.ok) for (const line of built.lines) problems.push(line);
      else for (const line of [...tagProblems(shown, built.golden.tags, vocabulary), ...declaredRuleProblems(shown, built.golden.rules)]) problems.push(line);
      continue;
    }
    const result = loadScenarioBytes(read.bytes);
    // A loop, not push(...): a scenario of 200,000 bad steps would overflow the stack as arguments.
    if (!result.ok) for (const p of result.problems) problems.push(formatProblem(shown, p));
    else for (const line of [...tagProblems(shown, result.authored.tags, vocabulary), ...declaredRuleProblems(shown, result.authored.rules)]) problems.push(line);
  }
  if (problems.length > 0) throw new InvalidInput([...problems, `${files.length} file(s) checked, invalid ones found`]);
  out(`${files.length} file(s) valid`);
  return EXIT_OK;
}
