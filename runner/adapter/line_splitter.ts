// Splits an adapter's stdout into lines. Lines can be many megabytes (R-PROTO-1), so each chunk is decoded
// once into a string and the pieces of an unfinished line are kept as strings, joined only when its newline
// arrives: the line is never held both as bytes and as text. A line past `maxChars` is not kept at all: the
// owner hears of it once and the rest of the output is dropped, so no adapter can grow the runner's memory
// without bound or past what one JavaScript string can hold.
import { StringDecoder } from "node:string_decoder";

/**
 * The longest adapter line the runner reads, in characters: 256 Mi, half of what one V8 string can hold, and
 * far above any reply the kit's scenarios produce (the 10^6-step scaling scenario's result is about 60 MB).
 */
export const MAX_LINE_CHARS = 256 * 1024 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";
  private overflowed = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: (chars: number) => void = () => {},
    private readonly maxChars = MAX_LINE_CHARS,
  ) {}

  push(chunk: Buffer): void {
    if (this.overflowed) return;
    let text = this.decoder.write(chunk);
    let nl = text.indexOf("\n");
    while (nl !== -1) {
      if (this.pending.length + nl > this.maxChars) return this.overflow(this.pending.length + nl);
      const line = this.pending + text.slice(0, nl);
      this.pending = "";
      text = text.slice(nl + 1);
      this.onLine(line);
      if (this.overflowed) return;
      nl = text.indexOf("\n");
    }
    if (this.pending.length + text.length > this.maxChars) return this.overflow(this.pending.length + text.length);
    this.pending += text;
  }

  private overflow(chars: number): void {
    this.overflowed = true;
    this.pending = "";
    this.onOverflow(chars);
  }

  /** Characters received after the last newline; an adapter that exits leaves them unanswered. */
  get partial(): string {
    return this.pending;
  }
}
