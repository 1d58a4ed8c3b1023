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
    const cut = text.length > max ? `${text.slice(0, Math.max(0, max - 3))}...` : text;
    return JSON.stringify(cut).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
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

/** Text on one line: control and line-separator characters become spaces, trimmed, at most `max` characters (a cut one ends with "…"). */
export function oneLine(text: string, max: number): string {
    // eslint-disable-next-line no-control-regex
    const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
    return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}
