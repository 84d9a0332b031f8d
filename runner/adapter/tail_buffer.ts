// The last bytes of an adapter's stderr or a build's output: enough to show why something failed, bounded so
// that a chatty process cannot grow the runner's memory. Bytes are counted from the start of the stream, so
// the part written between two moments (while one request was out) can be shown on its own.

export class TailBuffer {
  private chunks: Buffer[] = [];

  /** Bytes held. */
  private size = 0;
  /** Bytes ever pushed: the offset just past the last byte. */
  private pushed = 0;

  /** `limit` bytes are kept; `shown` is the most that text() returns. */
  constructor(
    private readonly limit = 4096,
    private readonly shown = limit,
  ) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.pushed += chunk.length;
    while (this.chunks.length > 1 && this.size - this.chunks[0]!.length >= this.limit) {
      this.size -= this.chunks.shift()!.length;
    }
  }

  /** The offset just past the last byte pushed so far. */
  get total(): number {
    return this.pushed;
  }

  /**
   * Bytes from..to (offsets from the stream's start; by default all) as text: only what is still held, and at
   * most the last `shown` bytes of it, cut at a line start when cut at all.
   */
  text(from = 0, to = this.pushed): string {
    const all = Buffer.concat(this.chunks);
    const heldFrom = this.pushed - all.length;
    const start = Math.max(from, heldFrom, to - this.shown) - heldFrom;
    const part = all.subarray(Math.max(0, start), Math.max(0, to - heldFrom));
    let text = part.toString("utf8");
    if (start > from - heldFrom && part.length > 0) {
      const nl = text.indexOf("\n");
      text = `...${nl === -1 ? text : text.slice(nl)}`;
    }
    return text.replace(/\s+$/, "");
  }
}
