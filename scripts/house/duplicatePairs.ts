// The pairs the `duplicates` command lists, read from its rows, counted by where they stand.
import { spawnSync } from "node:child_process";

export interface DuplicatePair {
    a: string;
    b: string;
    shape: boolean;
}

const ROW = /^D\d+ (\S+?):\d+-\d+ ~ (\S+?):\d+-\d+(.*)$/;

/** The pairs of the command's output; rows only, its summary and notes left out. */
export function parseDuplicateRows(output: string): DuplicatePair[] {
    return output.split("\n").flatMap((line) => {
        const m = ROW.exec(line);
        return m === null ? [] : [{ a: m[1], b: m[2], shape: /\bshape\b/.test(m[3]) }];
    });
}

/** Runs `duplicates` over `root`; undefined when the command is not on this machine. */
export function runDuplicates(root: string): DuplicatePair[] | undefined {
    const run = spawnSync("duplicates", ["--repo", root, "--most", "200", "--seconds", "120"], { encoding: "utf8" });
    if (run.error !== undefined) return undefined;
    return parseDuplicateRows(run.stdout);
}

/** The pairs whose two places both satisfy `where`. */
export function countPairs(pairs: readonly DuplicatePair[], where: (file: string) => boolean): number {
    return pairs.filter((p) => where(p.a) && where(p.b)).length;
}
