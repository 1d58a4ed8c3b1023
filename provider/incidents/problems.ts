/**
 * A problem found in the incident folder: where it is (file, line, field path), what is wrong and how
 * to fix it. Problems are data: every check returns them, and the program reports them all at once.
 */
import { engineText } from "../base/engineText";
import { describeValue as describe } from "../base/text";

export interface IncidentProblem {
    /** The file (or the folder, for folder-wide problems) as shown to the user. */
    file: string;
    /** 1-based line in `file`; absent for problems about the folder or the whole declaration. */
    line?: number;
    /** Field path inside the file, e.g. `isolate[1].isolationType`; absent for whole-file problems. */
    path?: string;
    /** What is wrong, e.g. `must be one of Full, Selective, UnManagedDevice, got "full"`. */
    message: string;
    /** How to fix it, e.g. `did you mean "Full"?`. */
    fix: string;
}

/**
 * `incidents/inc-2031.yaml:7 isolate[1].isolationType: must be one of …, got "full": did you mean "Full"?`
 *
 * A problem quotes what the file holds, and names the file: both are the incident author's text, shown
 * by a terminal and, through the engine's output, in a pull request comment. So the line is written
 * through engineText (no terminal control, no HTML); our own wording holds neither.
 */
export function formatProblem(p: IncidentProblem): string {
    const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
    return engineText(`${where} ${p.path ? `${p.path}: ` : ""}${p.message}: ${p.fix}`);
}

/** Problems sorted by file, then line, so the list reads top to bottom like the files. */
export function sortProblems(problems: readonly IncidentProblem[]): IncidentProblem[] {
    return [...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
}

/** The one message the program fails with: every problem, and what was (not) done. */
export function describeProblems(folder: string, problems: readonly IncidentProblem[]): string {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    return [
        `The incident folder ${engineText(folder)} has ${count}. Nothing was declared: no device is isolated or released until every problem is fixed.`,
        ...sortProblems(problems).map((p) => `  - ${formatProblem(p)}`),
    ].join("\n");
}

/** YAML's words for the kinds of a value. */
const YAML_WORDS = Object.freeze({ array: "a list", object: "a mapping", null: "nothing", undefined: "nothing" });

/** A value from an incident file in a message, in YAML's words, bounded so a pasted blob stays readable. */
export function describeValue(value: unknown): string {
    return describe(value, { max: 60, words: YAML_WORDS });
}

/** Edit distance, bounded by the short keys it compares. */
function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const cur = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = cur;
        }
    }
    return row[b.length];
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * The allowed key a mistyped one most likely meant: same letters ignoring case and separators, a known
 * synonym, or at most two edits away.
 */
export function didYouMean(key: string, allowed: readonly string[], synonyms: Readonly<Record<string, string>> = {}): string | undefined {
    const k = squash(key);
    if (k === "") return undefined;
    const exact = allowed.find((a) => squash(a) === k);
    if (exact) return exact;
    if (synonyms[k]) return synonyms[k];
    let best: { key: string; d: number } | undefined;
    for (const a of allowed) {
        const d = distance(k, squash(a));
        if (d <= 2 && (!best || d < best.d)) best = { key: a, d };
    }
    return best?.key;
}
