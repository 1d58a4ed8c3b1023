/** Runs scenarios one after the other, each in a fresh emulator and provider host (or CLI workspace). */
import type { PulumiCli } from "../scripts/engine/findCli";
import { runCliCreateScenario, runCliPreviewScenario } from "./cliRun";
import { runCreateScenario, type RunOptions } from "./createRun";
import { runCliIncidentScenario } from "./incidentRun";
import { runInventoryScenario } from "./inventoryRun";
import { runPreviewScenario } from "./previewRun";
import type { ScenarioResult } from "./results";
import type { Scenario } from "./scenarios";

export type { RunOptions } from "./createRun";

export type Engine = "host" | "cli";

/** The scenario through the provider host (or the inventory command); none for CLI-only scenarios. */
export async function runScenario(s: Scenario, opts: RunOptions = {}): Promise<ScenarioResult[]> {
    switch (s.kind) {
        case "create":
            return s.cliOnly ? [] : [await runCreateScenario(s, opts)];
        case "preview":
            return [await runPreviewScenario(s, opts)];
        case "inventory":
            return [await runInventoryScenario(s, opts)];
        case "incident":
            return [];
    }
}

/** The scenario through the CLI: create (and its follow-ups), preview and incident; inventory has no CLI form. */
export async function runCliScenario(s: Scenario, cli: PulumiCli, opts: RunOptions = {}): Promise<ScenarioResult[]> {
    if (s.kind === "create") return runCliCreateScenario(s, cli, opts);
    if (s.kind === "preview") return [await runCliPreviewScenario(s, cli, opts)];
    if (s.kind === "incident") return runCliIncidentScenario(s, cli, opts);
    return [];
}

/** Scenarios that have no provider-host form: they need the CLI. */
export function needsCli(s: Scenario): boolean {
    return s.kind === "incident" || (s.kind === "create" && s.cliOnly === true);
}

export async function runScenarios(
    scenarios: readonly Scenario[],
    opts: RunOptions & { engines?: readonly Engine[]; cli?: PulumiCli } = {},
): Promise<ScenarioResult[]> {
    const engines = opts.engines ?? ["host"];
    const results: ScenarioResult[] = [];
    for (const s of scenarios) {
        if (engines.includes("host")) results.push(...(await runScenario(s, opts)));
        if (engines.includes("cli") && opts.cli) results.push(...(await runCliScenario(s, opts.cli, opts)));
    }
    return results;
}
