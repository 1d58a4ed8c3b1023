/**
 * Device name patterns, as a security lead writes them in the pack's config: `dc-*`, `*-hv-??`,
 * `soc-jump-*.contoso.com`. `*` is any run of characters (dots included), `?` one character; no other
 * character is special, so a pattern can never be an expensive or invalid regular expression.
 * Matching ignores case and a trailing dot, and tries both the full DNS name and its first label, so
 * `*-dc-??` protects `nyc-dc-01.contoso.com` as well as `nyc-dc-01`.
 */

export function normalizeDnsName(name: string): string {
    return name.trim().toLowerCase().replace(/\.$/, "");
}

function globToRegExp(pattern: string): RegExp {
    const body = normalizeDnsName(pattern)
        .split("")
        .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}/-]/g, "\\$&")))
        .join("");
    return new RegExp(`^${body}$`);
}

/** The first pattern that matches the name (full or first label), or undefined. */
export function matchingPattern(name: string, patterns: readonly string[]): string | undefined {
    const full = normalizeDnsName(name);
    const label = full.split(".")[0];
    return patterns.find((p) => {
        if (p.trim() === "") return false;
        const re = globToRegExp(p);
        return re.test(full) || re.test(label);
    });
}

/** Machine ids compare case-insensitively (Defender's are lower-case hex; people paste upper-case). */
export function sameMachineId(a: string, b: string): boolean {
    return a.trim().toLowerCase() === b.trim().toLowerCase();
}
