/**
 * Reading one YAML incident file with its lines: every check adds a problem (file, line, field path,
 * what is wrong, the fix) instead of throwing, so a file reports all its problems at once.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type YAMLMap } from "yaml";
import { describeValue, didYouMean, type IncidentProblem } from "./problems";

export class FileChecker {
    readonly problems: IncidentProblem[] = [];

    constructor(
        private readonly file: string,
        private readonly doc: Document,
        private readonly lines: LineCounter,
    ) {}

    lineOf(node: Node | null | undefined, fallback = 1): number {
        const start = node?.range?.[0];
        return start === undefined ? fallback : this.lines.linePos(start).line;
    }

    add(line: number, path: string | undefined, message: string, fix: string): void {
        this.problems.push({ file: this.file, line, ...(path ? { path } : {}), message, fix });
    }

    resolve(node: unknown): Node | null {
        if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
        return (node as Node | null) ?? null;
    }

    /**
     * A scalar's text. A plain scalar YAML reads as a number keeps its source text, so an all-digit
     * device id or `incident: 2031` is not mangled into a float.
     */
    text(node: Node | null): string | undefined {
        if (!isScalar(node)) return undefined;
        if (typeof node.value === "string") return node.value;
        if (typeof node.value === "number" && node.type === "PLAIN" && typeof node.source === "string") return node.source;
        return undefined;
    }

    describe(node: Node | null): string {
        if (isSeq(node)) return "a list";
        if (isMap(node)) return "a mapping";
        return describeValue(isScalar(node) ? node.value : node);
    }

    /** The entries of a mapping; non-text keys and unknown keys are problems. */
    entries(map: YAMLMap, prefix: string, allowed: readonly string[], synonyms: Record<string, string>): Map<string, { key: Node; value: Node | null }> {
        const out = new Map<string, { key: Node; value: Node | null }>();
        for (const pair of map.items) {
            const keyNode = this.resolve(pair.key);
            const key = this.text(keyNode);
            const line = this.lineOf(keyNode, this.lineOf(map));
            if (key === undefined) {
                this.add(line, prefix || undefined, `has a key that is not a name (${this.describe(keyNode)})`, `use only the keys ${allowed.join(", ")}`);
                continue;
            }
            const path = prefix ? `${prefix}.${key}` : key;
            if (!allowed.includes(key)) {
                const hint = didYouMean(key, allowed, synonyms);
                this.add(
                    line,
                    path,
                    "unknown key",
                    hint ? `did you mean "${hint}"?` : `allowed keys are ${allowed.join(", ")}; keep notes in YAML comments (# ...)`,
                );
                continue;
            }
            // The YAML parser compares key nodes, so an alias used as a key (`*k :`) slips past its check.
            const first = out.get(key);
            if (first) {
                this.add(
                    this.lineOf(pair.key as Node, line),
                    path,
                    `is given twice (first at line ${this.lineOf(first.key)})`,
                    "keep only one of the two keys",
                );
                continue;
            }
            out.set(key, { key: keyNode as Node, value: this.resolve(pair.value) });
        }
        return out;
    }

    /** A required or optional single-line string field. */
    string(entry: { key: Node; value: Node | null } | undefined, path: string, opts: { max: number; example: string }): string | undefined {
        if (!entry) return undefined;
        const line = this.lineOf(entry.value, this.lineOf(entry.key));
        const raw = this.text(entry.value);
        if (raw === undefined) {
            this.add(line, path, `must be text, got ${this.describe(entry.value)}`, `write it like ${path.split(".").pop()}: ${opts.example}`);
            return undefined;
        }
        const value = raw.trim();
        if (value === "") this.add(line, path, "is empty", `write it like ${path.split(".").pop()}: ${opts.example}`);
        else if (/[\r\n]/.test(value)) this.add(line, path, "spans several lines", "write it on one line; Defender shows comments as one line");
        else if ([...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f))
            this.add(line, path, "contains control characters", "remove them (tabs included)");
        else if (value.length > opts.max)
            this.add(line, path, `is ${value.length} characters long, more than ${opts.max}`, `shorten it to at most ${opts.max} characters`);
        else return value;
        return undefined;
    }
}
