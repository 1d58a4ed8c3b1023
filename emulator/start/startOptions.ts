// The options fixed at start (port, TLS, fleet, request log, clock, hook) on top of the runtime ones, and
// their validation at the edge: every message names the field and says how to fix it.
import { checkKeys, intIn, isRecord } from "../base/checks";
import { Result, fail, ok } from "../base/result";
import { RuntimeOptions } from "../base/runtimeOptions";
import { RUNTIME_KEYS, START_KEYS } from "../base/runtimeOptionsValidation";
import type { RequestLogEntry } from "../core/requestLog";
import { AlertSpec, IncidentSpec } from "../fleet/alertSpec";
import { DeviceSpec, validateDeviceSpecs } from "../fleet/deviceSpec";
import { MAX_GENERATED_DEVICES } from "../fleet/synthetic";
import { DEFAULT_TLS_DIR } from "../http/tls";

export interface TlsOptions {
    /** CA directory; same as the top-level `tlsDir` (give one of them). @default ".state/emulator-tls" */
    dir?: string;
    /** Serve this certificate (PEM, may include the chain) instead of one signed by the CA; needs keyFile. @default undefined */
    certFile?: string;
    /** Private key (PEM) for certFile. @default undefined */
    keyFile?: string;
    /** CA file reported as `caCertPath` when certFile is used. @default undefined */
    caFile?: string;
}

export interface FleetOptions {
    /** Devices to start with. @default DEFAULT_FLEET (none when `file` is given) */
    devices?: DeviceSpec[];
    /** JSON or YAML file with a list of devices (or `{ devices: [...] }`); replaces `devices`. @default undefined */
    file?: string;
    /** Number of synthetic devices appended (ids from sha1("synthetic:<n>"), names syn-00001.fleet.contoso.com). @default 0 */
    generate?: number;
    /** Alerts, each on a device of the fleet. @default DEFAULT_ALERT_LIST with the default fleet, else none */
    alerts?: AlertSpec[];
    /** Incident names and statuses (an incident is every alert with its id). @default DEFAULT_INCIDENTS with the default fleet, else none */
    incidents?: IncidentSpec[];
}

export interface EmulatorOptions extends RuntimeOptions {
    /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
    port?: number;
    /** HTTPS with a certificate signed by the CA in `tlsDir` (true), with TlsOptions, or plain HTTP (false). @default true */
    tls?: boolean | TlsOptions;
    /** Where the CA lives: `ca.pem` + `ca-key.pem` are reused if present, else created there. Relative to cwd. @default ".state/emulator-tls" */
    tlsDir?: string;
    /** @default { devices: DEFAULT_FLEET } */
    fleet?: FleetOptions;
    /** Request log entries kept (oldest dropped first). @default 10000 */
    requestLogLimit?: number;
    /** Source of "now" in ms; the control API's clock offset is added to it. @default () => Date.now() */
    clock?: () => number;
    /** Called after each logged request (API and token traffic, not the control API). @default undefined */
    onRequest?: (entry: RequestLogEntry) => void;
}

/** How to serve: plain HTTP, given files, or a certificate from the CA in a directory. */
export type TlsPlan =
    { kind: "http" } | { kind: "files"; files: Required<Pick<TlsOptions, "certFile" | "keyFile">> & Pick<TlsOptions, "caFile"> } | { kind: "ca"; dir: string };

export interface ValidatedStartOptions {
    port: number;
    tls: TlsPlan;
    fleet: FleetOptions;
    requestLogLimit: number;
}

/** Where the certificate comes from: the CA in a directory (default), given files, or none (plain HTTP). */
function tlsPlan(options: EmulatorOptions, errors: string[]): TlsPlan {
    let tls: TlsPlan = { kind: "ca", dir: DEFAULT_TLS_DIR };
    if (options.tlsDir !== undefined) {
        if (typeof options.tlsDir !== "string" || options.tlsDir === "") errors.push("options.tlsDir: must be a non-empty directory path");
        else tls = { kind: "ca", dir: options.tlsDir };
    }
    if (options.tls === false) {
        tls = { kind: "http" };
        if (options.tlsDir !== undefined) errors.push("options.tlsDir: has no use with tls: false; drop one of them");
    } else if (options.tls !== undefined && options.tls !== true) {
        if (!isRecord(options.tls)) errors.push("options.tls: must be true, false or { dir?, certFile?, keyFile?, caFile? }");
        else {
            const t = options.tls as TlsOptions & Record<string, unknown>;
            checkKeys(t, ["dir", "certFile", "keyFile", "caFile"], "options.tls", errors);
            for (const key of ["dir", "certFile", "keyFile", "caFile"] as const) {
                if (t[key] !== undefined && (typeof t[key] !== "string" || t[key] === "")) errors.push(`options.tls.${key}: must be a non-empty path`);
            }
            if (t.dir !== undefined && options.tlsDir !== undefined) errors.push("options.tls.dir: duplicates options.tlsDir; give one of them");
            if ((t.certFile === undefined) !== (t.keyFile === undefined)) {
                errors.push(
                    `options.tls.${t.certFile === undefined ? "certFile" : "keyFile"}: required with ${t.certFile === undefined ? "keyFile" : "certFile"}; give both or neither`,
                );
            } else if (t.certFile !== undefined && t.keyFile !== undefined) {
                if (t.dir !== undefined) errors.push("options.tls.dir: has no use with certFile/keyFile; drop one of them");
                tls = { kind: "files", files: { certFile: t.certFile, keyFile: t.keyFile, caFile: t.caFile } };
            } else if (t.dir !== undefined) {
                tls = { kind: "ca", dir: t.dir };
            }
        }
    }
    return tls;
}

function checkFleet(fleet: unknown, errors: string[]): void {
    if (!isRecord(fleet)) {
        errors.push("options.fleet: must be { devices?, file?, generate?, alerts?, incidents? }");
        return;
    }
    checkKeys(fleet, ["devices", "file", "generate", "alerts", "incidents"], "options.fleet", errors);
    if (fleet.devices !== undefined) {
        const r = validateDeviceSpecs(fleet.devices, "options.fleet.devices");
        if (!r.ok) errors.push(...r.error);
    }
    if (fleet.file !== undefined && (typeof fleet.file !== "string" || fleet.file === ""))
        errors.push("options.fleet.file: must be a path to a JSON or YAML file");
    if (fleet.devices !== undefined && fleet.file !== undefined) errors.push("options.fleet: give devices or file, not both");
    if (fleet.generate !== undefined && !intIn(fleet.generate, 0, MAX_GENERATED_DEVICES)) {
        errors.push(`options.fleet.generate: must be an integer from 0 to ${MAX_GENERATED_DEVICES}`);
    }
}

/** Validates the start-only options (runtime ones go through applyRuntimeOptions). */
export function validateStartOptions(options: EmulatorOptions): Result<ValidatedStartOptions> {
    const errors: string[] = [];
    const o = options as Record<string, unknown>;
    checkKeys(o, [...RUNTIME_KEYS, ...START_KEYS], "options", errors);
    const port = options.port ?? 0;
    if (!intIn(port, 0, 65535)) errors.push("options.port: must be an integer from 0 to 65535 (0 picks a free port)");
    const tls = tlsPlan(options, errors);
    const fleet = options.fleet ?? {};
    checkFleet(fleet, errors);
    const requestLogLimit = options.requestLogLimit ?? 10000;
    if (!intIn(requestLogLimit, 0, 1_000_000)) errors.push("options.requestLogLimit: must be an integer from 0 to 1000000");
    if (options.clock !== undefined && typeof options.clock !== "function") errors.push("options.clock: must be a function returning epoch milliseconds");
    if (options.onRequest !== undefined && typeof options.onRequest !== "function") errors.push("options.onRequest: must be a function");
    return errors.length > 0 ? fail(errors) : ok({ port, tls, fleet: fleet, requestLogLimit });
}
