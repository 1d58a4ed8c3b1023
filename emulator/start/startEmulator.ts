// startEmulator(): validate options, build the fleet and TLS material, listen, and hand back typed controls.
import { EmulatorClock } from "../base/clock";
import { DEFAULT_AUDIENCE, defaultConfig } from "../base/runtimeOptions";
import { applyRuntimeOptions } from "../base/runtimeOptionsValidation";
import { EmulatorControls, controlsOf } from "../control/inProcessControls";
import { EmulatorCore } from "../core/emulatorCore";
import { AlertSpec, IncidentSpec, validateAlerts } from "../fleet/alertSpec";
import { DEFAULT_ALERT_LIST, DEFAULT_FLEET, DEFAULT_INCIDENTS } from "../fleet/defaultFleet";
import { DeviceSpec } from "../fleet/deviceSpec";
import { loadFleetFile } from "../fleet/loadFleetFile";
import { syntheticDevices } from "../fleet/synthetic";
import { listen } from "../http/server";
import { ServerTlsMaterial, tlsMaterialFromCa, tlsMaterialFromFiles } from "../http/tls";
import { EmulatorOptions, TlsPlan, validateStartOptions } from "./startOptions";

/** startEmulator rejects with this when options are invalid; `problems` names each field and its fix. */
export class EmulatorOptionsError extends Error {
    constructor(readonly problems: string[]) {
        super(`Invalid emulator options:\n  - ${problems.join("\n  - ")}`);
        this.name = "EmulatorOptionsError";
    }
}

export interface RunningEmulator extends EmulatorControls {
    /** Base URL serving both Entra and Defender, e.g. https://127.0.0.1:54321 (authorityHost = API base). */
    readonly url: string;
    readonly port: number;
    /** CA file to trust (NODE_EXTRA_CA_CERTS or an https.Agent's `ca`); undefined over plain HTTP. */
    readonly caCertPath: string | undefined;
    /** The token scope the API accepts by default. */
    readonly defaultScope: string;
    /** Closes the server and every open connection; idempotent. */
    stop(): Promise<void>;
}

async function buildFleet(fleet: NonNullable<EmulatorOptions["fleet"]>): Promise<DeviceSpec[]> {
    let devices: DeviceSpec[];
    if (fleet.file !== undefined) {
        const loaded = await loadFleetFile(fleet.file);
        if (!loaded.ok) throw new EmulatorOptionsError(loaded.error);
        devices = loaded.value;
    } else {
        devices = [...(fleet.devices ?? DEFAULT_FLEET)];
    }
    const all = [...devices, ...syntheticDevices(fleet.generate ?? 0)];
    const ids = new Set<string>();
    for (const d of all) {
        if (ids.has(d.id)) throw new EmulatorOptionsError([`fleet: device id ${d.id} appears twice; ids must be unique`]);
        ids.add(d.id);
    }
    return all;
}

/** The fleet's alerts and incidents: the default ones go with the default fleet only. */
function buildAlerts(fleet: NonNullable<EmulatorOptions["fleet"]>, devices: readonly DeviceSpec[]): { alerts: AlertSpec[]; incidents: IncidentSpec[] } {
    const defaultFleet = fleet.devices === undefined && fleet.file === undefined;
    const alerts = fleet.alerts ?? (defaultFleet ? [...DEFAULT_ALERT_LIST] : []);
    const incidents = fleet.incidents ?? (defaultFleet ? [...DEFAULT_INCIDENTS] : []);
    const r = validateAlerts(alerts, incidents, new Set(devices.map((d) => d.id)), "options.fleet");
    if (!r.ok) throw new EmulatorOptionsError(r.error);
    return r.value;
}

/** The certificate to serve, or null for plain HTTP. */
async function tlsMaterial(plan: TlsPlan): Promise<ServerTlsMaterial | null> {
    try {
        if (plan.kind === "files") return await tlsMaterialFromFiles(plan.files);
        if (plan.kind === "ca") return await tlsMaterialFromCa(plan.dir);
        return null;
    } catch (e) {
        const where = plan.kind === "files" ? "options.tls" : "options.tlsDir";
        throw new EmulatorOptionsError([`${where}: cannot prepare TLS material: ${(e as Error).message}`]);
    }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
    const start = validateStartOptions(options);
    if (!start.ok) throw new EmulatorOptionsError(start.error);
    const config = applyRuntimeOptions(defaultConfig(), options, "options");
    if (!config.ok) throw new EmulatorOptionsError(config.error);
    const devices = await buildFleet(start.value.fleet);
    const { alerts, incidents } = buildAlerts(start.value.fleet, devices);
    const tls = await tlsMaterial(start.value.tls);
    const core = new EmulatorCore({
        config: config.value,
        devices,
        alerts,
        incidents,
        clock: new EmulatorClock(options.clock),
        requestLogLimit: start.value.requestLogLimit,
        onRequest: options.onRequest,
    });
    const server = await listen(core, start.value.port, tls);

    return {
        url: server.url,
        port: server.port,
        caCertPath: tls?.caCertPath,
        defaultScope: DEFAULT_AUDIENCE,
        stop: () => server.stop(),
        ...controlsOf(core),
    };
}
