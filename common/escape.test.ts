// The output boundary's sinks one by one, on any text: what each promises (nothing a terminal obeys, no
// workflow command, no Markdown or HTML markup from the text, the same data back from JSON, XML and HTML)
// holds for every string fast-check can make, lone surrogates and the characters each sink cares about
// included. Where the kit prints them, from which sources, is runner/untrusted_output.test.ts.
import fc from "fast-check";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { describe, expect, it } from "vitest";
import { actionsData, actionsLog, actionsProperty, commandsStop, consoleLine, html, json, markdown, markdownFence, markdownHtml, scriptJson, terminal, terminalLines, untrustedBlock, xml } from "./escape.js";
import { PAYLOADS, commandLikeLines, terminalProblem, workflowCommands } from "./fixtures/console.js";

/** Any code point, a lone surrogate too, and often one of the characters some sink escapes. */
const char = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(":", "#", "[", "]", "\r", "\n", "\x1b", "\x07", "\x9b", "<", ">", "&", '"', "'", "`", "\\", "|", "*", "_", "~", "!", "@", "$", ".", "w", " ", "\t", "\u0085", "\u2028", "\u202e", "\ufeff", "\0", "%", ",", "/") },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)) },
);
const text = fc.array(char, { maxLength: 40 }).map((cs) => cs.join(""));


/** micromark with GitHub's extensions and raw HTML passed through, as GitHub renders a step summary (before its sanitizer). */
const render = (md: string) => micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
/** Text as micromark writes it into HTML. */
const asHtmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** XML and HTML character references and the five entities, decoded. */
const unreference = (s: string) =>
  s.replace(/&#x([0-9a-f]+);|&(amp|lt|gt|quot|#39);/gi, (_, hex: string | undefined, name: string | undefined) =>
    hex !== undefined ? String.fromCodePoint(parseInt(hex, 16)) : ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" } as Record<string, string>)[name!]!,
  );

describe("the terminal sink", () => {
  it("leaves nothing a terminal obeys, on one line, and is idempotent", () => {
    fc.assert(
      fc.property(text, (s) => {
        const t = terminal(s);
        expect(terminalProblem(t)).toBeNull();
        expect(t).not.toContain("\n");
        expect(terminal(t)).toBe(t);
      }),
    );
    expect(terminal("a\x1b[8mb\r\n\u202e\ud800\t")).toBe("a\\x1b[8mb\\r\\n\\u202e\\ud800\t");
    expect(terminalLines("a\r\nb\n\x1b")).toEqual(["a", "b", "\\x1b"]);
  });
});

describe("the GitHub Actions sink", () => {
  it("leaves no line that begins with :: and no ##[, as the runner splits lines, and the runner runs nothing", () => {
    fc.assert(
      fc.property(text, (s) => {
        const a = actionsLog(s);
        expect(commandLikeLines(a)).toEqual([]);
        expect(workflowCommands(a).commands).toEqual([]);
        expect(actionsLog(a)).toBe(a);
        expect(commandLikeLines(consoleLine(s))).toEqual([]);
      }),
    );
    // Without it the runner would run each of these.
    for (const p of [PAYLOADS["forged ::error"], PAYLOADS["##[stop-commands]"], PAYLOADS["::add-mask::"], PAYLOADS["\\r::warning::"], " \u00a0::error::x"]) {
      expect(workflowCommands(p).commands).not.toEqual([]);
      expect(workflowCommands(actionsLog(p)).commands).toEqual([]);
    }
    expect(actionsLog("::error::x\n  ::y\r##[group]")).toBe("\\x3a:error::x\n  \\x3a:y\r#\\x23[group]");
  });

  it("keeps an annotation's data and properties inside it: the runner reads back the text, terminal-escaped", () => {
    fc.assert(
      fc.property(text, text, (title, data) => {
        const line = `::error file=${actionsProperty(title)},title=${actionsProperty(title)}::${actionsData(data)}`;
        const { commands } = workflowCommands(line);
        expect(commands).toHaveLength(1);
        expect(commands[0]!.command).toBe("error");
        // The runner trims the properties: a title's trailing white space is lost, nothing else.
        expect(commands[0]!.properties.title ?? "").toBe(terminal(title).replace(/##\[/g, "#\\x23[").trimEnd());
        expect(commands[0]!.data).toBe(data.split(/\r?\n/).map((l) => terminal(l).replace(/##\[/g, "#\\x23[")).join("\n"));
      }),
    );
  });

  it("fences an untrusted block with a fresh token under GITHUB_ACTIONS=true only, and the runner runs nothing inside", () => {
    const env = { GITHUB_ACTIONS: "true" };
    const a = untrustedBlock("report\n", env);
    const b = untrustedBlock("report\n", env);
    expect(a).toMatch(/^::stop-commands::[0-9a-f]{32}\nreport\n::[0-9a-f]{32}::\n$/);
    expect(a).not.toBe(b);
    expect(untrustedBlock("report\n", {})).toBe("report\n");
    expect(untrustedBlock("", env)).toBe("");
    expect(commandsStop({})).toBeNull();
    fc.assert(
      fc.property(text.filter((s) => s !== ""), (s) => {
        const { commands, stoppedAtEnd } = workflowCommands(untrustedBlock(s, env));
        expect(commands.map((c) => c.command)).toEqual(["stop-commands", "resume"]);
        expect(stoppedAtEnd).toBe(false);
      }),
    );
  });
});

describe("the Markdown sink", () => {
  it("renders inline text as the text itself: no markup, link, HTML, heading or line of its own", () => {
    fc.assert(
      fc.property(text, (s) => {
        const rendered = render(`x ${markdown(s)} y`);
        expect(rendered).toBe(`<p>x ${asHtmlText(terminal(s))} y</p>`);
        expect(commandLikeLines(markdown(s))).toEqual([]);
      }),
      { numRuns: 300 },
    );
    // In a table cell too: a | of the text is no cell break.
    expect(render(`| a |\n|---|\n| ${markdown("x | y `z` [l](http://x)")} |`)).toContain("<td>x | y `z` [l](http://x)</td>");
  });

  it("keeps text in the raw HTML of a <summary> on one line, so a blank line cannot end the <details>", () => {
    fc.assert(
      fc.property(text, (s) => {
        const rendered = render(`<details><summary>${markdownHtml(s)}</summary>\n\nbody\n\n</details>\n`);
        expect(rendered.match(/<details>/g)).toHaveLength(1);
        expect(rendered.match(/<\/details>/g)).toHaveLength(1);
        expect(rendered).not.toMatch(/<(h\d|a|img)\b/);
      }),
      { numRuns: 300 },
    );
  });

  it("fences lines so that none can close the fence", () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 5 }), (lines) => {
        const block = markdownFence("", lines).join("\n");
        const rendered = render(`${block}\n\nafter`);
        expect(rendered.match(/<pre>/g)).toHaveLength(1);
        expect(rendered.endsWith("<p>after</p>")).toBe(true);
        expect(terminalProblem(block)).toBeNull();
        expect(commandLikeLines(block)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the HTML, XML and JSON sinks", () => {
  it("give the same text back to their readers, and are safe to print", () => {
    fc.assert(
      fc.property(text, (s) => {
        for (const out of [html(s), xml(s), json(s), scriptJson({ s })]) {
          expect(terminalProblem(out)).toBeNull();
          expect(commandLikeLines(out)).toEqual([]);
        }
        // Lossless but for what each format cannot hold: a lone surrogate (all three), a C0 control (XML).
        const wellFormed = s.replace(/\p{Cs}/gu, "\ufffd");
        expect(unreference(html(s))).toBe(wellFormed.replace(/\0/g, "\ufffd"));
        expect(unreference(xml(s))).toBe(wellFormed.replace(/[\0-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, "\ufffd"));
        expect(JSON.parse(json(s))).toBe(s);
        expect(JSON.parse(scriptJson({ s })).s).toBe(s);
        expect(html(s)).not.toMatch(/[<>"']/);
        expect(scriptJson(s)).not.toContain("<");
      }),
    );
    expect(xml('a<b>&"\u0007\u001b')).toBe("a&lt;b&gt;&amp;&quot;\ufffd\ufffd");
    expect(json({ k: "##[x]\u2028\x9b" }, 2)).toBe('{\n  "k": "#\\u0023[x]\\u2028\\u009b"\n}');
  });
});
