// One way to show text the kit did not write (an adapter's line or name, a value from a file) inside a
// message: control characters escaped, so it cannot scramble a terminal or forge a line of the report, and
// cut, so it is never a megabyte.

/** `text` with C0 and C1 control characters as \xNN, cut after `max` characters with the full length said. */
export function shown(text: string, max = 200): string {
  const head = text.length > max ? text.slice(0, max) : text;
  const escaped = head.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return text.length > max ? `${escaped}... (${text.length} characters)` : escaped;
}
