// The kit's one output boundary: every piece of text that did not come from the kit itself (what a port sent
// or wrote: its error messages, stderr, hello name, decode rejections; what a scenario, a file name or a report
// holds) goes through the escaping function of the place it is printed to, and only through that one.
//
// Every sink's output stays safe for the two readers of a CI log as well, whatever it is written to, since any
// file may end up printed (--out /dev/stdout, a `cat` in a workflow step):
// - a terminal, which obeys control characters and escape sequences (ESC, CSI, OSC, C1 controls): a port could
//   print a forged "OK" line, hide the real verdict with "conceal" (ESC[8m), rewrite a line with a bare \r or
//   reorder it with bidirectional overrides;
// - the GitHub Actions runner, which reads a step's stdout and stderr line by line (.NET's ReadLine: \r, \n and
//   \r\n end a line) and runs a line as a workflow command when it begins with "::" after leading white space, or
//   when "##[" appears anywhere in it (actions/runner, src/Runner.Common/ActionCommand.cs): a port could forge
//   annotations, add masks, or send ##[stop-commands] and silence the kit's own annotations.
// Each format escapes losslessly where it can (JSON \u escapes, XML and HTML character references, Markdown
// backslash escapes) and visibly where it cannot (a terminal line shows \x1b, \u202e).
import { randomBytes } from "node:crypto";

/**
 * What a terminal obeys or that hides or reorders text: control characters but the tab (C0, DEL, C1: ESC
 * starts every escape sequence, U+009B is CSI on its own), format characters (bidirectional overrides and
 * isolates, zero-width characters, the BOM), the line and paragraph separators, and lone surrogates (which
 * no UTF-8 writer can encode).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

/** A character as an escape a person can read: \n, \r, \xNN up to U+00FF, \uNNNN above. */
function visible(c: string): string {
  if (c === "\t") return c;
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  const cp = c.codePointAt(0)!;
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, "0")}` : cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, "0")}` : `\\u{${cp.toString(16)}}`;
}

// ---- terminal ----

/**
 * One line of untrusted text for a terminal: every character UNSAFE lists (line ends too) shown as an escape,
 * the tab kept. Idempotent: what it returns contains nothing it would change.
 */
export function terminal(text: string): string {
  return text.replace(UNSAFE, (c) => (c === "\t" ? c : visible(c)));
}

/** Untrusted text of several lines (a stderr tail, build output): its lines, split on \n and \r\n, each through terminal(). */
export function terminalLines(text: string): string[] {
  return text.split(/\r?\n/).map(terminal);
}

// ---- GitHub Actions: a step's stdout and stderr ----

/** A line's leading white space as .NET's String.TrimStart sees it (Char.IsWhiteSpace: \s, plus U+0085). */
const LEADING_SPACE = /^[\s\u0085]*/u;

/**
 * Text for a step's stdout or stderr, whole lines of it: no line (split as the runner splits them, on \r, \n
 * and \r\n) begins with "::" after white space, and no "##[" appears anywhere. The first ":" of a leading
 * "::" is shown as \x3a, the second "#" of "##[" as \x23, so the line reads the same to a person. The kit's
 * own text never has either, so this is applied to whole blocks of output, the kit's lines and all.
 */
export function actionsLog(text: string): string {
  return text
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => {
      if (i % 2 === 1) return part; // a separator
      const lead = LEADING_SPACE.exec(part)![0];
      const line = part.startsWith("::", lead.length) ? `${lead}\\x3a${part.slice(lead.length + 1)}` : part;
      return line.replace(/##\[/g, "#\\x23[");
    })
    .join("");
}

/** The text of a console line: terminal() for what a terminal obeys, actionsLog() for the Actions runner. */
export function consoleLine(text: string): string {
  return actionsLog(terminal(text));
}

/**
 * The two lines that fence untrusted output on GitHub Actions (GITHUB_ACTIONS=true): ::stop-commands::TOKEN, after
 * which the runner runs no workflow command, and ::TOKEN::, which resumes them (GitHub's "Stopping and starting
 * workflow commands"), with a fresh random token that no text printed before can know. Null elsewhere.
 */
export function commandsStop(env: NodeJS.ProcessEnv): { readonly stop: string; readonly resume: string } | null {
  if (env.GITHUB_ACTIONS !== "true") return null;
  const token = randomBytes(16).toString("hex");
  return { stop: `::stop-commands::${token}\n`, resume: `::${token}::\n` };
}

/**
 * A block of output that holds untrusted text, for a step's stdout: escaped (actionsLog) and, on GitHub
 * Actions, fenced by commandsStop(), a second wall behind the escaping. Elsewhere the escaped block alone.
 */
export function untrustedBlock(block: string, env: NodeJS.ProcessEnv): string {
  const text = actionsLog(block);
  const fence = text === "" ? null : commandsStop(env);
  return fence === null ? text : `${fence.stop}${text}${text.endsWith("\n") ? "" : "\n"}${fence.resume}`;
}

/**
 * The data of a workflow command (after the second "::"): one line, as the runner unescapes it (%25, %0D,
 * %0A), so a line break of the text is a line break of the annotation; each line terminal-escaped, and no
 * "##[" (the runner does not unescape anything else, so that one is shown as \x23).
 */
export function actionsData(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => terminal(l).replace(/%/g, "%25").replace(/##\[/g, "#\\x23["))
    .join("%0A");
}

/** A property value of a workflow command (file=, title=): as data but on one line, and also : and , escaped. */
export function actionsProperty(text: string): string {
  return actionsData(terminal(text)).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// ---- Markdown (the step summary, --reporter markdown) ----

/**
 * Untrusted text inline in GitHub Flavored Markdown (a paragraph, a list item, a table cell, a heading): one
 * line (line ends shown as \n, so no blank line can end a <details> and nothing can begin a line of its own),
 * and a backslash before every ASCII punctuation character that can start markup mid-line, which CommonMark
 * renders as the character itself: emphasis and strikethrough (* _ ~), code (`), links and images ([ ] !),
 * raw HTML and entities (< > &), table cells (|), math ($), and the autolinks (the "http://" form needs the
 * ":" before its "//", the e-mail forms their "@", the "www." form its dot); # and "::" also keep the text safe
 * in a log. The rest (, ; . ( ) - a lone ":" and the like) starts nothing mid-line and is left as it is, so
 * the Markdown stays readable.
 */
export function markdown(text: string): string {
  return terminal(text)
    .replace(/[\\`*_[\]|<>&!~#@$]|:(?=[:/])/g, "\\$&")
    .replace(/(www)\./gi, "$1\\.");
}

/**
 * Untrusted text inside the raw HTML of a Markdown document (the <summary> of a <details>): HTML-escaped, on
 * one line. A line break would not do: a blank line ends an HTML block, and GitHub renders what follows as
 * Markdown.
 */
export function markdownHtml(text: string): string {
  return html(terminal(text));
}

/**
 * Untrusted lines as a fenced code block: a fence longer than any run of backticks inside, so no line can
 * close it; each line terminal-escaped and kept safe for a log (actionsLog), as the block's lines begin lines
 * of the document.
 */
export function markdownFence(lang: string, lines: readonly string[]): string[] {
  const safe = lines.map((l) => actionsLog(terminal(l)));
  const longest = Math.max(2, ...safe.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = "`".repeat(longest + 1);
  return [`${fence}${lang}`, ...safe, fence];
}

// ---- HTML (the HTML report) ----

/** A character as an HTML or XML character reference. */
const reference = (c: string) => `&#x${c.codePointAt(0)!.toString(16)};`;

/**
 * Untrusted text in HTML content or a quoted attribute: markup escaped, and what a terminal or the Actions
 * runner would obey written as character references (lossless: a browser shows the character).
 */
export function html(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!)
    // NUL has no reference a browser keeps (it reads U+FFFD), and a lone surrogate no encoding.
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => (c === "\n" || c === "\t" ? c : c === "\0" ? "\ufffd" : reference(c)))
    .replace(/\p{Cs}/gu, "\ufffd")
    .replace(/:(?=:)/g, "&#x3a;")
    .replace(/##\[/g, "#&#x23;[");
}

/**
 * A value as JSON inside a <script> element: json(), and "<" escaped so no "</script>" or "<!--" in an adapter's
 * stderr can end the element.
 */
export function scriptJson(value: unknown): string {
  return json(value).replace(/</g, "\\u003c");
}

// ---- XML (JUnit) ----

/**
 * Untrusted text in XML content or a quoted attribute. XML 1.0 allows no control character but tab and line
 * ends, not even as a reference, and no lone surrogate: those become U+FFFD (adapter stderr may hold any).
 * The rest that a terminal or the Actions runner would obey is written as character references, which an XML
 * reader turns back into the characters: C1 controls and DEL, format characters, \r, "::" and "##[".
 */
export function xml(text: string): string {
  return text
    .replace(/[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/[\r\x7f-\x9f\p{Cf}\p{Zl}\p{Zp}]/gu, reference)
    .replace(/:(?=:)/g, "&#x3a;")
    .replace(/##\[/g, "#&#x23;[");
}

// ---- JSON (reports, --reporter json) ----

/**
 * A value as JSON text that means the same to a JSON reader and is safe to print: JSON.stringify escapes C0
 * controls and lone surrogates already; this also writes DEL, C1 controls, format characters and the line and
 * paragraph separators as \u escapes, and the second "#" of "##[" (which can only be inside a string). A line of
 * JSON never begins with "::": a string cannot hold a line break.
 */
export function json(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space)
    .replace(/[\x7f-\x9f\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""))
    .replace(/##\[/g, "#\\u0023[");
}
