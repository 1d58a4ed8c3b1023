// Records → the JSON the API answers.
import { toServiceTime } from "../base/clock";
import { EmulatorConfig } from "../base/runtimeOptions";
import {
    ActionRecord,
    AlertJson,
    AlertRecord,
    IncidentDeviceJson,
    IncidentJson,
    IncidentRecord,
    MachineActionJson,
    MachineJson,
    MachineRecord,
} from "./models";

/** An UnManagedDevice contain: its reported type and scope are undocumented (quirks choose them). */
function isContain(a: ActionRecord): boolean {
    return a.type === "Isolate" && a.requestedScope === "UnManagedDevice";
}

/** The action type as the API reports it. */
export function reportedType(a: ActionRecord, config: EmulatorConfig): string {
    return isContain(a) ? config.quirks.unmanagedContainType : a.type;
}

function reportedScope(a: ActionRecord, config: EmulatorConfig): string | null {
    if (!isContain(a)) return a.requestedScope;
    const scope = config.quirks.unmanagedContainScope;
    return scope === "none" ? null : scope;
}

export function actionToJson(a: ActionRecord, config: EmulatorConfig): MachineActionJson {
    const scopeHidden = a.status === "Pending" && config.quirks.scopeNullWhilePending;
    return {
        id: a.id,
        type: reportedType(a, config),
        title: null,
        requestor: a.requestor,
        requestorComment: a.requestorComment,
        // An undocumented status set through the control API is reported as given (history.ts).
        status: (a.reportedStatus ?? a.status) as MachineActionJson["status"],
        machineId: a.machineId,
        computerDnsName: a.computerDnsName,
        creationDateTimeUtc: toServiceTime(a.createdAt),
        lastUpdateDateTimeUtc: toServiceTime(a.lastUpdateAt),
        cancellationRequestor: a.cancellationRequestor,
        cancellationComment: a.cancellationComment,
        cancellationDateTimeUtc: a.cancellationAt === null ? null : toServiceTime(a.cancellationAt),
        errorHResult: a.errorHResult,
        // Unisolate carries no scope; Isolate shows the requested type once the device has it.
        scope: a.type === "Isolate" && !scopeHidden ? reportedScope(a, config) : null,
        externalId: null,
        requestSource: a.requestSource,
        relatedFileInfo: null,
        commands: [],
        troubleshootInfo: null,
    };
}

export function groupId(name: string): number {
    let h = 0;
    for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 9973;
    return h + 1;
}

export function machineLastSeen(m: MachineRecord, now: number): number {
    return m.online ? now : m.lastSeenMs;
}

export function machineHealth(m: MachineRecord): string {
    return m.healthStatus ?? (m.online ? "Active" : "Inactive");
}

export function machineToJson(m: MachineRecord, now: number): MachineJson {
    return {
        id: m.id,
        computerDnsName: m.computerDnsName,
        firstSeen: toServiceTime(m.firstSeenMs),
        lastSeen: toServiceTime(machineLastSeen(m, now)),
        osPlatform: m.osPlatform,
        osVersion: m.osVersion,
        osProcessor: "x64",
        version: m.osVersion,
        lastIpAddress: m.lastIpAddress,
        lastExternalIpAddress: m.lastExternalIpAddress,
        agentVersion: m.managed ? "10.8760.26100.1000" : null,
        osBuild: null,
        healthStatus: machineHealth(m),
        deviceValue: "Normal",
        rbacGroupId: groupId(m.rbacGroupName),
        rbacGroupName: m.rbacGroupName,
        riskScore: m.riskScore,
        exposureLevel: m.exposureLevel,
        isAadJoined: m.managed,
        aadDeviceId: null,
        machineTags: [...m.machineTags],
        onboardingStatus: m.managed ? "Onboarded" : "CanBeOnboarded",
        managedBy: m.managed ? "MicrosoftDefenderForEndpoint" : "Unknown",
    };
}

/** The Defender for Endpoint Alert entity. The device's name and group are read now; a deleted device leaves them null. */
export function alertToJson(a: AlertRecord, machine: MachineRecord | undefined): AlertJson {
    const at = toServiceTime(a.createdAt);
    return {
        id: a.id,
        incidentId: a.incidentId,
        investigationId: null,
        assignedTo: null,
        severity: a.severity,
        status: a.status,
        classification: null,
        determination: null,
        investigationState: "Queued",
        detectionSource: "WindowsDefenderAtp",
        category: a.category,
        threatFamilyName: null,
        title: a.title,
        description: a.description,
        alertCreationTime: at,
        firstEventTime: at,
        lastEventTime: at,
        lastUpdateTime: at,
        resolvedTime: null,
        machineId: a.machineId,
        computerDnsName: machine?.computerDnsName ?? null,
        rbacGroupName: machine?.rbacGroupName ?? null,
        aadTenantId: null,
        mitreTechniques: [],
        comments: [],
        evidence: [],
    };
}

function incidentDevice(id: string, m: MachineRecord | undefined): IncidentDeviceJson {
    return {
        mdatpDeviceId: id,
        aadDeviceId: null,
        deviceDnsName: m?.computerDnsName ?? null,
        osPlatform: m?.osPlatform ?? null,
        version: m?.osVersion ?? null,
        osProcessor: m ? "x64" : null,
        osBuild: null,
        healthStatus: m ? machineHealth(m) : null,
        riskScore: m?.riskScore ?? null,
        rbacGroupName: m?.rbacGroupName ?? null,
        rbacGroupId: m ? groupId(m.rbacGroupName) : null,
        firstSeen: m ? toServiceTime(m.firstSeenMs) : null,
    };
}

const SEVERITY_ORDER = ["Informational", "Low", "Medium", "High"];

/** The Defender XDR incident: its fields and every alert of it, each with the device it names. */
export function incidentToJson(i: IncidentRecord, alerts: readonly AlertRecord[], machine: (id: string) => MachineRecord | undefined): IncidentJson {
    const created = alerts.length > 0 ? Math.min(...alerts.map((a) => a.createdAt)) : 0;
    const updated = alerts.length > 0 ? Math.max(...alerts.map((a) => a.createdAt)) : 0;
    const severity = i.severity ?? alerts.map((a) => a.severity).sort((x, y) => SEVERITY_ORDER.indexOf(y) - SEVERITY_ORDER.indexOf(x))[0] ?? "Informational";
    return {
        incidentId: i.incidentId,
        redirectIncidentId: null,
        incidentName: i.incidentName ?? alerts[0]?.title ?? `Incident ${i.incidentId}`,
        createdTime: toServiceTime(created),
        lastUpdateTime: toServiceTime(updated),
        assignedTo: null,
        classification: "Unknown",
        determination: "NotAvailable",
        status: i.status,
        severity,
        tags: [],
        comments: [],
        alerts: alerts.map((a) => {
            const at = toServiceTime(a.createdAt);
            return {
                alertId: a.id,
                incidentId: a.incidentId,
                serviceSource: "MicrosoftDefenderForEndpoint",
                creationTime: at,
                lastUpdatedTime: at,
                resolvedTime: null,
                firstActivity: at,
                lastActivity: at,
                title: a.title,
                description: a.description,
                category: a.category,
                status: a.status,
                severity: a.severity,
                investigationId: null,
                investigationState: "Queued",
                classification: null,
                determination: null,
                detectionSource: "WindowsDefenderAtp",
                assignedTo: null,
                actorName: null,
                threatFamilyName: null,
                mitreTechniques: [],
                devices: [incidentDevice(a.machineId, machine(a.machineId))],
                entities: [],
            };
        }),
    };
}
