/**
 * What Defender sends back, as plain JSON objects: known fields picked, unknown ones ignored, absent
 * optional ones left out (never `undefined`), nullable ones `null`. A body missing a field the
 * provider relies on is refused with the field's name.
 */
import { describeValue } from "../base/text";
import { isActionId, isMachineId } from "./ids";

export type ActionStatus = "Pending" | "InProgress" | "Succeeded" | "Failed" | "TimeOut" | "Cancelled";
export const ACTION_STATUSES: readonly ActionStatus[] = ["Pending", "InProgress", "Succeeded", "Failed", "TimeOut", "Cancelled"];

export type IsolationType = "Full" | "Selective" | "UnManagedDevice";
export const ISOLATION_TYPES: readonly IsolationType[] = ["Full", "Selective", "UnManagedDevice"];

/** The action types this provider sends; Defender has others (e.g. RunAntiVirusScan). */
export type IsolationActionType = "Isolate" | "Unisolate";
export const ISOLATION_ACTION_TYPES: readonly IsolationActionType[] = ["Isolate", "Unisolate"];

export interface MachineAction {
    /** GUID. */
    id: string;
    /** "Isolate", "Unisolate", or another Defender action type. */
    type: string;
    /** "Full" / "Selective" for isolation; may be null while Pending. */
    scope: string | null;
    requestor: string | null;
    requestorComment: string | null;
    /** One of ACTION_STATUSES, or the string Defender sent when it is not one of them (kept, never refused: the lifecycle fails closed for that device alone). */
    status: ActionStatus | (string & {});
    machineId: string;
    computerDnsName: string | null;
    /** ISO timestamp. */
    creationDateTimeUtc: string;
    lastUpdateDateTimeUtc: string | null;
    cancellationRequestor: string | null;
    cancellationComment: string | null;
    cancellationDateTimeUtc: string | null;
    externalId?: string;
    requestSource?: string;
    title?: string;
    errorHResult?: number;
}

export interface Machine {
    /** 40 hexadecimal characters. */
    id: string;
    computerDnsName: string | null;
    osPlatform: string | null;
    healthStatus: string | null;
    lastSeen: string | null;
    machineTags: string[];
    /** The device group. */
    rbacGroupName: string | null;
    lastIpAddress: string | null;
    /** The address the device reached Defender from (often a NAT egress many devices share). */
    lastExternalIpAddress: string | null;
    /** "Onboarded" for devices Defender manages; others (discovered devices) take only UnManagedDevice. */
    onboardingStatus: string | null;
}

/** A Defender for Endpoint alert (`GET /api/alerts/{id}`): it names one device. */
export interface Alert {
    id: string;
    /** The Defender XDR incident it belongs to. */
    incidentId: number | null;
    title: string | null;
    /** The device, 40 hex; null for an alert that names none. */
    machineId: string | null;
    computerDnsName: string | null;
    severity: string | null;
    status: string | null;
}

/** A device an incident's alert names. Devices of other products may have no Defender for Endpoint id. */
export interface IncidentDevice {
    machineId: string | null;
    computerDnsName: string | null;
}

/** A Defender XDR incident (`GET /api/incidents/{id}`): its alerts and the devices they name. */
export interface XdrIncident {
    incidentId: number;
    incidentName: string | null;
    status: string | null;
    alerts: Array<{ alertId: string; title: string | null; devices: IncidentDevice[] }>;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/** One page of a collection answer. */
export interface Page<T> {
    items: T[];
    /** `@odata.nextLink`, when the service sends one. */
    nextLink?: string;
}

export function isActionStatus(value: unknown): value is ActionStatus {
    return typeof value === "string" && (ACTION_STATUSES as readonly string[]).includes(value);
}

export function isIsolationType(value: unknown): value is IsolationType {
    return typeof value === "string" && (ISOLATION_TYPES as readonly string[]).includes(value);
}

export function parseMachineAction(body: unknown): ParseResult<MachineAction> {
    if (!isRecord(body)) return fail(`a MachineAction must be a JSON object; got ${kindOf(body)}`);
    const problem =
        required(body, "id", isActionId, "a GUID") ??
        required(body, "type", isNonEmptyString, "a non-empty string") ??
        required(body, "status", isNonEmptyString, "a non-empty string") ??
        required(body, "machineId", isMachineId, "40 hexadecimal characters") ??
        required(body, "creationDateTimeUtc", isTimestamp, "an ISO timestamp");
    if (problem) return fail(`MachineAction ${problem}`);
    const action: MachineAction = {
        id: body.id as string,
        type: body.type as string,
        scope: nullableString(body.scope),
        requestor: nullableString(body.requestor),
        requestorComment: nullableString(body.requestorComment),
        status: body.status as string,
        machineId: body.machineId as string,
        computerDnsName: nullableString(body.computerDnsName),
        creationDateTimeUtc: body.creationDateTimeUtc as string,
        lastUpdateDateTimeUtc: nullableString(body.lastUpdateDateTimeUtc),
        cancellationRequestor: nullableString(body.cancellationRequestor),
        cancellationComment: nullableString(body.cancellationComment),
        cancellationDateTimeUtc: nullableString(body.cancellationDateTimeUtc),
    };
    for (const key of ["externalId", "requestSource", "title"] as const) {
        const v = body[key];
        if (typeof v === "string") action[key] = v;
    }
    if (typeof body.errorHResult === "number" && Number.isFinite(body.errorHResult)) action.errorHResult = body.errorHResult;
    return { ok: true, value: action };
}

export function parseMachine(body: unknown): ParseResult<Machine> {
    if (!isRecord(body)) return fail(`a Machine must be a JSON object; got ${kindOf(body)}`);
    const problem = required(body, "id", isMachineId, "40 hexadecimal characters");
    if (problem) return fail(`Machine ${problem}`);
    return {
        ok: true,
        value: {
            id: body.id as string,
            computerDnsName: nullableString(body.computerDnsName),
            osPlatform: nullableString(body.osPlatform),
            healthStatus: nullableString(body.healthStatus),
            lastSeen: nullableString(body.lastSeen),
            machineTags: Array.isArray(body.machineTags) ? body.machineTags.filter((t): t is string => typeof t === "string") : [],
            rbacGroupName: nullableString(body.rbacGroupName),
            lastIpAddress: nullableString(body.lastIpAddress),
            lastExternalIpAddress: nullableString(body.lastExternalIpAddress),
            onboardingStatus: nullableString(body.onboardingStatus),
        },
    };
}

export function parseAlert(body: unknown): ParseResult<Alert> {
    if (!isRecord(body)) return fail(`an Alert must be a JSON object; got ${kindOf(body)}`);
    const problem = required(body, "id", isNonEmptyString, "a non-empty string");
    if (problem) return fail(`Alert ${problem}`);
    if (body.machineId !== null && body.machineId !== undefined && !isMachineId(body.machineId)) {
        return fail(`Alert field "machineId" must be 40 hexadecimal characters or null; got ${JSON.stringify(body.machineId)?.slice(0, 80)}`);
    }
    return {
        ok: true,
        value: {
            id: body.id as string,
            incidentId: wholeNumber(body.incidentId),
            title: nullableString(body.title),
            machineId: typeof body.machineId === "string" ? body.machineId : null,
            computerDnsName: nullableString(body.computerDnsName),
            severity: nullableString(body.severity),
            status: nullableString(body.status),
        },
    };
}

/** The XDR shape: `alerts[].devices[]` name a device by `mdatpDeviceId` (the table of the docs says `deviceId`: both are read). */
export function parseXdrIncident(body: unknown): ParseResult<XdrIncident> {
    if (!isRecord(body)) return fail(`an Incident must be a JSON object; got ${kindOf(body)}`);
    const incidentId = wholeNumber(body.incidentId);
    if (incidentId === null) return fail(`Incident field "incidentId" must be a whole number; got ${JSON.stringify(body.incidentId)?.slice(0, 80)}`);
    if (body.alerts !== undefined && body.alerts !== null && !Array.isArray(body.alerts)) return fail('Incident field "alerts" must be a list');
    const alerts: XdrIncident["alerts"] = [];
    for (const [i, a] of ((body.alerts as unknown[] | null | undefined) ?? []).entries()) {
        if (!isRecord(a) || !isNonEmptyString(a.alertId)) return fail(`Incident alerts[${i}] must be an object with an "alertId"`);
        const devices: IncidentDevice[] = [];
        for (const [j, d] of (Array.isArray(a.devices) ? a.devices : []).entries()) {
            if (!isRecord(d)) return fail(`Incident alerts[${i}].devices[${j}] must be an object`);
            const id = d.mdatpDeviceId ?? d.deviceId;
            if (id !== null && id !== undefined && !isMachineId(id)) {
                return fail(
                    `Incident alerts[${i}].devices[${j}].mdatpDeviceId must be 40 hexadecimal characters or null; got ${JSON.stringify(id)?.slice(0, 80)}`,
                );
            }
            devices.push({ machineId: typeof id === "string" ? id : null, computerDnsName: nullableString(d.deviceDnsName) });
        }
        alerts.push({ alertId: a.alertId as string, title: nullableString(a.title), devices });
    }
    return { ok: true, value: { incidentId, incidentName: nullableString(body.incidentName), status: nullableString(body.status), alerts } };
}

/** `{"value": [...], "@odata.nextLink"?: "..."}` with every item parsed; the first bad item refuses the page. */
export function parsePage<T>(body: unknown, parseItem: (item: unknown) => ParseResult<T>): ParseResult<Page<T>> {
    if (!isRecord(body) || !Array.isArray(body.value)) {
        return fail(`a collection answer must be a JSON object with a "value" array; got ${isRecord(body) ? "an object without it" : kindOf(body)}`);
    }
    const items: T[] = [];
    for (let i = 0; i < body.value.length; i++) {
        const parsed = parseItem(body.value[i]);
        if (!parsed.ok) return fail(`value[${i}]: ${parsed.problem}`);
        items.push(parsed.value);
    }
    const next = body["@odata.nextLink"];
    return { ok: true, value: typeof next === "string" && next !== "" ? { items, nextLink: next } : { items } };
}

function required(body: Record<string, unknown>, key: string, check: (v: unknown) => boolean, what: string): string | undefined {
    if (!(key in body) || body[key] === null || body[key] === undefined) return `field "${key}" is missing`;
    return check(body[key]) ? undefined : `field "${key}" must be ${what}; got ${describeValue(body[key])}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNonEmptyString(v: unknown): boolean {
    return typeof v === "string" && v !== "";
}

function isTimestamp(v: unknown): boolean {
    return typeof v === "string" && !Number.isNaN(Date.parse(v));
}

function wholeNumber(v: unknown): number | null {
    return typeof v === "number" && Number.isSafeInteger(v) ? v : null;
}

function nullableString(v: unknown): string | null {
    return typeof v === "string" ? v : null;
}

function kindOf(v: unknown): string {
    return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

function fail<T>(problem: string): ParseResult<T> {
    return { ok: false, problem };
}
