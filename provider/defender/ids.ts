/**
 * Identifiers that end up in URLs: checked before any path is built, so nothing a user typed can
 * change which resource a request touches (`../x`, `%2e%2e`, look-alike digits...).
 */
import { describeValue } from "../base/text";
import { invalidInputError } from "./errors";

const MACHINE_ID = /^[0-9a-fA-F]{40}$/;
/** Defender alert ids: `da638…_-1234567890`, or GUID-like ids of other products' alerts. */
const ALERT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/** Defender XDR incident ids are whole numbers. */
const INCIDENT_ID = /^[1-9]\d{0,11}$/;
const ACTION_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DNS_NAME_MAX = 255;
const DNS_LABEL_MAX = 63;
const DNS_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/;

/** Which request a refused input was for, in messages. */
export interface RequestContext {
    method?: string;
    path?: string;
}

/** A Defender device id: exactly 40 ASCII hexadecimal characters. */
export function isMachineId(value: unknown): value is string {
    return typeof value === "string" && MACHINE_ID.test(value);
}

/** A MachineAction id: a GUID. */
export function isActionId(value: unknown): value is string {
    return typeof value === "string" && ACTION_ID.test(value);
}

export function isAlertId(value: unknown): value is string {
    return typeof value === "string" && ALERT_ID.test(value);
}

export function alertIdProblem(value: unknown, field = "alertId"): string | undefined {
    if (isAlertId(value)) return undefined;
    return `${field} must be a Defender alert id such as da638512345678901234_1234567890 (letters, digits, "_" and "-", as in the alert page's URL); got ${describeValue(value)}`;
}

/** A Defender XDR incident id: a whole number, as text (`924521`). */
export function isXdrIncidentId(value: unknown): value is string {
    return typeof value === "string" && INCIDENT_ID.test(value);
}

export function xdrIncidentIdProblem(value: unknown, field = "incidentId"): string | undefined {
    if (isXdrIncidentId(value)) return undefined;
    return `${field} must be a Defender incident id: a whole number such as 924521, as in the incident page's URL; got ${describeValue(value)}`;
}

export function machineIdProblem(value: unknown, field = "machineId"): string | undefined {
    if (isMachineId(value)) return undefined;
    return `${field} must be a Defender device id: exactly 40 hexadecimal characters (0-9, a-f), as in the device page's URL; got ${describeValue(value)}`;
}

export function actionIdProblem(value: unknown, field = "actionId"): string | undefined {
    if (isActionId(value)) return undefined;
    return `${field} must be a MachineAction id: a GUID such as 7f3c2a1e-0b4d-4c8e-9a6f-2d1e3c4b5a69; got ${describeValue(value)}`;
}

/**
 * Why `value` is not a plausible device DNS name (ASCII letters, digits, "-", "_", dot-separated labels,
 * at most 255 characters; no spaces, quotes or control characters), or undefined when it is.
 */
export function dnsNameProblem(value: unknown, field = "computerDnsName"): string | undefined {
    const fix = `${field} must be a device's DNS name such as fin-lt-042.contoso.com (ASCII letters, digits, "-" and "_" in dot-separated labels, at most ${DNS_NAME_MAX} characters), or declare the machineId instead`;
    if (typeof value !== "string" || value.length === 0) return `${fix}; got ${describeValue(value)}`;
    if (value.length > DNS_NAME_MAX) return `${fix}; got a name of ${value.length} characters`;
    const labels = value.split(".");
    const bad = labels.find((l) => l.length > DNS_LABEL_MAX || !DNS_LABEL.test(l));
    return bad === undefined ? undefined : `${fix}; got ${describeValue(value)}`;
}

/** The machine id, or throws a DefenderApiError (kind invalidInput) naming `field`. */
export function assertMachineId(value: unknown, field = "machineId", request?: RequestContext): string {
    const problem = machineIdProblem(value, field);
    if (problem) throw invalidInputError(problem, request);
    return value as string;
}

/** The action id, or throws a DefenderApiError (kind invalidInput) naming `field`. */
export function assertActionId(value: unknown, field = "actionId", request?: RequestContext): string {
    const problem = actionIdProblem(value, field);
    if (problem) throw invalidInputError(problem, request);
    return value as string;
}

/** The DNS name, or throws a DefenderApiError (kind invalidInput) naming `field`. */
export function assertDnsName(value: unknown, field = "computerDnsName", request?: RequestContext): string {
    const problem = dnsNameProblem(value, field);
    if (problem) throw invalidInputError(problem, request);
    return value as string;
}

/**
 * One URL path segment, percent-encoded. "", "." and ".." are refused: the URL parser would
 * resolve them (and their encoded forms) to another path.
 */
export function encodePathSegment(segment: string): string {
    if (segment === "" || segment === "." || segment === "..") {
        throw invalidInputError(`a URL path segment must not be empty, "." or ".."; got ${describeValue(segment)}`);
    }
    return encodeURIComponent(segment);
}
