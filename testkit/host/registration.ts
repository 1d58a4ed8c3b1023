// Runs a Pulumi program against the SDK's mock monitor and records what the engine would receive:
// every resource registration (inputs in wire form, including the serialized `__provider` text) and
// the stack outputs. Dynamic providers never run here; feed the captured inputs to a ProviderHost.
//
// setMocks is process-global state. runProgram serialises runs, resets the SDK's settings and config
// on every run (setMocks resets options, the stack resource and pending registrations; setAllConfig
// replaces the config), waits for every outstanding registration before returning, and clears the
// config again afterwards.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { fromWire, urnFor, type PropertyMap } from "./providerHost";

/** A resource as the program registered it. */
export interface CapturedResource {
    readonly type: string;
    readonly name: string;
    /** The URN the engine gives it. */
    readonly urn: string;
    /** "" for the stack itself. */
    readonly parentUrn: string;
    readonly custom: boolean;
    /** Inputs as the provider sees them: plain JSON, secrets unwrapped; includes the `__provider` text of a dynamic resource. */
    readonly inputs: PropertyMap;
    /** Input paths the program marked secret ("__provider" when the provider captured a secret). */
    readonly secretInputs: string[];
    /** Inputs exactly as registered (secrets in wire form): pass these to ProviderHost calls for the engine's marshalling. */
    readonly wireInputs: PropertyMap;
    /** Explicit provider reference ("" = default provider). */
    readonly providerRef: string;
    /** URNs of the resources this one depends on. */
    readonly dependencies: string[];
    readonly options: RegisteredOptions;
}

/** The resource options the engine acts on that matter to a lifecycle. */
export interface RegisteredOptions {
    readonly protect: boolean | undefined;
    readonly retainOnDelete: boolean | undefined;
    readonly deleteBeforeReplace: boolean | undefined;
    readonly ignoreChanges: string[];
    readonly replaceOnChanges: string[];
    readonly additionalSecretOutputs: string[];
    readonly customTimeouts: { create: string; update: string; delete: string } | undefined;
}

export interface ProgramRun {
    /** Every registration except the stack, in registration order. */
    readonly resources: CapturedResource[];
    readonly stackUrn: string;
    /** Stack outputs, plain JSON (secrets unwrapped; unknowns are UNKNOWN in preview). */
    readonly outputs: PropertyMap;
    /** Output paths that are secret. */
    readonly secretOutputs: string[];
}

/** What the mock engine answers for one registration. */
export interface RegistrationAnswer {
    readonly id?: string;
    /** Outputs the program sees; wire-form secrets allowed. */
    readonly state?: Record<string, unknown>;
}

export interface ProgramOptions {
    /** @default "project" */
    readonly project?: string;
    /** @default "stack" */
    readonly stack?: string;
    /** Stack config as in Pulumi.<stack>.yaml; a key without namespace belongs to the project ("key" → "<project>:key"). */
    readonly config?: Record<string, string>;
    /** Config keys that are secret (same spelling as in `config`). */
    readonly secretKeys?: string[];
    /**
     * Run as `pulumi preview`.
     * @default false
     */
    readonly preview?: boolean;
    /**
     * The engine's answer per custom resource.
     * @default id "<name>-id" (unknown in preview) and the inputs as outputs, as the engine does for a dynamic resource whose create returns its inputs
     */
    readonly answer?: (resource: CapturedResource) => RegistrationAnswer;
    /**
     * Bound on the program and on draining its registrations, in milliseconds.
     * @default 10000
     */
    readonly timeoutMs?: number;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The monitor surface runProgram hooks into; the SDK's mock monitor has these methods. */
interface HookableMonitor {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: RegisterRequest, cb: (...args: unknown[]) => void): unknown;
    registerResourceOutputs(req: { getUrn(): string; getOutputs(): StructLike | undefined }, cb: (...args: unknown[]) => void): unknown;
}

interface StructLike {
    toJavaScript(): Record<string, unknown>;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): StructLike | undefined;
    getProvider(): string;
    getDependenciesList(): string[];
    getProtect?(): boolean;
    hasProtect?(): boolean;
    getRetainondelete?(): boolean;
    hasRetainondelete?(): boolean;
    getDeletebeforereplace(): boolean;
    getDeletebeforereplacedefined(): boolean;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs `program` as the language host would (inside the root stack) and returns registrations and stack outputs. */
export function runProgram(program: () => unknown, opts: ProgramOptions = {}): Promise<ProgramRun> {
    if (typeof program !== "function") {
        return Promise.reject(new TypeError("runProgram: program must be a function; wrap a module with programFromModule(path)"));
    }
    const run = queue.then(() => runExclusive(program, opts));
    queue = run.catch(() => undefined);
    return run;
}

/** The registrations of `program`, without the stack. */
export async function captureRegistrations(program: () => unknown, opts: ProgramOptions = {}): Promise<CapturedResource[]> {
    return (await runProgram(program, opts)).resources;
}

/**
 * A program that loads a CommonJS module afresh on each run, as the language host does: the module's
 * exports are the stack outputs, or its result when it exports a function.
 */
export function programFromModule(modulePath: string): () => unknown {
    const resolved = require.resolve(path.resolve(modulePath));
    return () => {
        delete require.cache[resolved];
        const exported = require(resolved) as unknown;
        return typeof exported === "function" ? (exported as () => unknown)() : exported;
    };
}

async function runExclusive(program: () => unknown, opts: ProgramOptions): Promise<ProgramRun> {
    const project = opts.project ?? "project";
    const stack = opts.stack ?? "stack";
    const preview = opts.preview ?? false;
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const config = namespaced(opts.config ?? {}, project);
    const secretKeys = (opts.secretKeys ?? []).map((k) => qualify(k, project));
    for (const key of secretKeys) {
        if (!(key in config)) {
            throw new TypeError(`runProgram: secret key "${key}" is not in config; list only keys you pass`);
        }
    }
    const resources: CapturedResource[] = [];
    let current: CapturedResource | undefined;
    let stackUrn = "";
    let wireOutputs: Record<string, unknown> = {};

    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                if (args.type === STACK_TYPE || current === undefined || !args.custom) {
                    return { id: undefined, state: {} };
                }
                const answer = opts.answer?.(current) ?? {};
                return { id: answer.id ?? (preview ? undefined : `${args.name}-id`), state: answer.state ?? (args.inputs as Record<string, unknown>) };
            },
            call: (args) => args.inputs as Record<string, unknown>,
        },
        project,
        stack,
        preview,
    );
    pulumi.runtime.setAllConfig(config, secretKeys);

    const monitor = pulumi.runtime.getMonitor() as unknown as HookableMonitor;
    monitor.newUrn = (parent, type, name) => urnFor(type, name, project, stack, parent ? parent.split("::")[2] : undefined);
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        const captured = capture(req, monitor);
        if (captured.type === STACK_TYPE) {
            stackUrn = captured.urn;
        } else {
            resources.push(captured);
        }
        current = captured;
        try {
            return registerResource(req, cb);
        } finally {
            current = undefined;
        }
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
        if (req.getUrn() === stackUrn) {
            wireOutputs = req.getOutputs()?.toJavaScript() ?? {};
        }
        return registerOutputs(req, cb);
    };

    const stray: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
        if (!stray.includes(reason)) {
            stray.push(reason);
        }
    };
    process.on("unhandledRejection", onUnhandled);
    try {
        let failed: { error: unknown } | undefined;
        try {
            await bounded(
                pulumi.runtime.runInPulumiStack(async () => await program()),
                timeoutMs,
                "the program did not finish",
            );
        } catch (err) {
            failed = { error: err };
        }
        try {
            await bounded(pulumi.runtime.disconnect(), timeoutMs, "registrations did not drain");
        } catch (err) {
            failed ??= { error: err };
        }
        // Rejections nobody awaited (e.g. a throwing apply) are reported a turn later; collect them here.
        await nextTurn();
        await nextTurn();
        if (failed !== undefined) {
            throw failed.error;
        }
        if (stray.length > 0) {
            throw stray[0] instanceof Error ? stray[0] : new Error(`the program failed: ${String(stray[0])}`);
        }
    } finally {
        process.off("unhandledRejection", onUnhandled);
        // Leave no stack config behind for code that runs after this program.
        pulumi.runtime.setAllConfig({}, []);
    }
    const outputs = fromWire(wireOutputs);
    return { resources, stackUrn, outputs: outputs.properties, secretOutputs: outputs.secretPaths };
}

function capture(req: RegisterRequest, monitor: HookableMonitor): CapturedResource {
    const wireInputs = req.getObject()?.toJavaScript() ?? {};
    const plain = fromWire(wireInputs);
    const timeouts = req.getCustomtimeouts();
    return {
        type: req.getType(),
        name: req.getName(),
        urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
        parentUrn: req.getParent(),
        custom: req.getCustom(),
        inputs: plain.properties,
        secretInputs: plain.secretPaths,
        wireInputs,
        providerRef: req.getProvider(),
        dependencies: req.getDependenciesList(),
        options: {
            protect: req.hasProtect?.() ? req.getProtect?.() : undefined,
            retainOnDelete: req.hasRetainondelete?.() ? req.getRetainondelete?.() : undefined,
            deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            customTimeouts:
                timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())
                    ? { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() }
                    : undefined,
        },
    };
}

function namespaced(config: Record<string, string>, project: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
        if (typeof v !== "string") {
            throw new TypeError(`runProgram: config["${k}"] must be text, as in Pulumi.<stack>.yaml; JSON-encode structured values`);
        }
        out[qualify(k, project)] = v;
    }
    return out;
}

function qualify(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

async function bounded<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`runProgram: ${what} within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
        return await Promise.race([work, timeout]);
    } finally {
        clearTimeout(timer);
    }
}

function nextTurn(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
}
