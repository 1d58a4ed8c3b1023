/**
 * The provider's settings: stack config under the `defender` namespace, read through the provider's
 * `configure` (never captured in the serialized provider, so no secret reaches `__provider`).
 *
 * Every problem is reported at once, each naming the key and the fix, before any network call.
 */
import { AUTH_METHODS, type AuthMethod, type DefenderClientOptions, type RateLimit, validateClientOptions } from "../defender";

export interface ProviderSettings {
    client: DefenderClientOptions;
    /** Seconds between status polls while waiting for an action. @default 5 */
    pollIntervalSeconds: number;
    /**
     * Seconds a device's listing may lag behind new actions: a listing counts as complete only for
     * actions created this long before it was asked for (evidence.ts). @default 0
     */
    listingLagSeconds: number;
}

/** The `defender:*` keys this provider reads, in the order the README documents them. */
export const CONFIG_KEYS = [
    "tenantId",
    "clientId",
    "clientSecret",
    "authMethod",
    "cloud",
    "apiBaseUrl",
    "authorityHost",
    "scope",
    "xdrScope",
    "rateLimits",
    "pollIntervalSeconds",
    "requestTimeoutSeconds",
    "listingLagSeconds",
] as const;

export const DEFAULT_POLL_INTERVAL_SECONDS = 5;

/**
 * No identity was chosen. With an old Pulumi CLI or SDK the stack config never reaches a dynamic
 * provider, so a configured client id and secret look exactly like this: the ambient identity is used
 * only when defender:authMethod says so.
 */
export const NO_CREDENTIAL_CHOSEN =
    "defender:authMethod is not set and none of defender:tenantId, defender:clientId, defender:clientSecret reached the provider, so no identity was chosen. " +
    "Set 'pulumi config set defender:tenantId TENANT_ID', 'pulumi config set defender:clientId APPLICATION_ID' and 'pulumi config set --secret defender:clientSecret SECRET', " +
    "or 'pulumi config set defender:authMethod ambient' to act as the runner's Azure identity (DefaultAzureCredential: workload identity, managed identity, AZURE_* environment, Azure CLI). " +
    "If the three are set in the stack config, this Pulumi CLI or @pulumi/pulumi is too old to pass stack config to dynamic providers: upgrade both";

/** The `defender:*` settings are invalid: a problem of the stack's config, not of a device. */
export class ConfigurationError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigurationError";
    }
}

/**
 * Reads and validates the settings. `get` returns a key's value (`get("defender:tenantId")`), or
 * undefined when unset. Throws one Error listing every problem.
 */
export function readSettings(get: (key: string) => string | undefined): ProviderSettings {
    const problems: string[] = [];
    const value = (key: (typeof CONFIG_KEYS)[number]) => {
        const v = get(`defender:${key}`);
        return v === undefined || v.trim() === "" ? undefined : v.trim();
    };

    const client: DefenderClientOptions = {};
    for (const key of ["tenantId", "clientId", "clientSecret", "apiBaseUrl", "authorityHost", "scope", "xdrScope"] as const) {
        const v = value(key);
        if (v !== undefined) client[key] = v;
    }
    const method = value("authMethod");
    let noCredential = false;
    if (method !== undefined) {
        if ((AUTH_METHODS as readonly string[]).includes(method)) client.authMethod = method as AuthMethod;
        else
            problems.push(
                `defender:authMethod must be one of ${AUTH_METHODS.join(", ")} (case-sensitive): clientSecret uses defender:tenantId, defender:clientId and defender:clientSecret; ambient uses the runner's Azure identity`,
            );
    } else if (client.tenantId === undefined && client.clientId === undefined && client.clientSecret === undefined) {
        noCredential = true;
        problems.push(NO_CREDENTIAL_CHOSEN);
    }
    const cloud = value("cloud");
    if (cloud !== undefined) client.cloud = cloud as DefenderClientOptions["cloud"];

    const limits = value("rateLimits");
    if (limits !== undefined) {
        try {
            client.rateLimits = JSON.parse(limits) as RateLimit[];
        } catch {
            problems.push(`defender:rateLimits must be a JSON array such as [{"calls":100,"perSeconds":60},{"calls":1500,"perSeconds":3600}]`);
        }
    }

    let pollIntervalSeconds = DEFAULT_POLL_INTERVAL_SECONDS;
    const poll = value("pollIntervalSeconds");
    if (poll !== undefined) {
        const n = Number(poll);
        if (!Number.isFinite(n) || n < 0.05 || n > 300) {
            problems.push(`defender:pollIntervalSeconds must be a number of seconds from 0.05 to 300, got "${poll}"`);
        } else pollIntervalSeconds = n;
    }

    let listingLagSeconds = 0;
    const lag = value("listingLagSeconds");
    if (lag !== undefined) {
        const n = Number(lag);
        if (!Number.isFinite(n) || n < 0 || n > 600) {
            problems.push(`defender:listingLagSeconds must be a number of seconds from 0 to 600, got "${lag}"`);
        } else listingLagSeconds = n;
    }

    const timeout = value("requestTimeoutSeconds");
    if (timeout !== undefined) {
        const n = Number(timeout);
        if (!Number.isFinite(n) || n < 0.1 || n > 600) {
            problems.push(`defender:requestTimeoutSeconds must be a number of seconds from 0.1 to 600, got "${timeout}"`);
        } else client.timeoutMs = Math.round(n * 1000);
    }

    for (const p of validateClientOptions(client)) {
        if (noCredential && p.startsWith("authMethod ")) continue; // said above, with the full key names
        if (method !== undefined && client.authMethod === undefined && p.startsWith("authMethod ")) continue;
        problems.push(p.startsWith("defender:") ? p : `defender:${p}`);
    }
    if (problems.length > 0) {
        throw new ConfigurationError(
            `Invalid provider configuration:\n  - ${problems.join("\n  - ")}\nSet keys with 'pulumi config set defender:<key> <value>' ('--secret' for defender:clientSecret).`,
        );
    }
    return { client, pollIntervalSeconds, listingLagSeconds };
}
