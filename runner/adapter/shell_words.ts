// Splitting an --exec command line into argv without a shell: quotes and backslashes as a POSIX shell reads
// them, and nothing else (no variables, globs or pipes), so what runs is exactly what was typed.
import { UsageError } from "../../common/errors.js";

export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new UsageError(`--exec: unterminated ${quote} quote in ${JSON.stringify(line)}`);
  if (inWord) words.push(word);
  if (words.length === 0) throw new UsageError("--exec: expected a command line, got an empty string");
  return words;
}
