/** Runs scenarios one after the other, each in a fresh emulator and provider host (or CLI workspace). */
import type { PulumiCli } from "../scripts/engine/findCli";
import { runCliCreateScenario, runCliPreviewScenario } from "./cliRun";
import { runCreateScenario, type RunOptions } from "./createRun";
import { runInventoryScenario } from "./inventoryRun";
import { runPreviewScenario } from "./previewRun";
import type { ScenarioResult } from "./results";
import type { Scenario } from "./scenarios";

export type { RunOptions } from "./createRun";

export type Engine = "host" | "cli";

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

/** The scenario through the CLI: create (and its follow-ups) and preview; inventory has no CLI form. */
export async function runCliScenario(s: Scenario, cli: PulumiCli, opts: RunOptions = {}): Promise<ScenarioResult[]> {
    if (s.kind === "create") return runCliCreateScenario(s, cli, opts);
    if (s.kind === "preview") return [await runCliPreviewScenario(s, cli, opts)];
    return [];
}

export async function runScenarios(
    scenarios: readonly Scenario[],
    opts: RunOptions & { engines?: readonly Engine[]; cli?: PulumiCli } = {},
): Promise<ScenarioResult[]> {
    const engines = opts.engines ?? ["host"];
    const results: ScenarioResult[] = [];
    for (const s of scenarios) {
        if (engines.includes("host")) results.push(await runScenario(s, opts));
        if (engines.includes("cli") && opts.cli) results.push(...(await runCliScenario(s, opts.cli, opts)));
    }
    return results;
}
