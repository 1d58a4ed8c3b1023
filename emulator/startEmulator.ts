// startEmulator(): validate options, build the fleet and TLS material, listen, and hand back typed controls.
import { EmulatorClock } from "./clock";
import {
    EmulatorControlError,
    EmulatorState,
    ForceActionOptions,
    IssueTokenOptions,
    MachineStateView,
    OutOfBandIsolateOptions,
    OutOfBandReleaseOptions,
    OutOfBandResult,
} from "./control/controlTypes";
import { ForcedStatus } from "./defender/defenderState";
import { MachineActionJson } from "./defender/models";
import { EmulatorCore } from "./emulatorCore";
import { DEFAULT_FLEET } from "./fleet/defaultFleet";
import { DeviceSpec } from "./fleet/deviceSpec";
import { loadFleetFile } from "./fleet/loadFleetFile";
import { syntheticDevices } from "./fleet/synthetic";
import { Fault, FaultSpec } from "./http/faults";
import { RequestLogEntry } from "./http/requestLog";
import { listen } from "./http/server";
import { DEFAULT_AUDIENCE, EmulatorConfig, EmulatorOptions, RuntimeOptions, defaultConfig } from "./options";
import { applyRuntimeOptions, validateStartOptions } from "./optionsValidation";
import { Result } from "./result";
import { ServerTlsMaterial, tlsMaterialFromCa, tlsMaterialFromFiles } from "./tls";

/** startEmulator rejects with this when options are invalid; `problems` names each field and its fix. */
export class EmulatorOptionsError extends Error {
    constructor(readonly problems: string[]) {
        super(`Invalid emulator options:\n  - ${problems.join("\n  - ")}`);
        this.name = "EmulatorOptionsError";
    }
}

export interface RunningEmulator {
    /** Base URL serving both Entra and Defender, e.g. https://127.0.0.1:54321 (authorityHost = API base). */
    readonly url: string;
    readonly port: number;
    /** CA file to trust (NODE_EXTRA_CA_CERTS or an https.Agent's `ca`); undefined over plain HTTP. */
    readonly caCertPath: string | undefined;
    /** The token scope the API accepts by default. */
    readonly defaultScope: string;
    /** Closes the server and every open connection; idempotent. */
    stop(): Promise<void>;
    /** Machines with their isolation state, and all actions. */
    state(): EmulatorState;
    /** A machine by id or computer name (most recently seen record for a shared name). */
    machine(idOrName: string): MachineStateView | undefined;
    action(id: string): MachineActionJson | undefined;
    /** The request log (API and token calls, raw), oldest first. */
    requests(): RequestLogEntry[];
    clearRequests(): void;
    /** Fleet, actions, config, faults, request log, rate windows and clock offset back to start; tokens stay valid. */
    reset(): void;
    /** The effective runtime config (client secrets redacted). */
    config(): EmulatorConfig;
    /** Changes runtime options; nested objects merge; answers config(). Throws EmulatorControlError on invalid input. */
    configure(patch: RuntimeOptions): EmulatorConfig;
    isolateOutOfBand(machineId: string, options?: OutOfBandIsolateOptions): OutOfBandResult;
    releaseOutOfBand(machineId: string, options?: OutOfBandReleaseOptions): OutOfBandResult;
    /** Moves an unfinished action to a status now; Succeeded applies its effect on the device. */
    forceAction(actionId: string, status: ForcedStatus, options?: ForceActionOptions): MachineActionJson;
    setOnline(machineId: string, online: boolean): MachineStateView;
    addMachine(device: DeviceSpec): MachineStateView;
    deleteMachine(machineId: string): void;
    injectFault(fault: FaultSpec): Fault;
    faults(): Fault[];
    clearFaults(): void;
    /** Moves the emulator clock forward (lifecycle, token expiry and rate windows all follow it). */
    advanceClock(ms: number): void;
    /** The emulator clock. */
    now(): Date;
    /** A valid token without the token endpoint (not logged). */
    issueToken(options?: IssueTokenOptions): string;
    /** Every issued token becomes unknown (401). */
    revokeTokens(): void;
}

function unwrap<T>(r: Result<T, { status: number; code: string; message: string }>): T {
    if (r.ok) return r.value;
    throw new EmulatorControlError(r.error.status, r.error.code, r.error.message);
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

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
    const start = validateStartOptions(options);
    if (!start.ok) throw new EmulatorOptionsError(start.error);
    const config = applyRuntimeOptions(defaultConfig(), options, "options");
    if (!config.ok) throw new EmulatorOptionsError(config.error);
    const devices = await buildFleet(start.value.fleet);
    const plan = start.value.tls;
    let tls: ServerTlsMaterial | null = null;
    try {
        if (plan.kind === "files") tls = await tlsMaterialFromFiles(plan.files);
        else if (plan.kind === "ca") tls = await tlsMaterialFromCa(plan.dir);
    } catch (e) {
        const where = plan.kind === "files" ? "options.tls" : "options.tlsDir";
        throw new EmulatorOptionsError([`${where}: cannot prepare TLS material: ${(e as Error).message}`]);
    }

    const core = new EmulatorCore({
        config: config.value,
        devices,
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
        state: () => core.snapshot(),
        machine: (idOrName) => core.machineView(idOrName),
        action: (id) => core.actionView(id),
        requests: () => core.log.list(),
        clearRequests: () => core.log.clear(),
        reset: () => core.reset(),
        config: () => core.configView(),
        configure: (patch) => unwrap(core.configure(patch)),
        isolateOutOfBand: (id, o) => unwrap(core.isolateOutOfBand(id, o)),
        releaseOutOfBand: (id, o) => unwrap(core.releaseOutOfBand(id, o)),
        forceAction: (id, status, o) => unwrap(core.forceAction(id, status, o)),
        setOnline: (id, online) => unwrap(core.setOnline(id, online)),
        addMachine: (device) => unwrap(core.addMachine(device)),
        deleteMachine: (id) => {
            unwrap(core.deleteMachine(id));
        },
        injectFault: (fault) => unwrap(core.injectFault(fault)),
        faults: () => core.faults.list(),
        clearFaults: () => core.faults.clear(),
        advanceClock: (ms) => {
            unwrap(core.advanceClock(ms));
        },
        now: () => new Date(core.now()),
        issueToken: (o) => unwrap(core.issueToken(o)).access_token,
        revokeTokens: () => core.tokens.revokeAll(),
    };
}
