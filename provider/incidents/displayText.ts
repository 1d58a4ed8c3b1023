/**
 * Text from incident files and from Defender is data: before it reaches a terminal, a CI log or a pull
 * request comment it loses control characters (line breaks, terminal escapes, bidirectional overrides)
 * and, in Markdown, every character that would be markup. Pure.
 */

// C0 and C1 controls, DEL, line and paragraph separators, bidirectional marks and overrides, zero-width characters.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]+/g;

/** One printable line, at most `max` characters (cut with …). */
export function plainText(text: string, max = 200): string {
    const flat = text.replace(CONTROL, " ").replace(/\s+/g, " ").trim();
    return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
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
