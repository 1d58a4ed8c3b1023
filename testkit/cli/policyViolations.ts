/** The policy lines of a CLI run, as `pulumi preview --policy-pack` prints them. */
import type { CliRun } from "./workspace";

export interface Violation {
    level: string;
    policy: string;
    /** `type: name`, or the stack for a stack policy. */
    resource: string;
    message: string;
}

/** Each `[level] policy (type: resource)` line, with its message (the line after the description). */
export function violations(r: CliRun): Violation[] {
    const out: Violation[] = [];
    const re = /^\s+- \[(\w+)\]\s+(\S+)\s+\(([^)]*)\)\n\s+.*\n\s+(.*)$/gm;
    for (let m = re.exec(r.stdout); m; m = re.exec(r.stdout)) out.push({ level: m[1], policy: m[2], resource: m[3], message: m[4] });
    return out;
}
