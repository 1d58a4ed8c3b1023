// Devices and machine actions, and the lifecycle that moves actions along. Evaluation is lazy: nothing
// runs on timers; every read or write first calls advance(now), which applies all transitions due by
// then, in time order, each stamped with the time it was due. So results depend only on timestamps.
import { toServiceTime } from "../base/clock";
import { AlertSpec, IncidentSpec } from "../fleet/alertSpec";
import { DeviceSpec, resolveSpecTime } from "../fleet/deviceSpec";
import { newGuid } from "../base/ids";
import { EmulatorConfig, IsolationType } from "../base/runtimeOptions";
import { EventQueue } from "./eventQueue";
import { ActionRecord, ActionStatus, ActionType, AlertRecord, FINAL_STATUSES, IncidentRecord, MachineRecord } from "./models";

/** HRESULT reported on actions forced to Failed (E_FAIL). */
export const FAILED_HRESULT = -2147467259;

export interface NewActionInput {
    machine: MachineRecord;
    type: ActionType;
    scope: IsolationType | null;
    requestor: string;
    comment: string;
    now: number;
}

/** Statuses the control API can force an unfinished action into. */
export type ForcedStatus = Exclude<ActionStatus, "Pending">;
export const FORCED_STATUSES: readonly ForcedStatus[] = ["InProgress", "Succeeded", "Failed", "TimeOut", "Cancelled"];

export function isFinal(status: ActionStatus): boolean {
    return FINAL_STATUSES.includes(status);
}

function ipFromId(id: string): string {
    const b = Buffer.from(id.slice(0, 6), "hex");
    return `10.${b[0]}.${b[1]}.${(b[2] % 254) + 1}`;
}

/** Where devices reach Defender from unless told otherwise: one NAT egress (TEST-NET-3). */
export const DEFAULT_EXTERNAL_IP = "203.0.113.10";

export function alertFromSpec(spec: AlertSpec, startMs: number): AlertRecord {
    const created = spec.createdAt !== undefined ? resolveSpecTime(spec.createdAt, startMs) : undefined;
    return {
        id: spec.id,
        machineId: spec.machineId,
        title: spec.title,
        incidentId: spec.incidentId,
        severity: spec.severity ?? "Medium",
        status: spec.status ?? "New",
        category: spec.category ?? "Malware",
        description: spec.description ?? "",
        createdAt: created ?? startMs - 3_600_000,
    };
}

/** What the control API may change on a device: its tags, group and addresses. */
export interface MachinePatch {
    machineTags?: string[];
    rbacGroupName?: string;
    lastIpAddress?: string;
    lastExternalIpAddress?: string;
}

export function machineFromSpec(spec: DeviceSpec, startMs: number): MachineRecord {
    const online = spec.online ?? true;
    const lastSeen = spec.lastSeen !== undefined ? resolveSpecTime(spec.lastSeen, startMs) : undefined;
    const firstSeen = spec.firstSeen !== undefined ? resolveSpecTime(spec.firstSeen, startMs) : undefined;
    return {
        id: spec.id,
        computerDnsName: spec.computerDnsName,
        osPlatform: spec.osPlatform,
        online,
        managed: spec.managed ?? true,
        machineTags: [...(spec.machineTags ?? [])],
        firstSeenMs: firstSeen ?? startMs - 180 * 86_400_000,
        lastSeenMs: lastSeen ?? (online ? startMs : startMs - 86_400_000),
        healthStatus: spec.healthStatus,
        osVersion: spec.osVersion ?? null,
        lastIpAddress: spec.lastIpAddress ?? ipFromId(spec.id),
        lastExternalIpAddress: spec.lastExternalIpAddress ?? DEFAULT_EXTERNAL_IP,
        rbacGroupName: spec.rbacGroupName ?? "UNASSIGNED GROUP",
        riskScore: spec.riskScore ?? "None",
        exposureLevel: spec.exposureLevel ?? "Low",
        isolation: { isolated: false, isolationType: null, changedAt: null, byActionId: null },
    };
}

export class DefenderState {
    readonly machines = new Map<string, MachineRecord>();
    readonly actions = new Map<string, ActionRecord>();
    /** By lower-cased id. */
    readonly alerts = new Map<string, AlertRecord>();
    readonly incidents = new Map<number, IncidentRecord>();
    private readonly byMachine = new Map<string, ActionRecord[]>();
    private readonly versions = new Map<string, number>();
    private readonly queue = new EventQueue();

    constructor(devices: readonly DeviceSpec[], startMs: number, alerts: readonly AlertSpec[] = [], incidents: readonly IncidentSpec[] = []) {
        for (const spec of devices) this.machines.set(spec.id, machineFromSpec(spec, startMs));
        for (const spec of alerts) this.addAlert(alertFromSpec(spec, startMs));
        for (const spec of incidents) this.setIncident(spec);
    }

    addAlert(alert: AlertRecord): void {
        this.alerts.set(alert.id.toLowerCase(), alert);
        if (!this.incidents.has(alert.incidentId))
            this.incidents.set(alert.incidentId, { incidentId: alert.incidentId, incidentName: null, status: "Active", severity: null });
    }

    setIncident(spec: IncidentSpec): void {
        this.incidents.set(spec.incidentId, {
            incidentId: spec.incidentId,
            incidentName: spec.incidentName ?? null,
            status: spec.status ?? "Active",
            severity: spec.severity ?? null,
        });
    }

    /** The alerts of an incident, oldest first. */
    alertsOf(incidentId: number): AlertRecord[] {
        return [...this.alerts.values()].filter((a) => a.incidentId === incidentId).sort((a, b) => a.createdAt - b.createdAt);
    }

    updateMachine(machine: MachineRecord, patch: MachinePatch): void {
        if (patch.machineTags !== undefined) machine.machineTags = [...patch.machineTags];
        if (patch.rbacGroupName !== undefined) machine.rbacGroupName = patch.rbacGroupName;
        if (patch.lastIpAddress !== undefined) machine.lastIpAddress = patch.lastIpAddress;
        if (patch.lastExternalIpAddress !== undefined) machine.lastExternalIpAddress = patch.lastExternalIpAddress;
    }

    /** Applies every lifecycle transition due at or before `now`. */
    advance(now: number): void {
        for (let ev = this.queue.peek(); ev !== undefined && ev.at <= now; ev = this.queue.peek()) {
            this.queue.pop();
            const action = this.actions.get(ev.actionId);
            if (action === undefined || this.versions.get(action.id) !== ev.version) continue;
            this.applyDue(action, ev.at);
            this.schedule(action);
        }
    }

    machineById(id: string): MachineRecord | undefined {
        return this.machines.get(id.toLowerCase());
    }

    /** Exact, case-insensitive name match; never a substring. */
    machinesByName(name: string): MachineRecord[] {
        const wanted = name.toLowerCase();
        return [...this.machines.values()].filter((m) => m.computerDnsName.toLowerCase() === wanted);
    }

    /** By id, else by name; for a name shared by several records, the most recently seen one. */
    findMachine(idOrName: string, now: number): MachineRecord | undefined {
        const byId = this.machineById(idOrName);
        if (byId) return byId;
        const seen = (m: MachineRecord): number => (m.online ? now : m.lastSeenMs);
        return this.machinesByName(idOrName).sort((a, b) => seen(b) - seen(a))[0];
    }

    actionsOf(machineId: string): readonly ActionRecord[] {
        return this.byMachine.get(machineId) ?? [];
    }

    /** The newest unfinished action of a type on a device. */
    activeAction(machineId: string, type: ActionType): ActionRecord | undefined {
        return [...this.actionsOf(machineId)].reverse().find((a) => a.type === type && !isFinal(a.status));
    }

    createAction(input: NewActionInput, config: EmulatorConfig): ActionRecord {
        const { machine, now } = input;
        const action: ActionRecord = {
            id: newGuid(),
            type: input.type,
            requestedScope: input.scope,
            machineId: machine.id,
            computerDnsName: machine.computerDnsName,
            requestor: input.requestor,
            requestorComment: input.comment,
            requestSource: "PublicApi",
            createdAt: now,
            lastUpdateAt: now,
            status: "Pending",
            // Unmanaged devices are contained by their onboarded neighbours, so their own sensor is irrelevant.
            dispatchedAt: machine.online || !machine.managed ? now : null,
            inProgressAt: null,
            toInProgressMs: config.actionDelays.toInProgressMs,
            toSucceededMs: config.actionDelays.toSucceededMs,
            timeoutAt: now + config.offlineTimeoutMs,
            cancellationRequestor: null,
            cancellationComment: null,
            cancellationAt: null,
            errorHResult: 0,
        };
        this.register(action);
        this.schedule(action);
        return action;
    }

    /** An action done outside the API (the portal): created already Succeeded, effect applied at once. */
    createSucceededAction(input: NewActionInput): ActionRecord {
        const { now } = input;
        const action: ActionRecord = {
            id: newGuid(),
            type: input.type,
            requestedScope: input.scope,
            machineId: input.machine.id,
            computerDnsName: input.machine.computerDnsName,
            requestor: input.requestor,
            requestorComment: input.comment,
            requestSource: "Portal",
            createdAt: now,
            lastUpdateAt: now,
            status: "Succeeded",
            dispatchedAt: now,
            inProgressAt: now,
            toInProgressMs: 0,
            toSucceededMs: 0,
            timeoutAt: now,
            cancellationRequestor: null,
            cancellationComment: null,
            cancellationAt: null,
            errorHResult: 0,
        };
        this.register(action);
        this.applyEffect(action, now);
        return action;
    }

    /** Changes isolation without any action: what the local force-release tool or firewall edits do. */
    setIsolationTraceless(machine: MachineRecord, isolationType: IsolationType | null, now: number): void {
        machine.isolation = {
            isolated: isolationType !== null,
            isolationType,
            changedAt: toServiceTime(now),
            byActionId: null,
        };
    }

    cancel(action: ActionRecord, now: number, requestor: string, comment: string | null): void {
        action.status = "Cancelled";
        action.lastUpdateAt = now;
        action.cancellationRequestor = requestor;
        action.cancellationComment = comment;
        action.cancellationAt = now;
        this.schedule(action);
    }

    /** Moves an unfinished action to `status` now (control API); Succeeded applies its effect. */
    force(action: ActionRecord, status: ForcedStatus, now: number, requestor: string, comment: string | null): void {
        if (status === "Cancelled") {
            this.cancel(action, now, requestor, comment);
            return;
        }
        action.status = status;
        action.lastUpdateAt = now;
        if (status === "InProgress") {
            action.dispatchedAt ??= now;
            action.inProgressAt = now;
        } else if (status === "Failed") {
            action.errorHResult = FAILED_HRESULT;
        } else if (status === "Succeeded") {
            this.applyEffect(action, now);
        }
        this.schedule(action);
    }

    setOnline(machine: MachineRecord, online: boolean, now: number): void {
        if (machine.online === online) return;
        machine.online = online;
        if (!online) machine.lastSeenMs = now;
        if (!machine.managed) return;
        for (const action of this.actionsOf(machine.id)) {
            if (action.status !== "Pending") continue;
            if (online && action.dispatchedAt === null) {
                action.dispatchedAt = now;
                this.schedule(action);
            } else if (!online && action.dispatchedAt !== null) {
                // Not yet picked up by the sensor: it waits again, still bounded by its original timeout.
                action.dispatchedAt = null;
                action.timeoutAt = Math.max(action.timeoutAt, now);
                this.schedule(action);
            }
        }
    }

    addMachine(machine: MachineRecord): void {
        this.machines.set(machine.id, machine);
    }

    /** Removes the device; its actions stay readable, and finish without effect. */
    deleteMachine(id: string): boolean {
        return this.machines.delete(id.toLowerCase());
    }

    /** Forgets an action, as Defender's retention does: GET answers 404, listings omit it. */
    purge(id: string): boolean {
        const action = this.actions.get(id);
        if (action === undefined) return false;
        this.actions.delete(id);
        this.versions.delete(id);
        const list = (this.byMachine.get(action.machineId) ?? []).filter((a) => a.id !== id);
        this.byMachine.set(action.machineId, list);
        return true;
    }

    private register(action: ActionRecord): void {
        this.actions.set(action.id, action);
        const list = this.byMachine.get(action.machineId) ?? [];
        list.push(action);
        this.byMachine.set(action.machineId, list);
    }

    private nextEventAt(action: ActionRecord): number | null {
        if (action.status === "Pending") {
            return action.dispatchedAt !== null ? action.dispatchedAt + action.toInProgressMs : action.timeoutAt;
        }
        if (action.status === "InProgress") return (action.inProgressAt ?? action.lastUpdateAt) + action.toSucceededMs;
        return null;
    }

    private schedule(action: ActionRecord): void {
        const version = (this.versions.get(action.id) ?? 0) + 1;
        this.versions.set(action.id, version);
        const at = this.nextEventAt(action);
        if (at !== null) this.queue.push({ at, actionId: action.id, version });
    }

    private applyDue(action: ActionRecord, at: number): void {
        if (action.status === "Pending") {
            if (action.dispatchedAt !== null) {
                action.status = "InProgress";
                action.inProgressAt = at;
            } else {
                action.status = "TimeOut";
            }
            action.lastUpdateAt = at;
        } else if (action.status === "InProgress") {
            action.status = "Succeeded";
            action.lastUpdateAt = at;
            this.applyEffect(action, at);
        }
    }

    private applyEffect(action: ActionRecord, at: number): void {
        const machine = this.machines.get(action.machineId);
        if (machine === undefined) return;
        const isolationType = action.type === "Isolate" ? (action.requestedScope ?? "Full") : null;
        machine.isolation = {
            isolated: isolationType !== null,
            isolationType,
            changedAt: toServiceTime(at),
            byActionId: action.id,
        };
    }
}
