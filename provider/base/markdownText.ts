/**
 * Outside text (Defender's device names and requestors, incident titles) in Markdown: a ticket, a pull
 * request comment. It is data, never markup: no heading, link, image, HTML, emphasis or table cell can
 * come out of it.
 *
 * Each value becomes one inline code span: inside one, Markdown interprets nothing (no autolink, no HTML,
 * no emphasis, no heading), so a backslash escape per metacharacter is not needed and would not cover
 * autolinks anyway. What a code span cannot hold is handled first: line breaks and terminal controls
 * become visible escapes (one line), a run of backticks gets a longer fence, and `|` is escaped, since
 * a table splits its cells on it before it reads code spans.
 */
import { terminalText } from "./terminalText";
import { cut } from "./text";

/** Longest text shown per value; the rest is cut with "…". */
export const MAX_MARKDOWN_VALUE = 120;

/** One value as an inline code span, e.g. `` `fin-lt-042.contoso.com` ``; "-" for nothing. */
export function markdownLiteral(text: string | null | undefined, max = MAX_MARKDOWN_VALUE): string {
    if (text === null || text === undefined || text.trim() === "") return "-";
    const flat = cut(terminalText(text.trim()), max);
    const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
    const fence = "`".repeat(longestRun + 1);
    // A span that starts or ends with a backtick needs a space inside the fence (CommonMark strips one).
    const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
    return `${fence}${pad}${flat.replace(/\|/g, "\\|")}${pad}${fence}`;
}

/**
 * Text of our own that may still carry outside values already made literal, as prose outside a code
 * span: metacharacters escaped with a backslash, `<` and `&` as entities.
 */
export function markdownProse(text: string): string {
    return terminalText(text)
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/([\\`*_{}[\]()#+\-.!|~])/g, "\\$1");
}
