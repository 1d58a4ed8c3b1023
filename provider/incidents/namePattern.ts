/**
 * DNS-name patterns of selectors: `*` stands for any run of characters (none, one or many, dots
 * included), `?` for exactly one character, and every other character for itself. Matching is
 * case-insensitive and covers the whole name: `fin-lt-*` matches `FIN-LT-042.contoso.com` but not
 * `old-fin-lt-042.contoso.com`. No regular expression is involved, so nothing else is special: a dot
 * is a dot.
 */

/** Letters, digits, `-`, `_`, `.` (what DNS names hold) and the two wildcards. */
const PATTERN_CHARS = /^[A-Za-z0-9._*?-]+$/;
export const MAX_PATTERN_LENGTH = 255;

/** Why `pattern` is not a usable name pattern, with the fix; undefined when it is. */
export function namePatternProblem(pattern: string): { message: string; fix: string } | undefined {
    if (pattern.length > MAX_PATTERN_LENGTH) return { message: `is ${pattern.length} characters long`, fix: `shorten it to at most ${MAX_PATTERN_LENGTH}` };
    if (!PATTERN_CHARS.test(pattern)) {
        const bad = [...pattern].find((ch) => !PATTERN_CHARS.test(ch)) ?? "";
        return {
            message: `contains ${JSON.stringify(bad)}: a name pattern holds letters, digits, '-', '_', '.', and the wildcards '*' (any run of characters) and '?' (one character)`,
            fix: "write the device names' shape with * and ?, e.g. fin-lt-*.contoso.com (no regular expressions, no spaces)",
        };
    }
    if (/^[*?.]+$/.test(pattern)) {
        return {
            message: "matches nearly every device (it has no letter or digit)",
            fix: "write the names' fixed part too, e.g. fin-lt-*.contoso.com, or select by tag or group",
        };
    }
    return undefined;
}

/** Whole-name, case-insensitive wildcard match: greedy with one backtrack point, linear in practice. */
export function matchesNamePattern(pattern: string, name: string): boolean {
    const p = pattern.toLowerCase();
    const n = name.toLowerCase();
    let i = 0; // in n
    let j = 0; // in p
    let star = -1; // last '*' seen in p
    let from = 0; // where in n that star's run started
    while (i < n.length) {
        if (j < p.length && (p[j] === "?" || p[j] === n[i])) {
            i++;
            j++;
        } else if (j < p.length && p[j] === "*") {
            star = j++;
            from = i;
        } else if (star >= 0) {
            j = star + 1;
            i = ++from;
        } else {
            return false;
        }
    }
    while (j < p.length && p[j] === "*") j++;
    return j === p.length;
}

/** The fixed text a pattern starts with (before its first wildcard), lower-cased. */
export function literalPrefix(pattern: string): string {
    const at = pattern.search(/[*?]/);
    return (at < 0 ? pattern : pattern.slice(0, at)).toLowerCase();
}

export function hasWildcard(pattern: string): boolean {
    return /[*?]/.test(pattern);
}
