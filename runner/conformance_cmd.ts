// `rsm conformance`: every selected golden vector against every selected adapter (docs/porting.md). This file
// only wires the runner's wings: options, the run over the fleet (runner/conformance_run.ts), the report, the
// reporters (runner/report/write.ts).
import { existsSync } from "node:fs";
import path from "node:path";
import { usage } from "../common/args.js";
import { EXIT_FAILED, UsageError } from "../common/errors.js";
import { checkOut, describeWriteError } from "../common/output.js";
import { consoleLine } from "../common/escape.js";
import { isPlainFile } from "../common/read_file.js";
import { SCALE_CASE_NAMES } from "./checks/scale.js";
import { scaleCasesToWrite, shownPath, writeScaleFiles } from "./checks/scale_files.js";
import { runConformance } from "./conformance_run.js";
import { checkExpectedReason, readListToUpdate, updateListFile } from "./expected_failures.js";
import { listSelection } from "./list.js";
import { exitCode } from "./model.js";
import { CONFORMANCE_SPEC, parseOptions, type Options } from "./options.js";
import { binsDir, writeBins } from "./report/bins.js";
import { kitOf, machineOf, scenariosOf, selectionFlags } from "./report/run_meta.js";
import type { RunReport } from "./report/run_report.js";
import type { TextStream } from "./report/reporters/style.js";
import { writeReports } from "./report/write.js";
import { goldensOf } from "./scenario_files_run.js";
import { GOLDEN_DIR, scenariosWithoutGolden } from "../corpus/scenario_files.js";


/** Where the command writes; tests pass their own to capture the report. */
export interface Io {
  readonly stdout: TextStream;
  readonly stderr: TextStream;
  readonly env: NodeJS.ProcessEnv;
}

const PROCESS_IO: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env };

export async function conformanceCommand(args: string[], root: string, io: Io = PROCESS_IO): Promise<number> {
  const parsed = parseOptions(args, root);
  if (parsed.help) {
    io.stdout.write(`${usage(CONFORMANCE_SPEC)}\n`);
    return 0;
  }
  if (parsed.writeScale !== null) return writeScale(parsed, parsed.writeScale, io);
  if (parsed.scenarios.length === 0) return conformance(parsed, root, io);
  const goldens = await goldensOf(parsed.scenarios);
  try {
    return await conformance({ ...parsed, vectors: goldens.dir }, root, io);
  } finally {
    await goldens.remove();
  }
}

/** --write-scale DIR: the scale check's scenarios as files, one path per line on stdout; nothing runs. */
async function writeScale(o: Options, dir: string, io: Io): Promise<number> {
  const names = scaleCasesToWrite(o.scale, o.names);
  if (o.names.length > 0 && !o.names.some((n) => names.includes(n))) {
    throw new UsageError(`--write-scale: --name chooses no case of the scale check; expected one of ${SCALE_CASE_NAMES.join(", ")}`);
  }
  for (const file of await writeScaleFiles(dir, names)) io.stdout.write(`${consoleLine(shownPath(file))}\n`);
  return 0;
}

async function conformance(o: Options, root: string, io: Io): Promise<number> {
  if (o.out !== null) await checkOut(o.out, o.reporter);
  if (o.list) return listSelection(o, io.stdout);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const note = (line: string) => io.stderr.write(`rsm: ${consoleLine(line)}\n`);

  // Read before the run, like every input (runner/conformance_run.ts): a FIFO or a directory here costs no run.
  const previousList = o.updateExpectedFailures === null ? null : await readListToUpdate(o.updateExpectedFailures);
  const done = await runConformance(o, root, io.stderr);
  const adapters = done.adapters.map((a) => ({ ...a, results: a.results.map((r) => checkExpectedReason(done.expected, a.name, r)) }));
  if (o.updateExpectedFailures !== null) await updateListFile(o.updateExpectedFailures, previousList ?? "", adapters, note);
  let written = true;
  // The .bin files go beside a report file (binsDir): not beside a device or a pipe (--out /dev/stdout), where
  // they would make a folder in /dev.
  const besideFile = o.out !== null && (o.reporter === "human" || o.reporter === "html" || isPlainFile(o.out) || !existsSync(o.out));
  if (o.out !== null && !besideFile && adapters.some((a) => a.results.some((r) => r.diagnosis !== null))) {
    note(`no .bin files written: --out ${o.out} is not a regular file, so there is no place beside it for them (--reporter human --out DIR writes them)`);
  }
  if (o.out !== null && besideFile) {
    const dir = binsDir(o.out, o.reporter);
    await writeBins(dir, adapters, o.reporter !== "human").catch((err: unknown) => {
      // The run is done; missing .bin files are a loss the report can live with, said once.
      note(`cannot write the .bin files below ${dir}: ${describeWriteError(err)}`);
      written = false;
    });
  }
  const selected = done.corpus.selected();
  const report: RunReport = {
    adapters,
    selected: selected.length,
    corpus: done.corpus.corpusSize,
    durationMs: performance.now() - started,
    strict: o.strict,
    exitCode: exitCode(adapters, o.strict),
    startedAt,
    checks: done.checks,
    ...(path.resolve(o.vectors) === path.resolve(root, GOLDEN_DIR) && { withoutGolden: await scenariosWithoutGolden(root) }),
    meta: { kit: kitOf(), corpus_sha256: done.corpusSha256, shard: o.shard, selection: selectionFlags(o, root), machine: machineOf(), scenarios: scenariosOf(selected) },
  };
  if (!(await writeReports(report, o.reporter, o.out, root, { stdout: io.stdout, env: io.env, note }))) written = false;
  return written ? report.exitCode : Math.max(report.exitCode, EXIT_FAILED);
}
