// The in-process control methods (the other face of the control API): each runs a core operation and
// throws EmulatorControlError where the HTTP routes would answer an error.
import { Result } from "../base/result";
import { EmulatorConfig, RuntimeOptions } from "../base/runtimeOptions";
import {
    EmulatorState,
    ForceActionOptions,
    IssueTokenOptions,
    MachineStateView,
    MachineUpdate,
    OutOfBandIsolateOptions,
    OutOfBandReleaseOptions,
    OutOfBandResult,
} from "../core/controlShapes";
import { EmulatorCore } from "../core/emulatorCore";
import { hideActionControl, purgeActionsControl, reportStatusControl, type PurgeActionsOptions } from "../core/historyControls";
import { Fault, FaultSpec } from "../core/faults";
import { RequestLogEntry } from "../core/requestLog";
import { ForcedStatus } from "../defender/defenderState";
import { AlertJson, MachineActionJson } from "../defender/models";
import { AlertSpec } from "../fleet/alertSpec";
import { DeviceSpec } from "../fleet/deviceSpec";

/** Thrown by the in-process control methods (the HTTP routes answer it as JSON instead). */
export class EmulatorControlError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(message);
        this.name = "EmulatorControlError";
    }
}

export interface EmulatorControls {
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
    /** Changes a device's tags, group or addresses, as an admin does in the portal. */
    updateMachine(machineId: string, update: MachineUpdate): MachineStateView;
    deleteMachine(machineId: string): void;
    /** A new alert on a device (its incident is created when unknown). */
    addAlert(alert: AlertSpec): AlertJson;
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
    /** Purges actions (GET answers 404, listings omit them); returns their ids. */
    purgeActions(options?: PurgeActionsOptions): string[];
    /** Hides an action from listings (not from GET by id) for `ms` from now: a per-action indexing lag. */
    hideFromListings(actionId: string, ms: number): MachineActionJson;
    /** The API reports this undocumented status for the action (null: its real one again). */
    reportStatus(actionId: string, status: string | null): MachineActionJson;
}

function unwrap<T>(r: Result<T, { status: number; code: string; message: string }>): T {
    if (r.ok) return r.value;
    throw new EmulatorControlError(r.error.status, r.error.code, r.error.message);
}

export function controlsOf(core: EmulatorCore): EmulatorControls {
    return {
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
        updateMachine: (id, update) => unwrap(core.updateMachine(id, update)),
        addAlert: (alert) => unwrap(core.addAlert(alert)),
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
        purgeActions: (o) => unwrap(purgeActionsControl(core, o)).purged,
        hideFromListings: (id, ms) => unwrap(hideActionControl(core, id, ms)),
        reportStatus: (id, status) => unwrap(reportStatusControl(core, id, status)),
    };
}
