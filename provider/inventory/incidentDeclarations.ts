/**
 * What the incident folder declares, read exactly as the GitOps program reads it (the same parser,
 * the same expiry rule): a device is declared while an incident listing it is open.
 */
import { planDevices } from "../incidents/devicePlan";
import { loadIncidentFolder } from "../incidents/incidentFolder";
import type { IncidentProblem } from "../incidents/problems";
import type { Declaration } from "./drift";

export interface IncidentDeclarations {
    /** The folder as shown in messages. */
    folder: string;
    declarations: Declaration[];
    /** Problems that stop the GitOps program too; when any, `declarations` is empty. */
    problems: IncidentProblem[];
}

export function incidentDeclarations(dir: string, now: Date): IncidentDeclarations {
    const folder = loadIncidentFolder(dir);
    if (folder.problems.length > 0) return { folder: folder.folder, declarations: [], problems: folder.problems };
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
    return { folder: folder.folder, declarations, problems: [] };
}
