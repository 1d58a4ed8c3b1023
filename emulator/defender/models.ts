// The Defender entities as the API writes them, and the emulator's records behind them.
import { IsolationType } from "../base/runtimeOptions";

export type ActionStatus = "Pending" | "InProgress" | "Succeeded" | "Failed" | "TimeOut" | "Cancelled";
export const ACTION_STATUSES: readonly ActionStatus[] = ["Pending", "InProgress", "Succeeded", "Failed", "TimeOut", "Cancelled"];
export const FINAL_STATUSES: readonly ActionStatus[] = ["Succeeded", "Failed", "TimeOut", "Cancelled"];

export type ActionType = "Isolate" | "Unisolate";

/** A MachineAction as `GET /api/machineactions/{id}` returns it (all documented fields). */
export interface MachineActionJson {
    id: string;
    /** "Isolate" or "Unisolate"; an UnManagedDevice contain as `quirks.unmanagedContainType` says. */
    type: string;
    title: string | null;
    requestor: string;
    requestorComment: string;
    status: ActionStatus;
    machineId: string;
    computerDnsName: string;
    creationDateTimeUtc: string;
    lastUpdateDateTimeUtc: string;
    cancellationRequestor: string | null;
    cancellationComment: string | null;
    cancellationDateTimeUtc: string | null;
    errorHResult: number;
    /** The isolation type; an UnManagedDevice contain as `quirks.unmanagedContainScope` says. */
    scope: string | null;
    externalId: string | null;
    requestSource: "PublicApi" | "Portal";
    relatedFileInfo: null;
    commands: unknown[];
    troubleshootInfo: null;
}

/** A Machine as `GET /api/machines/{id}` returns it (no isolation field: the real entity has none). */
export interface MachineJson {
    id: string;
    computerDnsName: string;
    firstSeen: string;
    lastSeen: string;
    osPlatform: string;
    osVersion: string | null;
    osProcessor: string;
    version: string | null;
    lastIpAddress: string;
    lastExternalIpAddress: string;
    agentVersion: string | null;
    osBuild: number | null;
    healthStatus: string;
    deviceValue: string;
    rbacGroupId: number;
    rbacGroupName: string;
    riskScore: string;
    exposureLevel: string;
    isAadJoined: boolean;
    aadDeviceId: string | null;
    machineTags: string[];
    onboardingStatus: "Onboarded" | "CanBeOnboarded";
    managedBy: string;
}

/** Where the emulator tracks isolation (the real API has no such field; see the state control route). */
export interface IsolationState {
    isolated: boolean;
    isolationType: IsolationType | null;
    /** When the state last changed (ISO), null if never. */
    changedAt: string | null;
    /** The action that changed it; null if never or if changed traceless (out of band, no action). */
    byActionId: string | null;
}

export interface MachineRecord {
    id: string;
    computerDnsName: string;
    osPlatform: string;
    online: boolean;
    managed: boolean;
    machineTags: string[];
    firstSeenMs: number;
    /** Last contact; for online devices the API reports "now" instead. */
    lastSeenMs: number;
    healthStatus: string | undefined;
    osVersion: string | null;
    lastIpAddress: string;
    lastExternalIpAddress: string;
    rbacGroupName: string;
    riskScore: string;
    exposureLevel: string;
    isolation: IsolationState;
}

/** An alert as the emulator keeps it: it names one device, by id (kept when the device is deleted). */
export interface AlertRecord {
    id: string;
    machineId: string;
    title: string;
    incidentId: number;
    severity: string;
    status: string;
    category: string;
    description: string;
    createdAt: number;
}

/** An incident's own fields; its alerts are the alerts carrying its id. */
export interface IncidentRecord {
    incidentId: number;
    incidentName: string | null;
    status: string;
    severity: string | null;
}

/** An alert as `GET /api/alerts/{id}` returns it (the Defender for Endpoint Alert entity, fields used by clients). */
export interface AlertJson {
    id: string;
    incidentId: number;
    investigationId: null;
    assignedTo: null;
    severity: string;
    status: string;
    classification: null;
    determination: null;
    investigationState: string;
    detectionSource: string;
    category: string;
    threatFamilyName: null;
    title: string;
    description: string;
    alertCreationTime: string;
    firstEventTime: string;
    lastEventTime: string;
    lastUpdateTime: string;
    resolvedTime: null;
    machineId: string;
    computerDnsName: string | null;
    rbacGroupName: string | null;
    aadTenantId: null;
    mitreTechniques: string[];
    comments: unknown[];
    evidence: unknown[];
}

/** A device of an incident's alert, as the Defender XDR incidents API writes it. */
export interface IncidentDeviceJson {
    mdatpDeviceId: string;
    aadDeviceId: null;
    deviceDnsName: string | null;
    osPlatform: string | null;
    version: string | null;
    osProcessor: string | null;
    osBuild: null;
    healthStatus: string | null;
    riskScore: string | null;
    rbacGroupName: string | null;
    rbacGroupId: number | null;
    firstSeen: string | null;
}

/** An incident as `GET /api/incidents/{id}` returns it (the Defender XDR incidents API shape). */
export interface IncidentJson {
    incidentId: number;
    redirectIncidentId: null;
    incidentName: string;
    createdTime: string;
    lastUpdateTime: string;
    assignedTo: null;
    classification: string;
    determination: string;
    status: string;
    severity: string;
    tags: string[];
    comments: unknown[];
    alerts: Array<{
        alertId: string;
        incidentId: number;
        serviceSource: string;
        creationTime: string;
        lastUpdatedTime: string;
        resolvedTime: null;
        firstActivity: string;
        lastActivity: string;
        title: string;
        description: string;
        category: string;
        status: string;
        severity: string;
        investigationId: null;
        investigationState: string;
        classification: null;
        determination: null;
        detectionSource: string;
        assignedTo: null;
        actorName: null;
        threatFamilyName: null;
        mitreTechniques: string[];
        devices: IncidentDeviceJson[];
        entities: unknown[];
    }>;
}

export interface ActionRecord {
    id: string;
    type: ActionType;
    /** Requested isolation type (Isolate only). */
    requestedScope: IsolationType | null;
    machineId: string;
    computerDnsName: string;
    requestor: string;
    requestorComment: string;
    requestSource: "PublicApi" | "Portal";
    createdAt: number;
    lastUpdateAt: number;
    status: ActionStatus;
    /** When the device received it (online at creation, or when it came back); null while waiting. */
    dispatchedAt: number | null;
    inProgressAt: number | null;
    /** Delays captured when the action was created, so later config changes do not rewrite history. */
    toInProgressMs: number;
    toSucceededMs: number;
    timeoutAt: number;
    cancellationRequestor: string | null;
    cancellationComment: string | null;
    cancellationAt: number | null;
    errorHResult: number;
    /** History quirks (history.ts): listed only from this time on (a per-action indexing lag). */
    listedFrom?: number;
    /** History quirks (history.ts): an undocumented status the API reports instead of `status`. */
    reportedStatus?: string;
}
