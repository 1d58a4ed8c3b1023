// Records → the JSON the API answers.
import { toServiceTime } from "../base/clock";
import { EmulatorConfig } from "../base/runtimeOptions";
import { ActionRecord, MachineActionJson, MachineJson, MachineRecord } from "./models";

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

function groupId(name: string): number {
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
        lastExternalIpAddress: "203.0.113.10",
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
