/**
 * Only the resources this stack is meant to have. The incident stack holds DeviceIsolations and
 * nothing else: a resource of another type is a pull request adding code the engine will run at `up`
 * (a hand-written dynamic resource, another provider's resource), or DeviceIsolation's type token
 * renamed to slip past the other policies. Either fails here, before its step.
 */
import { DEVICE_ISOLATION_TYPE, NATIVE_DEVICE_ISOLATION_TYPE, quote } from "./declaration";
import { schemaWithDefaults, type AnyResourceGuardrail } from "./definition";
import type { StackResource } from "./stackResources";

export interface AllowedTypesConfig {
    /** The resource types the stack may hold. @default the DeviceIsolation types (dynamic and native), the stack, their providers */
    allowedTypes: string[];
}

/**
 * The DeviceIsolation type; the stack itself; the default provider of dynamic resources, which the
 * engine registers for every DeviceIsolation (it runs nothing of its own: the provider text decides);
 * the same resource served by this package's native provider plugin, with that provider; and the
 * engine's built-in provider, which the GitOps program's read of its last outputs registers.
 */
export const ALLOWED_TYPES_DEFAULTS: AllowedTypesConfig = {
    allowedTypes: [
        DEVICE_ISOLATION_TYPE,
        "pulumi:pulumi:Stack",
        "pulumi:providers:pulumi-nodejs",
        NATIVE_DEVICE_ISOLATION_TYPE,
        "pulumi:providers:defender",
        // The engine's built-in provider, registered when the program reads its own last outputs
        // (readStackOutputs); the resources it could create (stack references) are not allowed.
        "pulumi:providers:pulumi",
    ],
};

export function allowedTypeViolations(r: StackResource, config: AllowedTypesConfig): string[] {
    if (config.allowedTypes.includes(r.type)) return [];
    return [
        `type ${quote(r.type)} is not one this stack is meant to hold (allowedTypes: ${config.allowedTypes.map(quote).join(", ")}): ` +
            `the program added a resource the engine would create at 'pulumi up', or renamed the DeviceIsolation type: remove it from the program; ` +
            `only the owner of the policy pack's config can add a type to allowedTypes of allowed-resource-types`,
    ];
}

export const allowedResourceTypes: AnyResourceGuardrail<AllowedTypesConfig> = {
    kind: "anyResource",
    name: "allowed-resource-types",
    description: "The stack holds only the resource types it is meant to: DeviceIsolation (dynamic or native), the stack, their providers.",
    enforcementLevel: "mandatory",
    defaults: ALLOWED_TYPES_DEFAULTS,
    configSchema: schemaWithDefaults(ALLOWED_TYPES_DEFAULTS, {
        allowedTypes: {
            type: "array",
            items: { type: "string", minLength: 1 },
            description: "Resource type tokens the stack may hold, e.g. pulumi-nodejs:dynamic/defender:DeviceIsolation; any other type fails.",
        },
    }),
    check: allowedTypeViolations,
};
