/** Runs scenarios one after the other, each in a fresh emulator and provider host. */
import { runCreateScenario, type RunOptions } from "./createRun";
import { runInventoryScenario } from "./inventoryRun";
import { runPreviewScenario } from "./previewRun";
import type { ScenarioResult } from "./results";
import type { Scenario } from "./scenarios";

export type { RunOptions } from "./createRun";

export function runScenario(s: Scenario, opts: RunOptions = {}): Promise<ScenarioResult> {
    switch (s.kind) {
        case "create":
            return runCreateScenario(s, opts);
        case "preview":
            return runPreviewScenario(s, opts);
        case "inventory":
            return runInventoryScenario(s, opts);
    }
}

export async function runScenarios(scenarios: readonly Scenario[], opts: RunOptions = {}): Promise<ScenarioResult[]> {
    const results: ScenarioResult[] = [];
    for (const s of scenarios) results.push(await runScenario(s, opts));
    return results;
}
