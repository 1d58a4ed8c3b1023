/**
 * The package schema the plugin serves (GetSchema) and `schema.json` holds: built here, and only here.
 * `npm run schema` writes the file; a unit test insists the checked-in file is what this builds.
 *
 * Descriptions are the ones DeviceIsolationArgs (resource/deviceIsolation.ts) and
 * docs/configuration.md give, so Pulumi YAML and SDK users read the same words.
 */
import { NATIVE_DEVICE_ISOLATION_TYPE } from "../../rules";
import { CONFIG_KEYS } from "../../resource/settings";
import { DEFAULT_COMPLETION_TIMEOUT_SECONDS, DEFAULT_RELEASE_COMMENT, ISOLATION_TYPES, MAX_COMPLETION_TIMEOUT_SECONDS } from "../../resource/inputs";

/** The package name: the config namespace, the plugin's name (`pulumi-resource-defender`) and the type tokens' first part. */
export const PACKAGE_NAME = "defender";
/** The resource's token in the schema, in state and in `pulumi import` (the rules recognise it). */
export { NATIVE_DEVICE_ISOLATION_TYPE };

interface Property {
    type: "string" | "boolean" | "integer" | "number" | "array";
    items?: { type: "string" };
    description: string;
    default?: unknown;
    secret?: boolean;
}

const str = (description: string, extra: Partial<Property> = {}): Property => ({ type: "string", description, ...extra });

/** The declaration: what a program sets. */
const INPUTS: Record<string, Property> = {
    machineId: str(
        "Defender device id: 40 hexadecimal characters. Set machineId, computerDnsName, or both (then machineId decides the device, and create refuses it unless computerDnsName is that device's name).",
    ),
    computerDnsName: str("Device name, resolved to exactly one device by exact, case-insensitive match; 0 or several matches fail."),
    comment: str("Why the device is isolated; sent to Defender as `Comment`. Required, non-empty, at most 1000 characters."),
    isolationType: str(
        `${ISOLATION_TYPES.join(", ")} (case-sensitive). A change isolates the device again with the new type, in place, without releasing it.`,
        {
            default: "Full",
        },
    ),
    releaseComment: str("Comment for the release (unisolate or cancel) when the declaration is removed.", { default: DEFAULT_RELEASE_COMMENT }),
    waitForCompletion: {
        type: "boolean",
        description:
            "Create and delete wait for the MachineAction to finish. Failed/TimeOut/Cancelled fails the operation; an isolation still Pending at the timeout is recorded with a warning, never lost.",
        default: true,
    },
    completionTimeoutSeconds: {
        type: "integer",
        description: `Seconds to wait for the MachineAction, from 0 to ${MAX_COMPLETION_TIMEOUT_SECONDS} (three days).`,
        default: DEFAULT_COMPLETION_TIMEOUT_SECONDS,
    },
    protectedMachineTags: {
        type: "array",
        items: { type: "string" },
        description: "Devices carrying any of these Defender machine tags (case-insensitive) are refused at create.",
    },
};

/** What state holds besides the declaration: the isolate MachineAction. */
const OUTPUTS: Record<string, Property> = {
    machineActionId: str("The isolate MachineAction id (also the resource id until a change of isolation type moves it to the new isolate)."),
    status: str("MachineAction status: Pending, InProgress or Succeeded while the resource exists."),
    requestor: str("Who requested the isolate action."),
    creationDateTimeUtc: str("When Defender created the isolate action."),
    lastUpdateDateTimeUtc: str("When Defender last updated the isolate action."),
};

/** docs/configuration.md, "Provider settings", in CONFIG_KEYS order. */
const CONFIG: Record<(typeof CONFIG_KEYS)[number], Property> = {
    tenantId: str("Entra tenant id. With clientId and clientSecret: client-secret authentication."),
    clientId: str("Application (client) id."),
    clientSecret: str("Client secret; set it with `pulumi config set --secret defender:clientSecret`.", { secret: true }),
    authMethod: str(
        "`clientSecret` (the three keys above; the default when any of them is set) or `ambient`: the runner's own Azure identity through DefaultAzureCredential. With neither, every operation is refused before any request.",
    ),
    cloud: str("`Commercial` (default), `GCC`, `GCCHigh` or `DoD`: picks API base, login host and token scope."),
    apiBaseUrl: str("API base override, e.g. a regional host `https://eu.api.security.microsoft.com`. Must be https unless the host is loopback."),
    authorityHost: str("Entra login host override (disables instance discovery). Must be https."),
    scope: str("Token scope override."),
    xdrScope: str("Token scope of Defender XDR's own API (incident reads)."),
    rateLimits: str('Sliding windows the provider keeps to, per API, as JSON. Default `[{"calls":100,"perSeconds":60},{"calls":1500,"perSeconds":3600}]`.'),
    pollIntervalSeconds: str("Seconds between status polls while waiting (0.05 to 300). Default 5."),
    requestTimeoutSeconds: str("Seconds one HTTP request may take before it counts as failed (0.1 to 600). Default 30."),
    listingLagSeconds: str(
        "Seconds a device's action listing may lag behind new actions (0 to 600): a listing counts as complete only for actions created this long before it was asked for. Default 0.",
    ),
};

export function buildSchema(version: string): Record<string, unknown> {
    return {
        name: PACKAGE_NAME,
        displayName: "Defender device isolation",
        version,
        description:
            "Declares Microsoft Defender for Endpoint device isolation: create isolates a device, refresh notices a release done elsewhere, delete releases it.",
        keywords: ["pulumi", "defender", "security", "isolation", "category/security", "kind/native"],
        license: "Apache-2.0",
        meta: { moduleFormat: "(.*)" },
        config: { variables: CONFIG },
        provider: {
            description:
                "The defender provider. It takes no arguments: it reads the stack's `defender:*` config (PULUMI_CONFIG), also for an explicit provider resource, whose arguments the engine cannot pass on.",
            type: "object",
        },
        resources: {
            [NATIVE_DEVICE_ISOLATION_TYPE]: {
                description:
                    "Declares that one Defender for Endpoint device is isolated from the network. Create isolates it (or adopts an isolation already pending or in place) and keeps the isolate MachineAction id as the resource id; refresh notices a release done behind Pulumi's back; delete releases it (cancels a still-pending isolate instead of racing it). Import by MachineAction id.",
                inputProperties: INPUTS,
                requiredInputs: ["comment"],
                properties: { ...INPUTS, ...OUTPUTS },
                required: [...Object.keys(INPUTS), ...Object.keys(OUTPUTS)],
                type: "object",
            },
        },
    };
}

/** The schema as `schema.json` holds it: two-space JSON and a final newline. */
export function schemaText(version: string): string {
    return `${JSON.stringify(buildSchema(version), null, 2)}\n`;
}
