// The emulator's state and diagnostics (faults, request log), and every control operation on them.
// Operations answer Results; the control API turns failures into JSON errors over HTTP and into
// EmulatorControlError in process.
import { rolesFor } from "../base/appRoles";
import { isRecord } from "../base/checks";
import { EmulatorClock, toServiceTime } from "../base/clock";
import { Result, fail, ok } from "../base/result";
import { DEFAULT_AUDIENCE, EmulatorConfig, ISOLATION_TYPES, IsolationType } from "../base/runtimeOptions";
import { applyConfigPatch } from "../base/runtimeOptionsValidation";
import { DefenderState, FORCED_STATUSES, ForcedStatus, MachinePatch, alertFromSpec, isFinal, machineFromSpec } from "../defender/defenderState";
import { AlertJson, MachineActionJson } from "../defender/models";
import { RateLimiter } from "../defender/rateLimiter";
import { actionToJson, alertToJson, machineToJson } from "../defender/serialize";
import { TokenStore } from "../entra/tokenStore";
import { AlertSpec, IncidentSpec, validateAlertSpec } from "../fleet/alertSpec";
import { DeviceSpec, validateDeviceSpec } from "../fleet/deviceSpec";
import {
    ControlError,
    EmulatorState,
    ForceActionOptions,
    IssueTokenOptions,
    MachineStateView,
    OutOfBandIsolateOptions,
    OutOfBandResult,
} from "./controlShapes";
import { Fault, FaultSet, validateFault } from "./faults";
import { RequestLog, RequestLogEntry } from "./requestLog";

export interface CoreInit {
    config: EmulatorConfig;
    devices: DeviceSpec[];
    alerts?: AlertSpec[];
    incidents?: IncidentSpec[];
    clock: EmulatorClock;
    requestLogLimit: number;
    onRequest?: (entry: RequestLogEntry) => void;
}

export const REDACTED = "(redacted)";

const invalid = (message: string): ControlError => ({ status: 400, code: "InvalidInput", message });
const notFound = (message: string): ControlError => ({ status: 404, code: "NotFound", message });

function optionalString(o: Record<string, unknown>, key: string, errors: string[]): string | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v === "") errors.push(`${key}: must be a non-empty string`);
    return typeof v === "string" ? v : undefined;
}

export class EmulatorCore {
    config: EmulatorConfig;
    state: DefenderState;
    readonly tokens = new TokenStore();
    readonly limiter = new RateLimiter();
    readonly faults = new FaultSet();
    readonly log: RequestLog;
    readonly clock: EmulatorClock;
    readonly onRequest: ((entry: RequestLogEntry) => void) | undefined;
    private readonly initialConfig: EmulatorConfig;
    private readonly devices: DeviceSpec[];
    private readonly alertSpecs: AlertSpec[];
    private readonly incidentSpecs: IncidentSpec[];
    private readonly startMs: number;

    constructor(init: CoreInit) {
        this.clock = init.clock;
        this.startMs = this.clock.now();
        this.initialConfig = structuredClone(init.config);
        this.config = structuredClone(init.config);
        this.devices = init.devices;
        this.alertSpecs = init.alerts ?? [];
        this.incidentSpecs = init.incidents ?? [];
        this.state = new DefenderState(this.devices, this.startMs, this.alertSpecs, this.incidentSpecs);
        this.log = new RequestLog(init.requestLogLimit);
        this.onRequest = init.onRequest;
    }

    now(): number {
        return this.clock.now();
    }

    /**
     * Back to the start: fleet, no actions, config as started, no faults, empty request log, fresh rate
     * windows, clock offset 0. Issued tokens stay valid, so clients that cache tokens keep working.
     */
    reset(): void {
        this.clock.resetOffset();
        this.config = structuredClone(this.initialConfig);
        this.state = new DefenderState(this.devices, this.startMs, this.alertSpecs, this.incidentSpecs);
        this.limiter.clear();
        this.faults.clear();
        this.log.clear();
    }

    snapshot(): EmulatorState {
        const now = this.now();
        this.state.advance(now);
        return {
            now: toServiceTime(now),
            machines: [...this.state.machines.values()].map((m) => this.machineView(m.id, now) as MachineStateView),
            actions: [...this.state.actions.values()].map((a) => actionToJson(a, this.config)),
            alerts: [...this.state.alerts.values()].map((a) => alertToJson(a, this.state.machineById(a.machineId))),
        };
    }

    machineView(idOrName: string, now = this.now()): MachineStateView | undefined {
        this.state.advance(now);
        const m = this.state.findMachine(idOrName, now);
        if (m === undefined) return undefined;
        return { ...machineToJson(m, now), online: m.online, managed: m.managed, isolation: { ...m.isolation } };
    }

    actionView(id: string): MachineActionJson | undefined {
        this.state.advance(this.now());
        const a = this.state.actions.get(id.toLowerCase());
        return a === undefined ? undefined : actionToJson(a, this.config);
    }

    isolateOutOfBand(machineId: string, input: unknown): Result<OutOfBandResult, ControlError> {
        return this.outOfBand(machineId, input, "Isolate");
    }

    releaseOutOfBand(machineId: string, input: unknown): Result<OutOfBandResult, ControlError> {
        return this.outOfBand(machineId, input, "Unisolate");
    }

    /** As from the portal: a Succeeded action now, or (traceless) the device changed with no action at all. */
    private outOfBand(machineId: string, input: unknown, type: "Isolate" | "Unisolate"): Result<OutOfBandResult, ControlError> {
        if (input !== undefined && !isRecord(input)) return fail(invalid("body: must be an object"));
        const o = (input ?? {}) as Record<string, unknown> & OutOfBandIsolateOptions;
        const errors: string[] = [];
        const requestor = optionalString(o, "requestor", errors);
        const comment = optionalString(o, "comment", errors);
        if (type === "Isolate" && o.isolationType !== undefined && !(ISOLATION_TYPES as readonly unknown[]).includes(o.isolationType)) {
            errors.push(`isolationType: must be one of ${ISOLATION_TYPES.join(", ")}`);
        }
        if (o.traceless !== undefined && typeof o.traceless !== "boolean") errors.push("traceless: must be true or false");
        if (errors.length > 0) return fail(invalid(errors.join("; ")));
        const now = this.now();
        this.state.advance(now);
        const machine = this.state.machineById(machineId);
        if (machine === undefined) return fail(notFound(`machine ${machineId} does not exist`));
        const scope: IsolationType | null = type === "Unisolate" ? null : (o.isolationType ?? (machine.managed ? "Full" : "UnManagedDevice"));
        if (o.traceless) {
            this.state.setIsolationTraceless(machine, scope, now);
            return ok({ action: null, machine: this.machineView(machine.id, now) as MachineStateView });
        }
        const action = this.state.createSucceededAction({
            machine,
            type,
            scope,
            now,
            requestor: requestor ?? this.config.portalRequestor,
            comment: comment ?? (type === "Isolate" ? "Isolated from the portal" : "Released from the portal"),
        });
        return ok({ action: actionToJson(action, this.config), machine: this.machineView(machine.id, now) as MachineStateView });
    }

    forceAction(actionId: string, status: unknown, input: unknown): Result<MachineActionJson, ControlError> {
        if (!(FORCED_STATUSES as readonly unknown[]).includes(status)) {
            return fail(invalid(`status: must be one of ${FORCED_STATUSES.join(", ")}`));
        }
        if (input !== undefined && !isRecord(input)) return fail(invalid("options: must be an object"));
        const o = (input ?? {}) as Record<string, unknown> & ForceActionOptions;
        const errors: string[] = [];
        const requestor = optionalString(o, "requestor", errors);
        const comment = optionalString(o, "comment", errors);
        if (errors.length > 0) return fail(invalid(errors.join("; ")));
        const now = this.now();
        this.state.advance(now);
        const action = this.state.actions.get(actionId.toLowerCase());
        if (action === undefined) return fail(notFound(`action ${actionId} does not exist`));
        if (isFinal(action.status)) {
            return fail({ status: 409, code: "Conflict", message: `action ${action.id} is already ${action.status}; only unfinished actions can be forced` });
        }
        this.state.force(action, status as ForcedStatus, now, requestor ?? this.config.portalRequestor, comment ?? null);
        return ok(actionToJson(action, this.config));
    }

    setOnline(machineId: string, online: unknown): Result<MachineStateView, ControlError> {
        if (typeof online !== "boolean") return fail(invalid("online: must be true or false"));
        const now = this.now();
        this.state.advance(now);
        const machine = this.state.machineById(machineId);
        if (machine === undefined) return fail(notFound(`machine ${machineId} does not exist`));
        this.state.setOnline(machine, online, now);
        return ok(this.machineView(machine.id, now) as MachineStateView);
    }

    addMachine(spec: unknown): Result<MachineStateView, ControlError> {
        const r = validateDeviceSpec(spec, "machine");
        if (!r.ok) return fail(invalid(r.error.join("; ")));
        if (this.state.machineById(r.value.id)) return fail({ status: 409, code: "Conflict", message: `machine ${r.value.id} already exists` });
        const now = this.now();
        this.state.addMachine(machineFromSpec(r.value, now));
        return ok(this.machineView(r.value.id, now) as MachineStateView);
    }

    /** Changes a device's tags, group or addresses (what an admin does in the portal). */
    updateMachine(machineId: string, input: unknown): Result<MachineStateView, ControlError> {
        if (!isRecord(input)) return fail(invalid("body: must be an object such as { machineTags: [...] }"));
        const errors: string[] = [];
        const patch: MachinePatch = {};
        for (const key of Object.keys(input)) {
            if (!["machineTags", "rbacGroupName", "lastIpAddress", "lastExternalIpAddress"].includes(key))
                errors.push(`${key}: cannot be changed; known fields: machineTags, rbacGroupName, lastIpAddress, lastExternalIpAddress`);
        }
        if (input.machineTags !== undefined) {
            if (!Array.isArray(input.machineTags) || !input.machineTags.every((t) => typeof t === "string"))
                errors.push("machineTags: must be a list of strings");
            else patch.machineTags = input.machineTags;
        }
        for (const key of ["rbacGroupName", "lastIpAddress", "lastExternalIpAddress"] as const) {
            const v = optionalString(input, key, errors);
            if (v !== undefined) patch[key] = v;
        }
        if (errors.length > 0) return fail(invalid(errors.join("; ")));
        const machine = this.state.machineById(machineId);
        if (machine === undefined) return fail(notFound(`machine ${machineId} does not exist`));
        this.state.updateMachine(machine, patch);
        return ok(this.machineView(machine.id) as MachineStateView);
    }

    /** A new alert on a device of the fleet (its incident is created when unknown). */
    addAlert(spec: unknown): Result<AlertJson, ControlError> {
        const r = validateAlertSpec(spec, "alert");
        if (!r.ok) return fail(invalid(r.error.join("; ")));
        if (this.state.alerts.has(r.value.id.toLowerCase())) return fail({ status: 409, code: "Conflict", message: `alert ${r.value.id} already exists` });
        if (this.state.machineById(r.value.machineId) === undefined) return fail(notFound(`machine ${r.value.machineId} does not exist`));
        const alert = alertFromSpec(r.value, this.now());
        this.state.addAlert(alert);
        return ok(alertToJson(alert, this.state.machineById(alert.machineId)));
    }

    deleteMachine(machineId: string): Result<null, ControlError> {
        this.state.advance(this.now());
        return this.state.deleteMachine(machineId) ? ok(null) : fail(notFound(`machine ${machineId} does not exist`));
    }

    injectFault(spec: unknown): Result<Fault, ControlError> {
        const r = validateFault(spec);
        return r.ok ? ok(this.faults.add(r.value)) : fail(invalid(r.error.join("; ")));
    }

    configure(patch: unknown): Result<EmulatorConfig, ControlError> {
        this.state.advance(this.now());
        const r = applyConfigPatch(this.config, patch);
        if (!r.ok) return fail(invalid(r.error.join("; ")));
        this.config = r.value;
        return ok(this.configView());
    }

    /** The effective config, with client secrets redacted: config views are not a way to read secrets back. */
    configView(): EmulatorConfig {
        const view = structuredClone(this.config);
        if (view.clients !== null) view.clients = view.clients.map((c) => ({ ...c, clientSecret: REDACTED }));
        return view;
    }

    advanceClock(ms: unknown): Result<string, ControlError> {
        if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > 366 * 86_400_000) {
            return fail(invalid("ms: must be an integer number of milliseconds from 0 to one year"));
        }
        this.clock.advance(ms);
        return ok(toServiceTime(this.now()));
    }

    issueToken(input: unknown): Result<{ access_token: string; expires_in: number; token_type: "Bearer" }, ControlError> {
        if (input !== undefined && !isRecord(input)) return fail(invalid("options: must be an object"));
        const o = (input ?? {}) as Record<string, unknown> & IssueTokenOptions;
        const errors: string[] = [];
        const tenantId = optionalString(o, "tenantId", errors) ?? "00000000-0000-0000-0000-000000000001";
        const clientId = optionalString(o, "clientId", errors) ?? "emulator-test-client";
        const scope = optionalString(o, "scope", errors) ?? DEFAULT_AUDIENCE;
        const lifetime = o.lifetimeSeconds ?? this.config.tokenLifetimeSeconds;
        if (typeof lifetime !== "number" || !Number.isInteger(lifetime) || lifetime < 1 || lifetime > 86400) {
            errors.push("lifetimeSeconds: must be an integer from 1 to 86400");
        }
        const roles = o.roles === undefined ? rolesFor(this.config.appRoles, clientId) : o.roles;
        if (!Array.isArray(roles) || !roles.every((r) => typeof r === "string" && r !== ""))
            errors.push('roles: must be a list of role names such as ["Machine.Read.All"]');
        if (errors.length > 0) return fail(invalid(errors.join("; ")));
        const t = this.tokens.issue(tenantId, clientId, scope, lifetime, this.now(), roles);
        return ok({ access_token: t.token, expires_in: lifetime, token_type: "Bearer" });
    }
}
