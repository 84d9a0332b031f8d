// How deep a JSON text nests, found by a scan of its characters rather than by walking what JSON.parse made:
// V8 parses any depth, but everything after it (schema validation, JSON.stringify when a merged report is
// written, the HTML page) recurses, and a report nested 200,000 levels deep overflowed the stack there.

/**
 * The deepest a JSON report of the kit nests is about ten levels (adapters, results, diagnosis, divergence,
 * its step, the step's node list); past this, the text is no report the kit wrote.
 */
export const MAX_REPORT_DEPTH = 64;

/** Where `text` first nests deeper than `max` (`{` and `[` outside strings), as a character offset; null when it does not. */
export function nestedTooDeep(text: string, max: number): number | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash: the next character is escaped, whatever it is
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return null;
}
