/**
 * Dynamic resources run only this package's loader. The engine hands a dynamic resource's `__provider`
 * text to the provider host, which runs it with the stack's configuration (the isolating identity, at
 * `up`). A program that writes another text, for a DeviceIsolation or a resource of its own, runs code
 * no reviewer of this package has read: it fails here, before its step.
 *
 * Its level is "remediate" because CrossGuard shows `__provider` only to remediations (see
 * ProviderGuardrail): the pack's remediation changes nothing and stops the deployment on a violation.
 * At any other level it would not run at all.
 */
import { quote } from "./declaration";
import { schemaWithDefaults, type ProviderGuardrail } from "./definition";
import { ISOLATION_PROVIDER_TEXT, isDynamic, providerText, type StackResource } from "./stackResources";

export interface ProviderTextConfig {
    /** Provider texts accepted besides this package's loader (exact text). @default [] */
    additionalProviderTexts: string[];
}

export const PROVIDER_TEXT_DEFAULTS: ProviderTextConfig = { additionalProviderTexts: [] };

export function providerTextViolations(r: StackResource, config: ProviderTextConfig): string[] {
    if (!isDynamic(r)) return [];
    const text = providerText(r);
    if (text === ISOLATION_PROVIDER_TEXT || config.additionalProviderTexts.includes(text as string)) return [];
    const what = typeof text === "string" ? `a provider text of ${text.length} characters starting ${quote(text.slice(0, 40))}` : "no provider text";
    return [
        `this dynamic resource (type ${quote(r.type)}) carries ${what}, not this package's loader: the provider host would run that code at 'pulumi up' with the stack's Defender identity: ` +
            `declare isolations with DeviceIsolation from pulumi-defender-isolation and no other dynamic resource; a new release of the package comes with its policy pack`,
    ];
}

export const isolationProviderText: ProviderGuardrail<ProviderTextConfig> = {
    kind: "provider",
    name: "isolation-provider-text",
    description: "Every dynamic resource runs this package's provider loader, and nothing else.",
    enforcementLevel: "remediate",
    defaults: PROVIDER_TEXT_DEFAULTS,
    configSchema: schemaWithDefaults(PROVIDER_TEXT_DEFAULTS, {
        additionalProviderTexts: {
            type: "array",
            items: { type: "string", minLength: 1 },
            description: "Exact provider texts accepted besides this package's loader (for a vetted fork); empty by default.",
        },
    }),
    check: providerTextViolations,
};
