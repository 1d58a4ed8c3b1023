/**
 * Outside text (Defender's device names and requestors, incident files) shown on a terminal: every
 * character a terminal could act on is written as a visible escape, so a crafted hostname can neither
 * move the cursor, recolour, retitle or clear the screen, nor reorder what follows it.
 *
 * Escaped: C0 controls (ESC, so every ANSI sequence, included), DEL, C1 controls (8-bit CSI and OSC
 * among them), the bidirectional overrides and isolates, and the line and paragraph separators. The
 * rest of an ANSI sequence stays as inert text: `\x1b[2J` reads as `\x1b[2J`, which shows what was tried.
 */
import { TERMINAL_CONTROL, unicodeEscape } from "./text";

/** Characters a terminal may interpret; `\n` is among them unless a caller keeps lines. */
const UNSAFE = new RegExp(TERMINAL_CONTROL.source, "g");
// eslint-disable-next-line no-control-regex
const UNSAFE_KEEPING_LINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g;

/** `\x1b`, `\u202e`: how one unsafe character is shown. */
export function visibleEscape(c: string): string {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : unicodeEscape(c);
}

/** One line of outside text, safe to print: nothing in it acts on the terminal. */
export function terminalText(text: string): string {
    return text.replace(UNSAFE, visibleEscape);
}

/** Outside text over several lines (an error message): line breaks kept, everything else as `terminalText`. */
export function terminalLines(text: string): string {
    return text.replace(/\r\n/g, "\n").replace(UNSAFE_KEEPING_LINES, visibleEscape);
}

/** True when the text holds nothing `terminalText` would escape. */
export function isTerminalSafe(text: string): boolean {
    return text.replace(UNSAFE, "") === text;
}

/**
 * A JSON document for a terminal or a pipe: JSON.stringify escapes C0 controls itself, but leaves DEL,
 * C1 controls, bidirectional controls and the separators raw. They are written as `\uXXXX`, which is
 * still valid JSON and parses back to the same string.
 */
export function terminalJson(json: string): string {
    return json.replace(UNSAFE_KEEPING_LINES, unicodeEscape);
}
