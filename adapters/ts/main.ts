// The TypeScript adapter's process: stdin and stdout to serve(), nothing else (SPEC.md section 7).
import { serve } from "./adapter.js";

serve(process.stdin, process.stdout).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`ts adapter: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
