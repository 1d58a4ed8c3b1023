/**
 * Outside text (incident titles and file names, Defender's device names and requestors) in what the
 * Pulumi engine prints: stack outputs, the program's errors, the provider's log lines. Two readers see
 * it: a terminal (the CI log), and the pull request comment that pulumi/actions builds by pasting the
 * output into an HTML `<pre>` block. In that block HTML is live: a title holding `</pre>` ends it, and
 * what follows renders as Markdown and HTML (headings, links, images, a fake "no changes").
 *
 * So outside text is terminal-safe (see terminalText.ts) and carries no `<`, `>` or `&`: they are written
 * `\u003c`, `\u003e`, `\u0026`, as JSON encoders write them for HTML pages. Our own wording is left
 * as it is; only the values interpolated into it pass through here.
 */
import { terminalLines, terminalText } from "./terminalText";
import { unicodeEscape } from "./text";

const HTML = /[<>&]/g;

/** One value for the engine's output: one line, no terminal control, no HTML. */
export function engineText(text: string): string {
    return terminalText(text).replace(HTML, unicodeEscape);
}

/** A message of several lines built from outside values: line breaks kept, otherwise as `engineText`. */
export function engineLines(text: string): string {
    return terminalLines(text).replace(HTML, unicodeEscape);
}
