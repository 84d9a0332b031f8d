// Splits an adapter's stdout into lines. Lines can be many megabytes (R-PROTO-1), so each chunk is decoded
// once into a string and the pieces of an unfinished line are kept as strings, joined only when its newline
// arrives: the line is never held both as bytes and as text.
import { StringDecoder } from "node:string_decoder";

export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    let text = this.decoder.write(chunk);
    let nl = text.indexOf("\n");
    while (nl !== -1) {
      const line = this.pending + text.slice(0, nl);
      this.pending = "";
      text = text.slice(nl + 1);
      this.onLine(line);
      nl = text.indexOf("\n");
    }
    this.pending += text;
  }

  /** Characters received after the last newline; an adapter that exits leaves them unanswered. */
  get partial(): string {
    return this.pending;
  }
}
