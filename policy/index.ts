/**
 * The policy pack: each guardrail of provider/rules as a CrossGuard policy over DeviceIsolation
 * resources, the dynamic resource's and the native provider's alike. The rules live there, shared with the GitOps program; this file only wires them to
 * @pulumi/policy.
 *
 * Inputs unknown during a preview (a comment computed from another resource's output) cannot be
 * checked then: CrossGuard reports "can't run policy ... during preview" as a warning, and the policy
 * runs on the known value at `pulumi up`.
 */
import { PolicyPack, type PolicyConfigSchema, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import {
    GUARDRAILS,
    isDeviceIsolationType,
    isolationResources,
    POLICY_PACK_NAME,
    withDefaults,
    type Guardrail,
    type IsolationDeclaration,
} from "../provider/rules";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toPolicy(g: Guardrail<any>): ResourceValidationPolicy | StackValidationPolicy {
    const common = {
        name: g.name,
        description: g.description,
        enforcementLevel: g.enforcementLevel,
        configSchema: g.configSchema as PolicyConfigSchema,
    };
    if (g.kind === "resource") {
        return {
            ...common,
            validateResource: (args, report) => {
                if (!isDeviceIsolationType(args.type)) return;
                // props is CrossGuard's proxy: a rule that reads an unknown input stops there (see above).
                for (const v of g.check(args.props as IsolationDeclaration, withDefaults(g.defaults, args.getConfig()))) report(v);
            },
        };
    }
    return {
        ...common,
        validateStack: (args, report) => {
            const declarations = isolationResources(args.resources).map((r) => r.props as IsolationDeclaration);
            for (const v of g.check(declarations, withDefaults(g.defaults, args.getConfig()))) report(v);
        },
    };
}

new PolicyPack(POLICY_PACK_NAME, { policies: GUARDRAILS.map(toPolicy) });
