/**
 * A fault rig: the emulator, provider hosts started and configured as the engine does, and a ledger
 * that records every answer as the engine's state would, so the invariants can be checked after any
 * scenario. Each engine command (`pulumi up`, `refresh`, `destroy`) runs in a host that served no
 * other command of the scenario, as the engine starts one host per command.
 *
 * Operations never throw on a provider error: they return it as data and record it.
 */
import { DeviceIsolation, type DeviceIsolationArgs } from "../../provider";
import { startEmulator, type RunningEmulator } from "../../emulator";
import type { EmulatorOptions, Fault, FaultSpec } from "../../emulator";
import { seamEnv, type FaultSeams } from "./faultSeams";
import { assertInvariants, Ledger, type InvariantReport, type OperationRecord } from "./invariants";
import { ProviderCallError, startProviderHost, urnFor, type PropertyMap, type ProviderHost } from "../host/providerHost";
import { captureRegistrations } from "../host/registration";
import { CLIENT_ID, CLIENT_SECRET, FAST_EMULATOR, REPO_ROOT, RESOURCE_TYPE, stackConfig } from "../world";
import { faultStats } from "./faultStats";

/** Retry clocks for fault tests: fast GET backoff, and 1 s after a 429 without Retry-After. Retry counts stay the product's. */
export const FAST_SEAMS: FaultSeams = { retry: { backoffBaseMs: 20, backoffMaxMs: 200, defaultRetryAfterSeconds: 1 } };

/** `defender:requestTimeoutSeconds` of the fault rigs (the product's default is 30). */
export const FAST_TIMEOUT_SECONDS = 0.7;

/** Longer than the rigs' request timeout: a `delay` fault of this length times the request out. */
export const HANG_MS = 1300;

export interface RigOptions {
    /** Emulator options over FAST_EMULATOR. */
    emulator?: EmulatorOptions;
    /** `defender:*` config over the world's and the rig's request timeout (keys without namespace). */
    config?: Record<string, string>;
    /** @default FAST_SEAMS */
    seams?: FaultSeams;
    /** Extra host environment. */
    env?: NodeJS.ProcessEnv;
    /** gRPC deadline of each call. @default 60000 */
    callTimeoutMs?: number;
}

/** What one provider call ended as. */
export type OpResult = { ok: true; id: string; properties: PropertyMap; op: OperationRecord } | { ok: false; error: ProviderCallError; op: OperationRecord };

/** One engine command: a configured provider host, and the engine's steps for one resource. */
export interface Command {
    readonly host: ProviderHost;
    /** Register (one program run), Check, then Create, as `pulumi up` does for a new resource. */
    create(name: string, args: DeviceIsolationArgs): Promise<OpResult>;
    read(name: string): Promise<OpResult>;
    /** Deletes the resource state holds under `name`; `override` changes stored properties first (e.g. waitForCompletion). */
    delete(name: string, override?: PropertyMap): Promise<OpResult>;
    /** The first line the host prints during this command that matches (bounded wait). */
    nextLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export interface Rig {
    readonly emulator: RunningEmulator;
    readonly ledger: Ledger;
    /**
     * Runs `fn` as one engine command, in a configured host that has served no other command of this
     * scenario (so no memory of it: no adopted ids, no waits). Hosts are reused across scenarios to
     * save their start-up; `fresh` starts a new one (no cached token either) and stops it after.
     */
    command<T>(fn: (cmd: Command) => Promise<T>, opts?: { fresh?: boolean }): Promise<T>;
    /** A new, configured host the caller stops (or kills); its output counts for this scenario. */
    startHost(): Promise<ProviderHost>;
    /** Wraps a host the caller manages as a Command. */
    commandOn(host: ProviderHost): Command;
    /** Inputs the program registers for these declarations (one program run, `__provider` included). */
    register(declarations: ReadonlyArray<[string, DeviceIsolationArgs]>): Promise<Map<string, PropertyMap>>;
    /** Injects an emulator fault (the report counts those that shaped a request). */
    inject(fault: FaultSpec): Fault;
    /** Emulator back to its start and an empty ledger: a new scenario. */
    reset(): void;
    /** Every line the hosts of this scenario printed. */
    hostOutput(): string[];
    /** Checks the five invariants now; fails with every violation. */
    assertInvariants(): InvariantReport;
    stop(): Promise<void>;
}

const GRPC_UNKNOWN = 2;

export async function startRig(opts: RigOptions = {}): Promise<Rig> {
    const emulator = await startEmulator({ ...FAST_EMULATOR, ...opts.emulator });
    const config = stackConfig(emulator, { requestTimeoutSeconds: String(FAST_TIMEOUT_SECONDS), ...opts.config });
    const env = { NODE_EXTRA_CA_CERTS: emulator.caCertPath, ...seamEnv(opts.seams ?? FAST_SEAMS), ...opts.env };
    const hosts: ProviderHost[] = [];
    let ledger = new Ledger(() => emulator.now().getTime());
    /** Configured hosts waiting for a command; a host serves at most one command per scenario. */
    const idle: ProviderHost[] = [];
    let servedThisScenario = new Set<ProviderHost>();
    /** Output lines each host had printed when the scenario began: only later lines are this scenario's. */
    let outputFrom = new Map<ProviderHost, number>();
    const registered = new Map<string, PropertyMap>();

    const launch = async (): Promise<ProviderHost> => {
        const host = await startProviderHost({ cwd: REPO_ROOT, env, callTimeoutMs: opts.callTimeoutMs ?? 60_000 });
        hosts.push(host);
        await host.configure(config, ["defender:clientSecret"]);
        return host;
    };
    const take = async (fresh: boolean): Promise<ProviderHost> => {
        const i = fresh ? -1 : idle.findIndex((h) => !servedThisScenario.has(h));
        const host = i >= 0 ? idle.splice(i, 1)[0] : await launch();
        servedThisScenario.add(host);
        if (!outputFrom.has(host)) outputFrom.set(host, host.stdout().length + host.stderr().length);
        return host;
    };
    const linesOf = (h: ProviderHost) => [...h.stdout(), ...h.stderr()].slice(outputFrom.get(h) ?? 0);

    const register = async (declarations: ReadonlyArray<[string, DeviceIsolationArgs]>) => {
        const todo = declarations.filter(([name, args]) => !registered.has(JSON.stringify([name, args])));
        if (todo.length > 0) {
            const resources = await captureRegistrations(() => {
                for (const [name, args] of todo) new DeviceIsolation(name, args);
            });
            todo.forEach(([name, args]) => {
                const r = resources.find((x) => x.type === RESOURCE_TYPE && x.name === name);
                if (!r) throw new Error(`${name} was not registered`);
                registered.set(JSON.stringify([name, args]), r.inputs);
            });
        }
        const out = new Map<string, PropertyMap>();
        for (const [name, args] of declarations) out.set(name, registered.get(JSON.stringify([name, args])) as PropertyMap);
        return out;
    };

    const urn = (name: string) => urnFor(RESOURCE_TYPE, name);
    const failure = (op: OperationRecord, e: unknown): OpResult => {
        if (!(e instanceof ProviderCallError)) throw e;
        if (e.initFailure) {
            // The engine records a resource that failed to initialise, with the id and properties given.
            ledger.recorded(op, e.initFailure.id, e.initFailure.properties, "recorded");
            ledger.noteError(op, e.message, e.details);
        } else {
            // gRPC UNKNOWN carries an error the provider threw; anything else is the host dying or not answering.
            ledger.failed(op, e.message, e.details, e.code === GRPC_UNKNOWN);
        }
        return { ok: false, error: e, op };
    };

    const deviceNames = (entry: { properties: PropertyMap }) =>
        [entry.properties.computerDnsName].filter((n): n is string => typeof n === "string" && n !== "");

    const commandOn = (host: ProviderHost): Command => {
        const from = { out: host.stdout().length, err: host.stderr().length };
        const nextLine = async (pattern: RegExp, timeoutMs = 20_000): Promise<string> => {
            const deadline = Date.now() + timeoutMs;
            for (;;) {
                const hit = [...host.stdout().slice(from.out), ...host.stderr().slice(from.err)].find((l) => pattern.test(l));
                if (hit !== undefined) return hit;
                if (Date.now() > deadline) throw new Error(`no host line matching ${pattern} within ${timeoutMs} ms`);
                await new Promise((resolve) => setTimeout(resolve, 20));
            }
        };
        const create = async (name: string, args: DeviceIsolationArgs): Promise<OpResult> => {
            const inputs = (await register([[name, args]])).get(name) as PropertyMap;
            ledger.answers.push(inputs);
            const machine = emulator.machine([args.machineId, args.computerDnsName].find((v): v is string => typeof v === "string") ?? "");
            const machineId = typeof args.machineId === "string" ? args.machineId.toLowerCase() : (machine?.id ?? "");
            const names = typeof args.computerDnsName === "string" ? [args.computerDnsName] : [machine?.computerDnsName ?? ""].filter((n) => n !== "");
            const op = ledger.begin("create", name, machineId, names);
            try {
                const checked = await host.check(urn(name), {}, inputs);
                if (checked.failures.length > 0) {
                    ledger.failed(op, `check: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`, undefined, false);
                    return { ok: false, error: new ProviderCallError(op.error as string, "check", 0, "", undefined), op };
                }
                const created = await host.create(urn(name), checked.inputs);
                ledger.recorded(op, created.id, created.properties);
                return { ok: true, id: created.id, properties: created.properties, op };
            } catch (e) {
                return failure(op, e);
            }
        };
        const read = async (name: string): Promise<OpResult> => {
            const entry = ledger.state.get(name);
            if (!entry) throw new Error(`read: state holds no ${name}`);
            const op = ledger.begin("read", name, entry.machineId, deviceNames(entry), entry.id);
            try {
                const answer = await host.read(entry.id, urn(name), entry.properties);
                if (answer.id === "") ledger.removed(op, "gone");
                else ledger.recorded(op, answer.id, answer.properties);
                return { ok: true, id: answer.id, properties: answer.properties, op };
            } catch (e) {
                return failure(op, e);
            }
        };
        const remove = async (name: string, override: PropertyMap = {}): Promise<OpResult> => {
            const entry = ledger.state.get(name);
            if (!entry) throw new Error(`delete: state holds no ${name}`);
            const op = ledger.begin("delete", name, entry.machineId, deviceNames(entry), entry.id);
            try {
                await host.delete(entry.id, urn(name), { ...entry.properties, ...override });
                ledger.removed(op, "ok");
                return { ok: true, id: entry.id, properties: entry.properties, op };
            } catch (e) {
                return failure(op, e);
            }
        };
        return { host, nextLine, create, read, delete: remove };
    };

    return {
        emulator,
        get ledger() {
            return ledger;
        },
        async command(fn, commandOpts = {}) {
            const host = await take(commandOpts.fresh === true);
            try {
                return await fn(commandOn(host));
            } finally {
                if (commandOpts.fresh) await host.stop();
                else idle.push(host);
            }
        },
        async startHost() {
            return take(true);
        },
        inject(fault) {
            return emulator.injectFault(fault);
        },
        commandOn,
        register,
        reset() {
            emulator.reset();
            ledger = new Ledger(() => emulator.now().getTime());
            servedThisScenario = new Set();
            outputFrom = new Map(hosts.map((h) => [h, h.stdout().length + h.stderr().length]));
            faultStats.scenarios++;
        },
        hostOutput() {
            return [...servedThisScenario].flatMap(linesOf);
        },
        assertInvariants() {
            const report = assertInvariants({
                emulator,
                ledger,
                hostOutput: [...servedThisScenario].flatMap(linesOf),
                clientId: CLIENT_ID,
                secrets: [CLIENT_SECRET],
            });
            faultStats.invariantChecks += report.checks;
            faultStats.invariantRuns++;
            // Faults that shaped a request, as the emulator's log records them.
            faultStats.faultsInjected += emulator.requests().filter((r) => r.fault !== null).length;
            return report;
        },
        async stop() {
            await Promise.all(hosts.map((h) => h.stop()));
            await emulator.stop();
        },
    };
}
