// ESLint's findings with the repository's own configuration, counted by top folder and by rule.
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export interface LintCounts {
    total: number;
    byFolder: Record<string, number>;
    byRule: Record<string, number>;
    seconds: number;
}

interface LintFileResult {
    filePath: string;
    messages: Array<{ ruleId: string | null }>;
}

/** Counts the findings of ESLint's JSON report (files under `root`). */
export function countFindings(root: string, report: readonly LintFileResult[]): Omit<LintCounts, "seconds"> {
    const byFolder: Record<string, number> = {};
    const byRule: Record<string, number> = {};
    let total = 0;
    for (const file of report) {
        const folder = path.relative(root, file.filePath).split(path.sep)[0];
        for (const m of file.messages) {
            total++;
            byFolder[folder] = (byFolder[folder] ?? 0) + 1;
            const rule = m.ruleId ?? "(parse)";
            byRule[rule] = (byRule[rule] ?? 0) + 1;
        }
    }
    return { total, byFolder, byRule };
}

/** Runs the repository's ESLint over `folders` and counts what it finds. */
export function lintCounts(root: string, folders: readonly string[]): LintCounts {
    const started = performance.now();
    const run = spawnSync(path.join(root, "node_modules", ".bin", "eslint"), ["-f", "json", ...folders], { cwd: root, encoding: "utf8", maxBuffer: 256 << 20 });
    const seconds = (performance.now() - started) / 1000;
    if (run.error !== undefined || run.stdout.trim() === "") throw new Error(`eslint did not run in ${root}: ${run.error?.message ?? run.stderr.trim()}`);
    return { ...countFindings(root, JSON.parse(run.stdout) as LintFileResult[]), seconds };
}
