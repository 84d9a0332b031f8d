// The TypeScript adapter's process: stdin and stdout to serve(), nothing else (SPEC.md section 7).
import { serve } from "./adapter.js";

// Exit only once stdout has taken every byte: on a pipe, process.exit right after a large write cuts the
// last reply short (a 70 KB value's result lost everything past 64 KiB).
const exit = (code: number) => process.stdout.write("", () => process.exit(code));

serve(process.stdin, process.stdout).then(
  () => exit(0),
  (err: unknown) => {
    process.stderr.write(`ts adapter: ${(err as Error)?.message ?? String(err)}\n`);
    exit(1);
  },
);
