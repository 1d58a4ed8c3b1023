/**
 * The mass-isolation brake: at most N devices declared at once. A bad merge, a generated file or a
 * pasted asset list must not take a fleet off the network. The GitOps program applies the same rule to
 * its own maxDevices setting (provider/incidents/guardrails.ts); the pack's limit is the one a pull
 * request cannot raise.
 */
import type { IsolationDeclaration } from "./declaration";
import { isIsolationDeclaration, type StackResource } from "./stackResources";
import { schemaWithDefaults, type StackGuardrail } from "./definition";

/** Far above a typical incident (a handful of devices), far below a fleet. */
export const DEFAULT_MAX_DEVICES = 50;
export const MAX_MAX_DEVICES = 10_000;

/** `declares 63 devices, more than maxDevices (50)`, or undefined within the limit. */
export function deviceLimitExceeded(declared: number, maxDevices: number): string | undefined {
    return declared > maxDevices ? `declares ${declared} devices, more than maxDevices (${maxDevices})` : undefined;
}

export interface MassIsolationConfig {
    /** Most DeviceIsolation resources the stack may hold. @default 50 */
    maxDevices: number;
    /** Who may raise maxDevices, named in the message. @default "the owner of this policy pack's config" */
    approver: string;
}

export const MASS_ISOLATION_DEFAULTS: MassIsolationConfig = { maxDevices: DEFAULT_MAX_DEVICES, approver: "the owner of this policy pack's config" };

export function massIsolationViolations(declarations: readonly IsolationDeclaration[], config: MassIsolationConfig): string[] {
    const exceeded = deviceLimitExceeded(declarations.length, config.maxDevices);
    if (!exceeded) return [];
    return [
        `this stack ${exceeded}: check the declarations (the incident files); if ${declarations.length} devices must really be isolated, only ${config.approver} can raise the limit (maxDevices of mass-isolation-brake in the policy pack's config)`,
    ];
}

/** The isolation declarations among a stack's resources, dynamic and native, whatever their type token (see stackResources.ts). */
export function isolationResources<R extends StackResource>(resources: readonly R[]): R[] {
    return resources.filter(isIsolationDeclaration);
}

export const massIsolationBrake: StackGuardrail<MassIsolationConfig> = {
    kind: "stack",
    name: "mass-isolation-brake",
    description: "At most maxDevices devices isolated by one stack.",
    enforcementLevel: "mandatory",
    defaults: MASS_ISOLATION_DEFAULTS,
    configSchema: schemaWithDefaults(MASS_ISOLATION_DEFAULTS, {
        maxDevices: { type: "integer", minimum: 1, maximum: MAX_MAX_DEVICES, description: "Most DeviceIsolation resources one stack may hold." },
        approver: { type: "string", minLength: 1, description: "Who may raise maxDevices (a team, an address), named in the violation message." },
    }),
    check: massIsolationViolations,
};
