/**
 * Guardrails against declaring too much by mistake (a bad merge, a generated file, a copy-paste of an
 * asset list). The protected-tag guardrail is enforced by the provider at create, where the device's
 * tags are known; this one is enforced here, before anything is declared, so the preview fails.
 * The rule itself is the policy pack's mass-isolation brake (provider/rules): the two never disagree.
 */
import { deviceLimitExceeded } from "../rules/massIsolation";
import type { IncidentProblem } from "./problems";

export function deviceLimitProblem(declared: number, maxDevices: number, folder: string): IncidentProblem | undefined {
    const exceeded = deviceLimitExceeded(declared, maxDevices);
    if (!exceeded) return undefined;
    return {
        file: folder,
        message: exceeded,
        fix: `check the incident files; if ${declared} devices must really be isolated, raise the limit: pulumi config set maxDevices ${declared}`,
    };
}
