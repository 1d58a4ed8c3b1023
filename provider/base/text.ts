/**
 * Text from outside (a user's input, an answer from Defender, a file) in our messages and outputs:
 * quoted and escaped so it can neither break the line nor pass for another name, and bounded.
 */

/** How values other than strings are named in a message. */
export interface ValueWords {
    array: string;
    object: string;
    null: string;
    undefined: string;
}

/** JSON's words for the kinds of a value. */
export const JSON_WORDS: Readonly<ValueWords> = Object.freeze({ array: "an array", object: "an object", null: "null", undefined: "nothing" });

/**
 * `text` in double quotes as a JSON string: at most `max` characters of it (a cut one ends with
 * "..."), every character outside printable ASCII escaped (\n, \u0430...).
 */
export function quote(text: string, max = 80): string {
    const bounded = text.length > max ? `${text.slice(0, Math.max(0, max - 3))}...` : text;
    return JSON.stringify(bounded).replace(/[^\x20-\x7e]/g, unicodeEscape);
}

/** One character as JSON writes it escaped: `\u001b`, `\u202e`. */
export function unicodeEscape(c: string): string {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** At most `max` characters of `text`; a cut one ends with "…". */
export function cut(text: string, max: number): string {
    return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/** Any value in a message: a string quoted, a number or boolean as written, anything else by its kind ("an array", "nothing"). */
export function describeValue(value: unknown, options: { max?: number; words?: Readonly<ValueWords> } = {}): string {
    const words = options.words ?? JSON_WORDS;
    if (typeof value === "string") return quote(value, options.max);
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
    if (value === null) return words.null;
    if (value === undefined) return words.undefined;
    if (Array.isArray(value)) return words.array;
    return typeof value === "object" ? words.object : `a ${typeof value}`;
}

/**
 * The characters a terminal may act on: C0 controls (ESC, so every ANSI sequence), DEL, C1 controls
 * (8-bit CSI and OSC among them), the bidirectional marks, overrides and isolates, the line and
 * paragraph separators. Outside text never reaches an output with one of them raw.
 */
// eslint-disable-next-line no-control-regex
export const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/;

const CONTROL_RUNS = new RegExp(`${TERMINAL_CONTROL.source}+`, "g");

/** Text on one line: runs of the characters a terminal acts on become one space, trimmed, at most `max` characters (a cut one ends with "…"). */
export function oneLine(text: string, max: number): string {
    return cut(text.replace(CONTROL_RUNS, " ").trim(), max);
}
