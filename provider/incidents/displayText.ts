/**
 * Text from incident files and from Defender is data: before it reaches a terminal, a CI log or a pull
 * request comment it loses control characters (line breaks, terminal escapes, bidirectional overrides)
 * and, in Markdown, every character that would be markup. Pure.
 */
import { cut, TERMINAL_CONTROL } from "../base/text";

/** What a terminal acts on (base's one set), and what hides in a cell: zero-width and invisible format characters. */
const HIDDEN = new RegExp(`(?:${TERMINAL_CONTROL.source}|[\u200b-\u200d\u2060-\u2064\u206a-\u206f\ufeff])+`, "g");

/** One printable line, at most `max` characters (cut with …). */
export function plainText(text: string, max = 200): string {
    return cut(text.replace(HIDDEN, " ").replace(/\s+/g, " ").trim(), max);
}

/**
 * One Markdown table cell: printable, one line, no pipe, no markup. Inside a cell only inline markup
 * can start (emphasis, code, links, HTML, entities, strike-through), so those characters are escaped
 * and the rest (`-`, `.`) stays readable as plain text too.
 */
export function markdownCell(text: string, max = 200): string {
    return plainText(text, max).replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}

/** A value shown as code in Markdown (ids): backticks cannot occur in what is checked first, but are removed anyway. */
export function markdownCode(text: string, max = 200): string {
    return `\`${plainText(text, max).replace(/`/g, "'")}\``;
}
