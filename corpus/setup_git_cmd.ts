// `rsm setup-git`: configures git's rsm-golden diff driver in the repository, so `git diff` and `git log -p`
// on vectors/golden/** (.gitattributes: diff=rsm-golden) show decoded snapshots instead of hex. Runs git
// directly with an argument list, no shell, so paths with spaces or backslashes need no quoting.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { CONFIG_FILE, FileRefused, readInputText } from "../common/read_file.js";
import { defineCommand, parseFlags, usage } from "../common/args.js";
import { EXIT_FAILED, EXIT_OK, InvalidInput } from "../common/errors.js";

/** The driver's textconv. Relative: git runs it from the top of the work tree, so each clone and worktree uses its own CLI. */
export const TEXTCONV = "node cli/launch.mjs golden-text";
export const DRIVER_KEY = "diff.rsm-golden.textconv";
export const ATTRIBUTE = "vectors/golden/**/*.json diff=rsm-golden";

export const SETUP_GIT_SPEC = defineCommand({
  name: "setup-git",
  synopsis: "",
  brief: 'configure git to diff vectors/golden/** decoded (docs/corpus.md, "Reviewing golden changes")',
  summary: `Sets, in this repository's git config:

  git config ${DRIVER_KEY} "${TEXTCONV}"

so that \`git diff\` and \`git log -p\` on vectors/golden/** (.gitattributes: ${ATTRIBUTE}) show each snapshot
decoded. \`git diff --no-textconv\` shows the hex. Running it again changes nothing.`,
  positionals: { none: "it takes no arguments" },
  flags: {},
  notes: ["exit codes: 0 configured, 1 git failed or .gitattributes lacks the line, 2 usage error"],
});

export async function setupGitCommand(args: string[], root: string, out: (line: string) => void): Promise<number> {
  const { values } = parseFlags(SETUP_GIT_SPEC, args);
  if (values.help) {
    out(usage(SETUP_GIT_SPEC));
    return EXIT_OK;
  }
  const git = spawnSync("git", ["config", DRIVER_KEY, TEXTCONV], { cwd: root, encoding: "utf8" });
  if (git.error) throw new InvalidInput([`setup-git: cannot run git: ${(git.error as NodeJS.ErrnoException).code ?? git.error.message}`]);
  if (git.status !== 0) {
    out(`setup-git: git config failed (exit ${git.status}): ${git.stderr.trim()}`);
    return EXIT_FAILED;
  }
  out(`set ${DRIVER_KEY} = ${TEXTCONV}`);
  const attributes = await readInputText(path.join(root, ".gitattributes"), CONFIG_FILE, { label: ".gitattributes" }).catch((err: unknown) => {
    if (err instanceof FileRefused && err.code === "ENOENT") return "";
    throw err;
  });
  if (!attributes.split(/\r?\n/).some((l) => l.trim() === ATTRIBUTE)) {
    out(`.gitattributes lacks the line "${ATTRIBUTE}"; git will not use the driver until it is added`);
    return EXIT_FAILED;
  }
  out("git diff and git log -p now show vectors/golden/** decoded (git diff --no-textconv shows the hex)");
  return EXIT_OK;
}
