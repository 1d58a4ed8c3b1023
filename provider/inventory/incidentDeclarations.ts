/**
 * What the incident folder declares, read exactly as the GitOps program reads it (the same parser,
 * the same expiry rule): a device is declared while an incident listing it is open. Devices an open
 * incident's selectors choose are read from Defender with the program's own selector rules
 * (selectorDeclarations); a device held only because it matched at an earlier deployment
 * (`whenDeselected: keep`) is known to the stack's state, not to the folder: use --stack for it.
 */
import { planDevices } from "../incidents/devicePlan";
import { isExpired } from "../incidents/expiry";
import type { Incident } from "../incidents/incidentFile";
import { loadIncidentFolder } from "../incidents/incidentFolder";
import type { IncidentProblem } from "../incidents/problems";
import { readSelectors, type SelectorClient } from "../incidents/selectorReads";
import { resolveSelections } from "../incidents/selectorResolution";
import { PROTECTED_DEVICES_DEFAULTS } from "../rules";
import type { Declaration } from "./drift";

export interface IncidentDeclarations {
    /** The folder as shown in messages. */
    folder: string;
    declarations: Declaration[];
    /** Problems that stop the GitOps program too; when any, `declarations` is empty. */
    problems: IncidentProblem[];
    /** Open incidents with selectors: their devices come from selectorDeclarations. */
    selecting: Incident[];
}

export function incidentDeclarations(dir: string, now: Date): IncidentDeclarations {
    const folder = loadIncidentFolder(dir);
    if (folder.problems.length > 0) return { folder: folder.folder, declarations: [], problems: folder.problems, selecting: [] };
    const plan = planDevices(folder.incidents, now);
    const declarations: Declaration[] = [];
    for (const d of plan.devices) {
        for (const source of d.incidents) {
            declarations.push({
                ...(d.machineId !== undefined ? { machineId: d.machineId } : {}),
                ...(d.computerDnsName !== undefined ? { computerDnsName: d.computerDnsName } : {}),
                source,
            });
        }
    }
    const selecting = folder.incidents.filter((i) => i.selection && !isExpired(i.expiresAt, now));
    return { folder: folder.folder, declarations, problems: [], selecting };
}

/** The devices the selectors of `incidents` choose now (read-only), as declarations; or the problems at their lines. */
export async function selectorDeclarations(
    incidents: readonly Incident[],
    client: SelectorClient,
    protectedTags: readonly string[] = PROTECTED_DEVICES_DEFAULTS.protectedTags,
): Promise<{ declarations: Declaration[]; problems: IncidentProblem[] }> {
    if (incidents.length === 0) return { declarations: [], problems: [] };
    const reads = await readSelectors(incidents, new Map(), client);
    if (reads.problems.length > 0) return { declarations: [], problems: reads.problems };
    const { selections } = resolveSelections(incidents, reads, new Map(), { protectedTags });
    const declarations = [...selections.values()].flatMap((s) => s.devices.map((d) => ({ machineId: d.machineId, source: s.incidentId })));
    return { declarations, problems: [] };
}
