// The last few kilobytes of an adapter's stderr: enough to show why it crashed, bounded so that a chatty
// adapter cannot grow the runner's memory.

export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit = 4096) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - this.chunks[0]!.length >= this.limit) {
      this.size -= this.chunks.shift()!.length;
    }
  }

  /** The tail as text, cut at a line start when the limit fell mid-line. */
  text(): string {
    const all = Buffer.concat(this.chunks);
    const cut = all.length > this.limit ? all.subarray(all.length - this.limit) : all;
    let text = cut.toString("utf8");
    if (cut.length < all.length) {
      const nl = text.indexOf("\n");
      text = `...${nl === -1 ? text : text.slice(nl)}`;
    }
    return text.replace(/\s+$/, "");
  }
}
