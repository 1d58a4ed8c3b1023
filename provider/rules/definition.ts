/**
 * A guardrail as data: its name, what it protects, how strictly it is enforced by default, its config
 * schema (JSON Schema, the form Pulumi CrossGuard validates `--policy-pack-config` and Pulumi Cloud's
 * policy group config against) and a pure check. The policy pack (policy/) turns each into a CrossGuard
 * policy; unit tables call the checks directly.
 */
import type { IsolationDeclaration } from "./declaration";
import type { StackResource } from "./stackResources";

/**
 * CrossGuard's levels. "remediate" is how a policy that reads the provider text runs at all: CrossGuard
 * hands internal inputs (`__provider`) only to remediations (see ProviderGuardrail).
 */
export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";

/** The subset of JSON Schema the guardrails' config uses. */
export interface JsonSchema {
    type: "string" | "integer" | "array" | "boolean";
    description: string;
    default?: unknown;
    items?: { type: "string"; pattern?: string; minLength?: number };
    minimum?: number;
    maximum?: number;
    minLength?: number;
}

export interface ConfigSchema {
    properties: Record<string, JsonSchema>;
}

interface Common<C> {
    /** The policy's name in messages, in `--policy-pack-config` and in Pulumi Cloud. */
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    configSchema: ConfigSchema;
    /** The config the check runs with when the pack's config sets nothing: the schema's defaults. */
    defaults: C;
}

/**
 * Checked once per isolation declaration (see stackResources.ts: by its provider text or inputs,
 * whatever its type token), on its inputs, before the engine plans its step.
 */
export interface ResourceGuardrail<C> extends Common<C> {
    kind: "resource";
    /** Every violation of this declaration, each saying what is wrong and the fix; [] when compliant. */
    check(declaration: IsolationDeclaration, config: C): string[];
}

/**
 * Checked once per resource of any type, on its type and inputs, before the engine plans its step:
 * what a resource is allowed to be at all.
 */
export interface AnyResourceGuardrail<C> extends Common<C> {
    kind: "anyResource";
    check(resource: StackResource, config: C): string[];
}

/**
 * Checked once per resource of any type, on its type and every input, the provider text `__provider`
 * included. The engine strips inputs whose names start with `__` from what it sends to validations and
 * hands them only to remediations, so the pack runs this as a remediation that never changes a resource
 * and stops the deployment, before the resource's step, when the check finds a violation.
 */
export interface ProviderGuardrail<C> extends Common<C> {
    kind: "provider";
    check(resource: StackResource, config: C): string[];
}

/** Checked once per deployment, over every isolation declaration the stack will hold. */
export interface StackGuardrail<C> extends Common<C> {
    kind: "stack";
    check(declarations: readonly IsolationDeclaration[], config: C): string[];
}

export type Guardrail<C = never> = ResourceGuardrail<C> | AnyResourceGuardrail<C> | ProviderGuardrail<C> | StackGuardrail<C>;

/** The schema's defaults under what the config sets (CrossGuard fills defaults too; unit tests need not). */
export function withDefaults<C extends object>(defaults: C, config: Partial<C> | undefined): C {
    const out = { ...defaults };
    for (const [k, v] of Object.entries(config ?? {})) if (v !== undefined && v !== null) (out as Record<string, unknown>)[k] = v;
    return out;
}

/** A config schema whose every property states its default, taken from `defaults`. */
export function schemaWithDefaults<C extends object>(defaults: C, properties: Record<keyof C & string, Omit<JsonSchema, "default">>): ConfigSchema {
    const out: Record<string, JsonSchema> = {};
    for (const [k, p] of Object.entries(properties) as [keyof C & string, JsonSchema][]) out[k] = { ...p, default: defaults[k] };
    return { properties: out };
}
