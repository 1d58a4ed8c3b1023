/**
 * The command's Defender settings, read the way Azure tools read them: the application's credentials
 * from AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, the endpoints from flags. Validated by
 * the client's own rules (the provider's too), every problem at once, named as the user typed it,
 * before any network call.
 *
 * With AZURE_CLIENT_SECRET set, the three variables select the client secret credential (a missing
 * one is a problem). Without it the command chooses the ambient identity (authMethod ambient), as Azure
 * tools do: DefaultAzureCredential reads the environment itself (a certificate, workload identity),
 * then managed identity, then the Azure CLI's login. The command only reads, and says which it used.
 */
import { renameOptionFields, validateClientOptions, type Cloud, type DefenderClientOptions } from "../../defender";
import type { CliArgs } from "./args";

/** How the user names each client option. */
export const SETTING_NAMES: Readonly<Record<string, string>> = {
    tenantId: "AZURE_TENANT_ID",
    clientId: "AZURE_CLIENT_ID",
    clientSecret: "AZURE_CLIENT_SECRET",
    cloud: "--cloud",
    apiBaseUrl: "--api-base-url",
    authorityHost: "--authority-host",
    scope: "--scope",
};

export function clientSettings(
    args: Pick<CliArgs, "cloud" | "apiBaseUrl" | "authorityHost" | "scope">,
    env: NodeJS.ProcessEnv,
): { options: DefenderClientOptions; problems: string[] } {
    const options: DefenderClientOptions = {};
    const value = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());
    if (value(env.AZURE_CLIENT_SECRET) !== undefined) {
        for (const [key, name] of [
            ["tenantId", "AZURE_TENANT_ID"],
            ["clientId", "AZURE_CLIENT_ID"],
            ["clientSecret", "AZURE_CLIENT_SECRET"],
        ] as const) {
            const v = value(env[name]);
            if (v !== undefined) options[key] = v;
        }
    } else {
        options.authMethod = "ambient";
    }
    if (value(args.cloud) !== undefined) options.cloud = value(args.cloud) as Cloud;
    for (const key of ["apiBaseUrl", "authorityHost", "scope"] as const) {
        const v = value(args[key]);
        if (v !== undefined) options[key] = v;
    }
    return { options, problems: validateClientOptions(options).map((p) => renameOptionFields(p, SETTING_NAMES)) };
}

export function formatSettingProblems(problems: readonly string[]): string {
    return [
        "Invalid settings: nothing was read from Defender.",
        ...problems.map((p) => `  - ${p}`),
        "Set the endpoints with --cloud, --api-base-url, --authority-host and --scope, and the application with AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET.",
    ].join("\n");
}
