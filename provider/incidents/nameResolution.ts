/**
 * One resource per device, whichever way incidents name it: every device named by computerDnsName is
 * looked up in Defender when the program runs (read-only, so previews do it too) and declared by its
 * machineId. A device listed by id in one incident and by name in another is then one declaration,
 * one resource: closing either incident never releases it while the other still lists it.
 *
 * A name that matches no device, or several (a re-onboarded device keeps its old record), is a
 * problem at its line, and the program declares nothing until it is fixed.
 */
import type { Incident, IncidentDevice } from "./incidentFile";
import type { IncidentProblem } from "./problems";

/** A device Defender knows under a name. */
export interface NamedDevice {
    id: string;
    lastSeen: string | null;
}

/** Looks names up (lower-cased) and answers, per name, the devices named exactly so. */
export type NameLookup = (names: readonly string[]) => Promise<Map<string, NamedDevice[]>>;

/** Looks ids up (lower-cased) and answers the DNS name of each device Defender knows: for display only. */
export type IdLookup = (ids: readonly string[]) => Promise<Map<string, string>>;

export async function resolveDeviceNames(incidents: readonly Incident[], lookUp: NameLookup): Promise<{ incidents: Incident[]; problems: IncidentProblem[] }> {
    const names = incidents
        .flatMap((i) => i.devices)
        .filter((d) => !d.machineId && d.computerDnsName)
        .map((d) => (d.computerDnsName as string).toLowerCase());
    if (names.length === 0) return { incidents: [...incidents], problems: [] };
    const found = await lookUp(names);
    const problems: IncidentProblem[] = [];
    const resolved = incidents.map((incident) => ({
        ...incident,
        devices: incident.devices.map((d): IncidentDevice => {
            if (d.machineId || !d.computerDnsName) return d;
            const matches = found.get(d.computerDnsName.toLowerCase()) ?? [];
            if (matches.length === 1) return { ...d, machineId: matches[0].id.toLowerCase() };
            problems.push(
                matches.length === 0
                    ? {
                          file: incident.file,
                          line: d.line,
                          path: `${d.path}.computerDnsName`,
                          message: `no Defender device is named exactly '${d.computerDnsName}' (names are matched whole, never as a substring)`,
                          fix: "check the full DNS name in the Defender portal, or declare machineId instead",
                      }
                    : {
                          file: incident.file,
                          line: d.line,
                          path: `${d.path}.computerDnsName`,
                          message: `${matches.length} Defender devices share this name (a re-onboarded device keeps its old record): ${matches.map((m) => `${m.id} (last seen ${m.lastSeen ?? "unknown"})`).join(", ")}`,
                          fix: "declare the intended one by machineId instead",
                      },
            );
            return d;
        }),
    }));
    return { incidents: resolved, problems };
}
