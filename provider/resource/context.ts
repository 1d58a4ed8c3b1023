/**
 * What every operation needs, shared by all resources in one provider host process: the settings
 * from `configure`, one Defender client (so one token cache and one set of pacing windows) and one
 * status poller (so waits are batched).
 */
import { createActionPoller, type ActionPoller } from "../defender/actionPoller";
import { createDefenderClient, type DefenderClient } from "../defender";
import { clientEventLogger } from "./clientEvents";
import { guardWrites } from "./writePermission";
import { ConfigurationError, readSettings, type ProviderSettings } from "./settings";

export interface Context {
    client: DefenderClient;
    poller: ActionPoller;
    pollIntervalMs: number;
    /** How far a device's listing may lag behind new actions (defender:listingLagSeconds). */
    listingLagMs: number;
}

let settings: ProviderSettings | undefined;
let configError: Error | undefined;
let configErrorTold = false;
let current: { key: string; context: Context } | undefined;

/**
 * Called by the host once per distinct provider text, inside its first operation. Synchronous on
 * purpose: the host runs concurrent operations without awaiting configure. It never throws: an error
 * thrown here reaches the user with the host's stack trace, and only through that first operation.
 * The error is kept instead, and each operation reports it (configurationProblem).
 */
export function configure(get: (key: string) => string | undefined): void {
    try {
        settings = readSettings(get);
        configError = undefined;
    } catch (e) {
        settings = undefined;
        configError = e instanceof Error ? e : new ConfigurationError(String(e));
    }
    configErrorTold = false;
}

/**
 * The settings' problem, if any: in full the first time this process reports it, then as a short
 * reference, so a stack of many devices reads it once instead of once per device.
 */
export function configurationProblem(): string | undefined {
    if (!configError) return undefined;
    if (configErrorTold) return CONFIGURATION_TOLD;
    configErrorTold = true;
    return configError.message;
}

export const CONFIGURATION_TOLD = "not attempted: the provider's defender:* configuration is invalid (the first error says which key and how to fix it)";

/** The process's context; rebuilt only when the settings change. */
export function context(): Context {
    const problem = configurationProblem();
    if (problem !== undefined) throw new ConfigurationError(problem);
    if (!settings) {
        throw new Error("The provider was not configured: this is a bug in the provider host call order; run the command again.");
    }
    const key = JSON.stringify(settings);
    if (current?.key !== key) {
        const client = guardWrites(createDefenderClient({ ...settings.client, onEvent: clientEventLogger() }), settings.client);
        const pollIntervalMs = Math.round(settings.pollIntervalSeconds * 1000);
        const listingLagMs = Math.round(settings.listingLagSeconds * 1000);
        current = { key, context: { client, poller: createActionPoller(client, { intervalMs: pollIntervalMs }), pollIntervalMs, listingLagMs } };
    }
    return current.context;
}

/**
 * Isolate actions another declaration holds in this host process, that is in this deployment (the
 * engine starts one host per command), with why. A delete of one of them must not release what
 * another declaration still holds:
 * - adopted by a create: the device is declared under a new resource name, or declared twice (the
 *   engine creates the new resource, which adopts the isolation, before deleting the old one);
 * - diffed without a replacement: a declaration that stays in the program holds it. The engine diffs
 *   every declared resource before it deletes any removed one, so when a device is declared twice (by
 *   machineId and by name, say) and one declaration is removed, its delete sees the other's claim.
 */
const heldThisDeployment = new Map<string, string>();

export function markAdopted(actionId: string): void {
    heldThisDeployment.set(actionId.toLowerCase(), "a declaration adopted it");
}

export function markStillDeclared(actionId: string): void {
    const key = actionId.toLowerCase();
    if (!heldThisDeployment.has(key)) heldThisDeployment.set(key, "a declaration that stays in the program holds it");
}

/**
 * Inputs this host's check accepted: what the program declares in this deployment. A diff whose new
 * inputs are not among them is a refresh's diff (the engine passes the inputs stored in state).
 */
const checkedThisDeployment = new Set<string>();

/** The declaration's fields, without the engine's and the SDK's own (`__provider`). */
function fingerprint(inputs: Record<string, unknown> | undefined): string {
    const fields = Object.entries(inputs ?? {})
        .filter(([k]) => !k.startsWith("__"))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify(fields);
}

export function noteChecked(inputs: Record<string, unknown>): void {
    checkedThisDeployment.add(fingerprint(inputs));
}

export function wasChecked(inputs: Record<string, unknown> | undefined): boolean {
    return checkedThisDeployment.has(fingerprint(inputs));
}

/** Why another declaration of this deployment holds the isolate action, or undefined. */
export function isHandedOver(actionId: string): string | undefined {
    return heldThisDeployment.get(actionId.toLowerCase());
}
