// A device as the emulator's fleet declares it (fleet files, options, the control API), and its validation.
import { isRecord } from "../base/checks";
import { MACHINE_ID_PATTERN } from "../base/ids";
import { Result, fail, ok } from "../base/result";

export const HEALTH_STATUSES = ["Active", "Inactive", "ImpairedCommunication", "NoSensorData", "NoSensorDataImpairedCommunication", "Unknown"] as const;

export interface DeviceSpec {
    /** Defender device id: 40 lowercase hex characters. */
    id: string;
    /** Fully qualified name, e.g. `fin-lt-042.contoso.com`. Several records may share one (re-onboarded device). */
    computerDnsName: string;
    /** Defender's platform string: `Windows11`, `Windows10`, `WindowsServer2022`, `Linux`, `macOS`, ... */
    osPlatform: string;
    /** Whether the sensor is connected; actions on an offline device stay Pending. @default true */
    online?: boolean;
    /** Onboarded to Defender (false: a discovered, unmanaged device). @default true */
    managed?: boolean;
    /** @default [] */
    machineTags?: string[];
    /**
     * ISO timestamp, or relative to the emulator's start: `-4d`, `-36h`, `-15m`, `-30s`.
     * @default online devices: always "now"; offline devices: one day before start
     */
    lastSeen?: string;
    /** One of HEALTH_STATUSES. @default "Active" when online, "Inactive" when offline */
    healthStatus?: string;
    /** ISO timestamp or relative like lastSeen. @default 180 days before start */
    firstSeen?: string;
    /** @default null */
    osVersion?: string;
    /** @default derived from the id, in 10.0.0.0/8 */
    lastIpAddress?: string;
    /** The address the device last reached Defender from (a NAT egress: many devices share one). @default "203.0.113.10" */
    lastExternalIpAddress?: string;
    /** @default "UNASSIGNED GROUP" */
    rbacGroupName?: string;
    /** @default "None" */
    riskScore?: string;
    /** @default "Low" */
    exposureLevel?: string;
}

const RELATIVE_TIME = /^-(\d{1,6})([dhms])$/;
const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** Resolves an ISO or relative (`-4d`) time against `startMs`; undefined when malformed. */
export function resolveSpecTime(value: string, startMs: number): number | undefined {
    const rel = RELATIVE_TIME.exec(value);
    if (rel) return startMs - Number(rel[1]) * UNIT_MS[rel[2]];
    if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
}

const KNOWN_KEYS = new Set([
    "id",
    "computerDnsName",
    "osPlatform",
    "online",
    "managed",
    "machineTags",
    "lastSeen",
    "healthStatus",
    "firstSeen",
    "osVersion",
    "lastIpAddress",
    "lastExternalIpAddress",
    "rbacGroupName",
    "riskScore",
    "exposureLevel",
]);

/** Validates one device; `where` names it in messages, e.g. `fleet.devices[2]`. */
export function validateDeviceSpec(input: unknown, where: string): Result<DeviceSpec> {
    if (!isRecord(input)) return fail([`${where}: must be an object with id, computerDnsName and osPlatform`]);
    const errors: string[] = [];
    for (const key of Object.keys(input)) {
        if (!KNOWN_KEYS.has(key)) errors.push(`${where}.${key}: unknown field; known fields: ${[...KNOWN_KEYS].join(", ")}`);
    }
    if (typeof input.id !== "string" || !MACHINE_ID_PATTERN.test(input.id)) {
        errors.push(`${where}.id: must be 40 lowercase hex characters (got ${JSON.stringify(input.id)})`);
    }
    if (typeof input.computerDnsName !== "string" || input.computerDnsName.trim() === "") {
        errors.push(`${where}.computerDnsName: must be a non-empty string such as "fin-lt-042.contoso.com"`);
    }
    if (typeof input.osPlatform !== "string" || input.osPlatform.trim() === "") {
        errors.push(`${where}.osPlatform: must be a non-empty string such as "Windows11", "Linux" or "macOS"`);
    }
    for (const key of ["online", "managed"] as const) {
        if (input[key] !== undefined && typeof input[key] !== "boolean") errors.push(`${where}.${key}: must be true or false`);
    }
    if (input.machineTags !== undefined && (!Array.isArray(input.machineTags) || !input.machineTags.every((t) => typeof t === "string"))) {
        errors.push(`${where}.machineTags: must be a list of strings`);
    }
    for (const key of ["lastSeen", "firstSeen"] as const) {
        const v = input[key];
        if (v !== undefined && (typeof v !== "string" || resolveSpecTime(v, 0) === undefined)) {
            errors.push(`${where}.${key}: must be an ISO timestamp or a relative time like "-4d", "-36h", "-15m"`);
        }
    }
    if (input.healthStatus !== undefined && !(HEALTH_STATUSES as readonly unknown[]).includes(input.healthStatus)) {
        errors.push(`${where}.healthStatus: must be one of ${HEALTH_STATUSES.join(", ")}`);
    }
    for (const key of ["osVersion", "lastIpAddress", "lastExternalIpAddress", "rbacGroupName", "riskScore", "exposureLevel"] as const) {
        if (input[key] !== undefined && typeof input[key] !== "string") errors.push(`${where}.${key}: must be a string`);
    }
    return errors.length > 0 ? fail(errors) : ok(input as unknown as DeviceSpec);
}

/** Validates a list of devices and that ids are unique (names may repeat). */
export function validateDeviceSpecs(input: unknown, where: string): Result<DeviceSpec[]> {
    if (!Array.isArray(input)) return fail([`${where}: must be a list of devices`]);
    const errors: string[] = [];
    const devices: DeviceSpec[] = [];
    const seen = new Set<string>();
    input.forEach((item, i) => {
        const r = validateDeviceSpec(item, `${where}[${i}]`);
        if (!r.ok) {
            errors.push(...r.error);
            return;
        }
        if (seen.has(r.value.id)) errors.push(`${where}[${i}].id: duplicate id ${r.value.id}; ids must be unique`);
        seen.add(r.value.id);
        devices.push(r.value);
    });
    return errors.length > 0 ? fail(errors) : ok(devices);
}
