/**
 * Incidents → one declaration per device. Pure: the clock comes in as `now`.
 *
 * - One resource per device, named after the device, whatever incidents list it: moving a device from
 *   one incident to another changes its comment, never its resource, so it is never released on the way.
 * - A device is declared while at least one incident listing it has not expired.
 * - Several open incidents on one device: Full wins over Selective. UnManagedDevice is a different kind
 *   of containment (devices not onboarded to Defender): it cannot be merged with the others.
 * - The comment names every open incident that lists the device; the release comment names them too.
 */
import type { IsolationType } from "../resource/inputs";
import { compareIncidentIds, incidentNote, isolationComment, releaseComment } from "./comments";
import { isExpired } from "./expiry";
import { deviceKey, type Incident, type IncidentDevice } from "./incidentFile";
import type { IncidentProblem } from "./problems";

/** What one DeviceIsolation resource declares. */
export interface DevicePlan {
    /** The resource name: `isolate-<machineId>` or `isolate-<dns name>`, lower-cased. */
    name: string;
    machineId?: string;
    computerDnsName?: string;
    isolationType: IsolationType;
    comment: string;
    releaseComment: string;
    /** Open incidents that list the device, sorted. */
    incidents: string[];
}

/** A device as one incident lists it, and whether any open incident still declares it. */
export interface IncidentDeviceEntry {
    name: string;
    machineId?: string;
    computerDnsName?: string;
    /** As this incident asks for it (the device's resource may use a stronger one: Full over Selective). */
    isolationType: IsolationType;
    declared: boolean;
}

export interface IncidentPlan {
    id: string;
    title: string;
    file: string;
    expiresAt?: Date;
    expired: boolean;
    devices: IncidentDeviceEntry[];
}

export interface Plan {
    /** Declared devices, sorted by resource name. */
    devices: DevicePlan[];
    /** Every incident, open or expired, sorted by id. */
    incidents: IncidentPlan[];
    problems: IncidentProblem[];
}

export const RESOURCE_PREFIX = "isolate-";

export function resourceName(device: { machineId?: string; computerDnsName?: string }): string {
    return `${RESOURCE_PREFIX}${deviceKey(device)}`;
}

const STRENGTH: Record<IsolationType, number> = { Selective: 1, Full: 2, UnManagedDevice: 0 };

interface Listing {
    incident: Incident;
    device: IncidentDevice;
}

function mergedType(listings: readonly Listing[]): { type: IsolationType; problems: IncidentProblem[] } {
    const unmanaged = listings.filter((l) => l.device.isolationType === "UnManagedDevice");
    const managed = listings.filter((l) => l.device.isolationType !== "UnManagedDevice");
    if (unmanaged.length > 0 && managed.length > 0) {
        const problems = listings.map(({ incident, device }) => {
            const others = listings
                .filter((o) => o.device.isolationType !== device.isolationType)
                .map((o) => `${o.device.isolationType} in ${o.incident.id} (${o.incident.file}:${o.device.line})`);
            return {
                file: incident.file,
                line: device.line,
                path: `${device.path}.isolationType`,
                message: `is ${device.isolationType} here, but ${others.join(", ")}`,
                fix: "use one isolation type for this device in every open incident: UnManagedDevice only for devices not onboarded to Defender",
            };
        });
        return { type: "Full", problems };
    }
    if (unmanaged.length > 0) return { type: "UnManagedDevice", problems: [] };
    const type = managed.reduce<IsolationType>((best, l) => (STRENGTH[l.device.isolationType] > STRENGTH[best] ? l.device.isolationType : best), "Selective");
    return { type, problems: [] };
}

export function planDevices(incidents: readonly Incident[], now: Date): Plan {
    const sorted = [...incidents].sort((a, b) => compareIncidentIds(a.id, b.id));
    const open = new Map<string, Listing[]>();
    for (const incident of sorted) {
        if (isExpired(incident.expiresAt, now)) continue;
        for (const device of incident.devices) {
            const key = deviceKey(device);
            open.set(key, [...(open.get(key) ?? []), { incident, device }]);
        }
    }

    const problems: IncidentProblem[] = [];
    const devices: DevicePlan[] = [];
    for (const listings of open.values()) {
        const merged = mergedType(listings);
        problems.push(...merged.problems);
        const first = listings[0].device;
        const ids = listings.map((l) => l.incident.id);
        // A name an incident gave the device travels with its id: reviews and policy packs see it,
        // and create checks it is that device's name.
        const named = listings.map((l) => l.device.computerDnsName).find((n) => n !== undefined);
        devices.push({
            name: resourceName(first),
            ...(first.machineId ? { machineId: first.machineId, ...(named ? { computerDnsName: named } : {}) } : { computerDnsName: first.computerDnsName }),
            isolationType: merged.type,
            comment: isolationComment(listings.map((l) => incidentNote(l.incident, l.device.comment))),
            releaseComment: releaseComment(ids),
            incidents: ids,
        });
    }
    devices.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    const plans: IncidentPlan[] = sorted.map((incident) => ({
        id: incident.id,
        title: incident.title,
        file: incident.file,
        ...(incident.expiresAt ? { expiresAt: incident.expiresAt } : {}),
        expired: isExpired(incident.expiresAt, now),
        devices: incident.devices.map((d) => ({
            name: resourceName(d),
            ...(d.machineId ? { machineId: d.machineId } : {}),
            ...(d.computerDnsName ? { computerDnsName: d.computerDnsName } : {}),
            isolationType: d.isolationType,
            declared: open.has(deviceKey(d)),
        })),
    }));
    return { devices, incidents: plans, problems };
}
