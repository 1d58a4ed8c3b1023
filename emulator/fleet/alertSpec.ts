// Alerts and the incidents that group them, as the emulator's fleet declares them, and their validation.
// An alert names one device (Defender for Endpoint alerts do); an incident is every alert with its id.
import { isRecord } from "../base/checks";
import { MACHINE_ID_PATTERN } from "../base/ids";
import { Result, fail, ok } from "../base/result";
import { resolveSpecTime } from "./deviceSpec";

export const ALERT_SEVERITIES = ["Informational", "Low", "Medium", "High"] as const;
export const ALERT_STATUSES = ["New", "InProgress", "Resolved"] as const;
export const INCIDENT_STATUSES = ["Active", "Resolved", "Redirected"] as const;

/** Defender alert ids: `da638…_-12345`, or a GUID-like id for alerts of other products. */
export const ALERT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export interface AlertSpec {
    /** e.g. `da638512345678901234_1234567890`. */
    id: string;
    /** The device the alert names (40 lowercase hex). It may be deleted later: the alert keeps the id. */
    machineId: string;
    title: string;
    /** The Defender XDR incident that groups it (a positive integer). */
    incidentId: number;
    /** One of ALERT_SEVERITIES. @default "Medium" */
    severity?: string;
    /** One of ALERT_STATUSES. @default "New" */
    status?: string;
    /** @default "Malware" */
    category?: string;
    /** @default "" */
    description?: string;
    /** ISO timestamp or relative to start (`-2h`). @default "-1h" */
    createdAt?: string;
}

export interface IncidentSpec {
    incidentId: number;
    /** @default the title of its first alert */
    incidentName?: string;
    /** One of INCIDENT_STATUSES. @default "Active" */
    status?: string;
    /** One of ALERT_SEVERITIES. @default the highest of its alerts */
    severity?: string;
}

const ALERT_KEYS = ["id", "machineId", "title", "incidentId", "severity", "status", "category", "description", "createdAt"];
const INCIDENT_KEYS = ["incidentId", "incidentName", "status", "severity"];

function unknownKeys(input: Record<string, unknown>, known: readonly string[], where: string, errors: string[]): void {
    for (const key of Object.keys(input)) if (!known.includes(key)) errors.push(`${where}.${key}: unknown field; known fields: ${known.join(", ")}`);
}

function incidentIdProblem(v: unknown, where: string): string | undefined {
    return typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 999_999_999_999
        ? undefined
        : `${where}: must be a positive whole number such as 924521`;
}

function oneOf(v: unknown, allowed: readonly string[], where: string, errors: string[]): void {
    if (v !== undefined && !allowed.includes(v as string)) errors.push(`${where}: must be one of ${allowed.join(", ")}`);
}

export function validateAlertSpec(input: unknown, where: string): Result<AlertSpec> {
    if (!isRecord(input)) return fail([`${where}: must be an object with id, machineId, title and incidentId`]);
    const errors: string[] = [];
    unknownKeys(input, ALERT_KEYS, where, errors);
    if (typeof input.id !== "string" || !ALERT_ID_PATTERN.test(input.id))
        errors.push(`${where}.id: must be letters, digits, '_' or '-', like "da638512345678901234_1234567890"`);
    if (typeof input.machineId !== "string" || !MACHINE_ID_PATTERN.test(input.machineId))
        errors.push(`${where}.machineId: must be 40 lowercase hex characters`);
    if (typeof input.title !== "string" || input.title.trim() === "") errors.push(`${where}.title: must be a non-empty string`);
    const bad = incidentIdProblem(input.incidentId, `${where}.incidentId`);
    if (bad) errors.push(bad);
    oneOf(input.severity, ALERT_SEVERITIES, `${where}.severity`, errors);
    oneOf(input.status, ALERT_STATUSES, `${where}.status`, errors);
    for (const key of ["category", "description"] as const)
        if (input[key] !== undefined && typeof input[key] !== "string") errors.push(`${where}.${key}: must be a string`);
    if (input.createdAt !== undefined && (typeof input.createdAt !== "string" || resolveSpecTime(input.createdAt, 0) === undefined)) {
        errors.push(`${where}.createdAt: must be an ISO timestamp or a relative time like "-2h"`);
    }
    return errors.length > 0 ? fail(errors) : ok(input as unknown as AlertSpec);
}

export function validateIncidentSpec(input: unknown, where: string): Result<IncidentSpec> {
    if (!isRecord(input)) return fail([`${where}: must be an object with incidentId`]);
    const errors: string[] = [];
    unknownKeys(input, INCIDENT_KEYS, where, errors);
    const bad = incidentIdProblem(input.incidentId, `${where}.incidentId`);
    if (bad) errors.push(bad);
    if (input.incidentName !== undefined && (typeof input.incidentName !== "string" || input.incidentName.trim() === "")) {
        errors.push(`${where}.incidentName: must be a non-empty string`);
    }
    oneOf(input.status, INCIDENT_STATUSES, `${where}.status`, errors);
    oneOf(input.severity, ALERT_SEVERITIES, `${where}.severity`, errors);
    return errors.length > 0 ? fail(errors) : ok(input as unknown as IncidentSpec);
}

/** Validates lists of alerts and incidents: unique ids, and every alert naming a device of `machineIds`. */
export function validateAlerts(
    alerts: unknown,
    incidents: unknown,
    machineIds: ReadonlySet<string>,
    where: string,
): Result<{ alerts: AlertSpec[]; incidents: IncidentSpec[] }> {
    const errors: string[] = [];
    const out = { alerts: [] as AlertSpec[], incidents: [] as IncidentSpec[] };
    if (alerts !== undefined && !Array.isArray(alerts)) errors.push(`${where}.alerts: must be a list of alerts`);
    if (incidents !== undefined && !Array.isArray(incidents)) errors.push(`${where}.incidents: must be a list of incidents`);
    const seen = new Set<string>();
    ((Array.isArray(alerts) ? alerts : []) as unknown[]).forEach((a, i) => {
        const r = validateAlertSpec(a, `${where}.alerts[${i}]`);
        if (!r.ok) {
            errors.push(...r.error);
            return;
        }
        if (seen.has(r.value.id.toLowerCase())) errors.push(`${where}.alerts[${i}].id: duplicate id ${r.value.id}`);
        if (!machineIds.has(r.value.machineId)) errors.push(`${where}.alerts[${i}].machineId: no device ${r.value.machineId} in the fleet`);
        seen.add(r.value.id.toLowerCase());
        out.alerts.push(r.value);
    });
    const ids = new Set<number>();
    ((Array.isArray(incidents) ? incidents : []) as unknown[]).forEach((x, i) => {
        const r = validateIncidentSpec(x, `${where}.incidents[${i}]`);
        if (!r.ok) {
            errors.push(...r.error);
            return;
        }
        if (ids.has(r.value.incidentId)) errors.push(`${where}.incidents[${i}].incidentId: duplicate id ${r.value.incidentId}`);
        ids.add(r.value.incidentId);
        out.incidents.push(r.value);
    });
    return errors.length > 0 ? fail(errors) : ok(out);
}
