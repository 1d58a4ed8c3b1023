/**
 * The guardrails of device isolation as pure rules: one source for the policy pack (policy/) and the
 * GitOps program's own checks. Nothing here imports from outside this folder (the pack compiles it in).
 */
import type { Guardrail } from "./definition";
import { massIsolationBrake } from "./massIsolation";
import { protectedDevices } from "./protectedDevices";
import { isolationTypeByDeviceClass } from "./isolationTypeByClass";
import { releaseReason } from "./releaseReason";
import { incidentTraceability } from "./traceability";
import { allowedResourceTypes } from "./allowedTypes";
import { isolationProviderText } from "./providerText";

export {
    DEVICE_ISOLATION_TYPE,
    DEVICE_ISOLATION_TYPES,
    NATIVE_DEVICE_ISOLATION_TYPE,
    isDeviceIsolationType,
    PROVIDER_DEFAULT_RELEASE_COMMENT,
} from "./declaration";
export type { IsolationDeclaration } from "./declaration";
export { withDefaults } from "./definition";
export type {
    AnyResourceGuardrail,
    ProviderGuardrail,
    ConfigSchema,
    EnforcementLevel,
    Guardrail,
    JsonSchema,
    ResourceGuardrail,
    StackGuardrail,
} from "./definition";
export * from "./stackResources";
export * from "./allowedTypes";
export * from "./providerText";
export { matchingPattern } from "./names";
export * from "./protectedDevices";
export * from "./massIsolation";
export * from "./traceability";
export * from "./isolationTypeByClass";
export * from "./releaseReason";

/** The policy pack's name, as `pulumi preview` prints it and Pulumi Cloud lists it. */
export const POLICY_PACK_NAME = "defender-isolation-guardrails";

/** Every guardrail, in the order the pack declares them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const GUARDRAILS: readonly Guardrail<any>[] = [
    protectedDevices,
    massIsolationBrake,
    incidentTraceability,
    isolationTypeByDeviceClass,
    releaseReason,
    allowedResourceTypes,
    isolationProviderText,
];
