/**
 * The policy pack: each guardrail of provider/rules as a CrossGuard policy. The rules live there,
 * shared with the GitOps program; this file only wires them to @pulumi/policy.
 *
 * Which resources a rule sees is decided by what a resource does, not by its type token (a name the
 * program chooses): the declaration rules and the brake apply to every isolation declaration (the
 * dynamic resource's and the native provider's DeviceIsolation, or any dynamic resource with this
 * package's provider text or a declaration's inputs); allowed-resource-types and isolation-provider-text
 * see every resource, so a renamed type, an added resource or a replaced provider text fails before its step.
 *
 * Inputs unknown during a preview (a comment computed from another resource's output) cannot be
 * checked then: CrossGuard reports "can't run policy ... during preview" as a warning, and the policy
 * runs on the known value at `pulumi up`.
 */
import { PolicyPack, type PolicyConfigSchema, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import {
    GUARDRAILS,
    POLICY_PACK_NAME,
    isIsolationDeclaration,
    isolationDeclarations,
    withDefaults,
    type Guardrail,
    type IsolationDeclaration,
    type StackResource,
} from "../provider/rules";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toPolicy(g: Guardrail<any>): ResourceValidationPolicy | StackValidationPolicy {
    const common = {
        name: g.name,
        description: g.description,
        enforcementLevel: g.enforcementLevel,
        configSchema: g.configSchema as PolicyConfigSchema,
    };
    // props is CrossGuard's proxy: a rule that reads an unknown input stops there (see above).
    const resource = (args: { type: string; props: Record<string, unknown> }): StackResource => ({ type: args.type, props: args.props });
    if (g.kind === "resource") {
        return {
            ...common,
            validateResource: (args, report) => {
                if (!isIsolationDeclaration(resource(args))) return;
                for (const v of g.check(args.props as IsolationDeclaration, withDefaults(g.defaults, args.getConfig()))) report(v);
            },
        };
    }
    if (g.kind === "provider") {
        // CrossGuard shows `__provider` only to remediations: this one changes nothing, and a violation
        // stops the deployment before the resource's step (the engine reports it with this policy's name).
        return {
            ...common,
            remediateResource: (args) => {
                const found = g.check(resource(args), withDefaults(g.defaults, args.getConfig()));
                if (found.length > 0) throw new Error(`[mandatory] ${g.name} on ${args.urn}: ${found.join("; ")}`);
                return undefined;
            },
        };
    }
    if (g.kind === "anyResource") {
        return {
            ...common,
            validateResource: (args, report) => {
                for (const v of g.check(resource(args), withDefaults(g.defaults, args.getConfig()))) report(v);
            },
        };
    }
    return {
        ...common,
        validateStack: (args, report) => {
            for (const v of g.check(isolationDeclarations(args.resources.map(resource)), withDefaults(g.defaults, args.getConfig()))) report(v);
        },
    };
}

new PolicyPack(POLICY_PACK_NAME, { policies: GUARDRAILS.map(toPolicy) });
