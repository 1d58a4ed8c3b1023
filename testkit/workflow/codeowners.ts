/**
 * GitHub's CODEOWNERS: one rule a line (`pattern owner...`), the last rule matching a path wins. The
 * patterns follow .gitignore's rules that CODEOWNERS supports: `*` and `?` stay within one folder, `**`
 * crosses folders, a leading or inner `/` anchors at the repository root, a trailing `/` means a folder
 * and everything in it, and a pattern naming a folder covers what is inside it. (No `!` and no `[ ]`:
 * GitHub does not support them in CODEOWNERS.)
 */
export interface OwnerRule {
    pattern: string;
    owners: string[];
    line: number;
    regex: RegExp;
}

function patternRegex(pattern: string): RegExp {
    if (pattern.startsWith("!") || /[[\]]/.test(pattern)) throw new Error(`CODEOWNERS does not support ${pattern}`);
    const dirOnly = pattern.endsWith("/");
    let p = dirOnly ? pattern.slice(0, -1) : pattern;
    const anchored = p.startsWith("/") || p.includes("/");
    p = p.replace(/^\//, "");
    let re = "";
    for (let i = 0; i < p.length; i++) {
        const c = p[i];
        if (c === "*" && p[i + 1] === "*") {
            // `**/` is any number of folders, `/**` everything inside.
            if (p[i + 2] === "/") {
                re += "(?:.*/)?";
                i += 2;
            } else {
                re += ".*";
                i += 1;
            }
        } else if (c === "*") re += "[^/]*";
        else if (c === "?") re += "[^/]";
        else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
    }
    // A folder pattern covers its contents; a name without a slash matches at any depth.
    return new RegExp(`^${anchored ? "" : "(?:.*/)?"}${re}${dirOnly ? "/.*" : "(?:/.*)?"}$`);
}

export function parseCodeowners(text: string): OwnerRule[] {
    const rules: OwnerRule[] = [];
    text.split("\n").forEach((raw, i) => {
        const line = raw.replace(/(^|\s)#.*$/, "").trim();
        if (line === "") return;
        const [pattern, ...owners] = line.split(/\s+/);
        rules.push({ pattern, owners, line: i + 1, regex: patternRegex(pattern) });
    });
    return rules;
}

/** The rule that owns `file` (repository-relative, no leading slash): the last one matching it. */
export function ownerRule(rules: readonly OwnerRule[], file: string): OwnerRule | undefined {
    for (let i = rules.length - 1; i >= 0; i--) if (rules[i].regex.test(file)) return rules[i];
    return undefined;
}
