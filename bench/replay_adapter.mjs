#!/usr/bin/env node
// An adapter that only replays answers: for the runner's ceiling (bench "runner ceiling"), so that what is
// measured is the runner's own cost per scenario and not any port's. Answers come from a JSON Lines file of
// {"name": ..., "snapshots": [...]} made by the benchmark from the goldens. Plain JavaScript, no tsx.
//
//   node bench/replay_adapter.mjs ANSWERS.jsonl
import { readFileSync } from "node:fs";

const answers = new Map();
for (const line of readFileSync(process.argv[2], "utf8").split("\n")) {
  if (line === "") continue;
  const { name, snapshots } = JSON.parse(line);
  answers.set(name, JSON.stringify(snapshots));
}

// The runner writes `{"type":"run","id":"..","name":"..",...`: reading id and name from that prefix avoids
// parsing the scenario this adapter never looks at.
const RUN = /^\{"type":"run","id":("(?:[^"\\]|\\.)*"),"name":("(?:[^"\\]|\\.)*")/;
let pending = "";
const out = [];
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  const lines = (pending + chunk).split("\n");
  pending = lines.pop();
  for (const line of lines) {
    const m = RUN.exec(line);
    if (m) {
      const snapshots = answers.get(JSON.parse(m[2]));
      out.push(snapshots === undefined ? `{"type":"error","id":${m[1]},"message":"no answer"}` : `{"type":"result","id":${m[1]},"snapshots":${snapshots}}`);
      continue;
    }
    const message = JSON.parse(line);
    if (message.type === "shutdown") {
      process.stdout.write(out.join("\n") + (out.length ? "\n" : ""), () => process.exit(0));
      return;
    }
    if (message.type === "hello") out.push('{"type":"hello","protocol":1,"name":"replay","version":"0.1.0","features":["append","incr","cas","crash"]}');
  }
  // One write per chunk of input: replies leave in request order, batched as the requests arrived.
  if (out.length > 0) process.stdout.write(`${out.splice(0).join("\n")}\n`);
});
process.stdin.on("end", () => process.exit(0));
