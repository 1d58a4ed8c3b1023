/**
 * The memory of `whenDeselected: keep`, without state of our own: the stack's outputs of its last
 * deployment. The program writes, per incident, the devices its selectors chose (`incidents.<id>.selection`);
 * the next run reads them back through the engine's built-in `pulumi:pulumi:readStackOutputs` invoke
 * (what a StackReference reads, without a resource in the stack), for its own stack. Read-only, in
 * preview too, from whatever backend the stack lives in.
 *
 * All or nothing: outputs that cannot be read, or that do not have the shape written here, stop the
 * program before anything is declared; treating them as empty would release every kept device.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PreviousDevice, PreviousSelection } from "../../incidents/selectorReads";

export const READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs";

/** The selections the outputs hold, by incident id (lower-cased); throws naming what is malformed. */
export function parsePreviousSelection(outputs: unknown): Map<string, PreviousDevice[]> {
    const out = new Map<string, PreviousDevice[]>();
    if (outputs === undefined || outputs === null) return out;
    if (typeof outputs !== "object" || Array.isArray(outputs)) throw new Error("the stack outputs are not an object");
    const incidents = (outputs as Record<string, unknown>).incidents;
    if (incidents === undefined || incidents === null) return out;
    if (typeof incidents !== "object" || Array.isArray(incidents)) throw new Error('the "incidents" output is not an object');
    for (const [id, value] of Object.entries(incidents as Record<string, unknown>)) {
        const selection = typeof value === "object" && value !== null ? (value as Record<string, unknown>).selection : undefined;
        if (selection === undefined || selection === null) continue;
        const devices = typeof selection === "object" ? (selection as Record<string, unknown>).devices : undefined;
        if (!Array.isArray(devices)) throw new Error(`incidents.${id}.selection.devices is not a list`);
        out.set(
            id.toLowerCase(),
            devices.map((d: unknown, i) => {
                const r = (typeof d === "object" && d !== null ? d : {}) as Record<string, unknown>;
                if (typeof r.machineId !== "string" || !/^[0-9a-f]{40}$/i.test(r.machineId)) {
                    throw new Error(`incidents.${id}.selection.devices[${i}].machineId is not a device id`);
                }
                return {
                    machineId: r.machineId.toLowerCase(),
                    computerDnsName: typeof r.computerDnsName === "string" ? r.computerDnsName : null,
                    isolationType: typeof r.isolationType === "string" ? r.isolationType : "Full",
                    selectedBy: Array.isArray(r.selectedBy) ? r.selectedBy.filter((s): s is string => typeof s === "string") : [],
                };
            }),
        );
    }
    return out;
}

/** This stack's last deployment's selections (empty on the first deployment). */
export async function readPreviousSelection(): Promise<PreviousSelection> {
    const name = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const result = (await pulumi.runtime.invoke(READ_STACK_OUTPUTS, { name })) as { outputs?: unknown } | undefined;
    return parsePreviousSelection(result?.outputs);
}
