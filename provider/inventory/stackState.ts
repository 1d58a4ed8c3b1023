/**
 * What a stack's state declares: the DeviceIsolation resources in the JSON `pulumi stack export`
 * prints. Pure: the text in, declarations and warnings out.
 *
 * - Only live resources count: one marked `delete` (a replaced resource waiting for its delete) is
 *   on its way out, and its action is the old one.
 * - A create the engine started but never recorded (`pending_operations`, after an interrupted
 *   `up`) may have isolated a device no resource knows of: it is declared too, and named in a warning.
 */
import { DEVICE_ISOLATION_TYPE, isDeviceIsolationType } from "../rules";
import type { Declaration } from "./drift";

/** The type the engine records for a DeviceIsolation (a dynamic resource of module `defender`); the native provider's is read too. */
export { DEVICE_ISOLATION_TYPE };

export interface StackDeclarations {
    declarations: Declaration[];
    /** Resources that could not be read, pending creates: one line each. */
    warnings: string[];
}

const MACHINE_ID = /^[0-9a-fA-F]{40}$/;

/** Reads the text `pulumi stack export` printed; throws an Error saying what is wrong with it. */
export function stackDeclarations(exportText: string, stack: string): StackDeclarations {
    let parsed: unknown;
    try {
        parsed = JSON.parse(exportText);
    } catch {
        throw new Error(`the state of stack ${stack} is not JSON (pulumi stack export printed ${exportText.length} characters that do not parse)`);
    }
    const deployment = record(record(parsed)?.deployment);
    if (deployment === undefined) throw new Error(`the state of stack ${stack} has no "deployment": is this the output of 'pulumi stack export'?`);
    const source = `stack ${stack}`;
    const out: StackDeclarations = { declarations: [], warnings: [] };

    const resources = Array.isArray(deployment.resources) ? deployment.resources : [];
    for (const item of resources) {
        const r = record(item);
        if (r === undefined || !isDeviceIsolationType(r.type) || r.delete === true) continue;
        const found = declarationOf(record(r.outputs), source) ?? declarationOf(record(r.inputs), source);
        if (found) out.declarations.push(found);
        else
            out.warnings.push(
                `${String(r.urn)}: neither its machineId nor its computerDnsName can be read (secret or missing); it is not counted as declaring a device`,
            );
    }

    const pending = Array.isArray(deployment.pending_operations) ? deployment.pending_operations : [];
    for (const item of pending) {
        const op = record(item);
        const r = record(op?.resource);
        if (op?.type !== "creating" || r === undefined || !isDeviceIsolationType(r.type)) continue;
        const found = declarationOf(record(r.inputs), source);
        if (found) out.declarations.push(found);
        out.warnings.push(
            `${String(r.urn)}: a create that was interrupted (pending operation): it may have isolated ${found?.machineId ?? found?.computerDnsName ?? "a device"} with no resource in state; see 'pulumi refresh --import-pending-creates'`,
        );
    }
    return out;
}

/** The device's id, its name, or both: the name links it to incident files that name it. */
function declarationOf(props: Record<string, unknown> | undefined, source: string): Declaration | undefined {
    if (props === undefined) return undefined;
    const name = typeof props.computerDnsName === "string" && props.computerDnsName.trim() !== "" ? props.computerDnsName.trim().toLowerCase() : undefined;
    if (typeof props.machineId === "string" && MACHINE_ID.test(props.machineId))
        return { machineId: props.machineId.toLowerCase(), ...(name !== undefined ? { computerDnsName: name } : {}), source };
    if (name !== undefined) return { computerDnsName: name, source };
    return undefined;
}

function record(v: unknown): Record<string, unknown> | undefined {
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
