// Drives the real Node.js dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC the way
// the Pulumi engine does, so lifecycle tests run real serialization, a fresh process and real marshalling
// without the Pulumi CLI. Engine behaviour mirrored here was read from the engine's Go sources
// (sdk/go/common/resource/plugin/{provider_plugin,plugin,host,rpc}.go, pkg/resource/deploy/target.go).
//
// What the host's output looks like (checked against @pulumi/pulumi 3.270.0):
// - stdout line 1 is the port; the engine reads it and shows every later stdout line as an info
//   message and every stderr line as an info-error message. `host.stdout()` leaves the port line out.
// - The host is not given PULUMI_NODEJS_ENGINE, so `pulumi.log.*` inside a provider falls back to the
//   console: `log.info(m)` prints `info: [runtime] m` on stdout, `log.warn(m)` prints
//   `warning: [runtime] m` on stderr, `log.error(m)` prints `error: [runtime] m` on stderr and
//   `log.debug` prints nothing.
// - An error thrown by check, diff, read or delete is also printed by the host on stderr as
//   `Error: <message>: <stack>`; create and update errors are not printed.
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as provTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as provGrpcTypes from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as statusTypes from "@pulumi/pulumi/proto/status_pb";
import type * as emptyTypes from "google-protobuf/google/protobuf/empty_pb";

// The engine side loads the generated client and its gRPC/protobuf runtime from the SDK's own
// dependency tree, so message classes and the gRPC library are the ones the generated code expects.
const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/proto/provider_grpc_pb.js"));
const grpc = sdkRequire("@grpc/grpc-js") as typeof grpcTypes;
const structpb = sdkRequire("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
const emptypb = sdkRequire("google-protobuf/google/protobuf/empty_pb") as typeof emptyTypes;
const provpb = sdkRequire("./provider_pb") as typeof provTypes;
const provrpc = sdkRequire("./provider_grpc_pb") as typeof provGrpcTypes;
const statuspb = sdkRequire("./status_pb") as typeof statusTypes;

// ---------------------------------------------------------------------------------------------------
// Wire values: what the engine and the SDK put inside google.protobuf.Struct.
// ---------------------------------------------------------------------------------------------------

const SIG_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;
const RESOURCE_SIG = pulumi.runtime.specialResourceSig;

/** The value the engine sends for an input that is not known yet (preview only): `pulumi.runtime.unknownValue`. */
export const UNKNOWN: string = pulumi.runtime.unknownValue;

/** Every typed "unknown" sentinel of the engine (Go `plugin.Unknown*Value`); the Node SDK only ever produces the string one. */
const ENGINE_UNKNOWNS: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    UNKNOWN,
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** A secret in the engine's wire form (`{[specialSigKey]: specialSecretSig, value}`). */
export interface SecretValue<T = unknown> {
    readonly [SIG_KEY]: typeof SECRET_SIG;
    readonly value: T;
}

/** A property map as tests write it: plain JSON, possibly holding {@link secret} wrappers and {@link UNKNOWN}. */
export type PropertyMap = Record<string, unknown>;

/** Marks a value secret the way the engine's state does; the harness strips it before CRUD calls, as the engine does. */
export function secret<T>(value: T): SecretValue<T> {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/** True when `v` is a secret in wire form. */
export function isSecretValue(v: unknown): v is SecretValue {
    return isPlainObject(v) && v[SIG_KEY] === SECRET_SIG;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
        return false;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    return proto === Object.prototype || proto === null;
}

/** How the engine marshals a property map for one request (Go `plugin.MarshalOptions`). */
interface MarshalOptions {
    /** Names the request and map in errors, e.g. "create(properties)". */
    readonly label: string;
    readonly keepSecrets: boolean;
    readonly keepUnknowns: boolean;
}

const SKIP = Symbol("skip");

/** Turns a test's property map into the JavaScript object the engine would put in the request's Struct. */
export function marshalProperties(props: PropertyMap, opts: MarshalOptions): Record<string, unknown> {
    if (!isPlainObject(props)) {
        throw new TypeError(`${opts.label} must be a plain object of properties; got ${describe(props)}`);
    }
    return marshalObject(props, "", opts);
}

function marshalObject(obj: Record<string, unknown>, at: string, opts: MarshalOptions): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
        const m = marshalValue(v, at === "" ? k : `${at}.${k}`, opts);
        if (m !== SKIP) {
            out[k] = m;
        }
    }
    return out;
}

function marshalValue(v: unknown, at: string, opts: MarshalOptions): unknown {
    if (v === undefined) {
        throw new TypeError(`${opts.label}: "${at}" is undefined; the engine never sends undefined — omit the key or use null`);
    }
    if (v === null || typeof v === "boolean") {
        return v;
    }
    if (typeof v === "number") {
        if (!Number.isFinite(v)) {
            throw new TypeError(`${opts.label}: "${at}" is ${v}; state is JSON, use a finite number or a string`);
        }
        return v;
    }
    if (typeof v === "string") {
        // Go: a computed value is kept as its sentinel only with KeepUnknowns, otherwise the key is dropped.
        return ENGINE_UNKNOWNS.has(v) && !opts.keepUnknowns ? SKIP : v;
    }
    if (Array.isArray(v)) {
        return v.map((e, i) => marshalValue(e, `${at}[${i}]`, opts)).filter((e) => e !== SKIP);
    }
    if (isPlainObject(v)) {
        if (v[SIG_KEY] === SECRET_SIG) {
            const inner = marshalValue(v.value, at, opts);
            return opts.keepSecrets && inner !== SKIP ? { [SIG_KEY]: SECRET_SIG, value: inner } : inner;
        }
        if (v[SIG_KEY] === RESOURCE_SIG) {
            // Dynamic providers do not accept resource references: the engine sends the ID, or the URN when there is none.
            return "id" in v ? marshalValue(v.id, at, opts) : marshalValue(v.urn, at, opts);
        }
        return marshalObject(v, at, opts);
    }
    throw new TypeError(`${opts.label}: "${at}" is ${describe(v)}; properties are plain JSON values`);
}

function describe(v: unknown): string {
    if (v === null) {
        return "null";
    }
    if (typeof v === "object") {
        const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
        return ctor ? `an instance of ${ctor}` : "an object";
    }
    return `a ${typeof v}`;
}

/** A property map decoded from a provider answer, with the paths the engine would store as secrets. */
export interface DecodedProperties {
    /** Plain JSON; secrets unwrapped. */
    readonly properties: PropertyMap;
    /** Paths ("key" or "key.sub") the engine stores as secrets. */
    readonly secretPaths: string[];
}

/**
 * Decodes a Struct the way the engine does (Go `UnmarshalProperties` with KeepSecrets), then re-marks as
 * secret every key whose input of the same name held a secret (Go `annotateSecrets`), because the host
 * runs with acceptSecrets=false.
 */
function decodeAnswer(struct: structTypes.Struct | undefined, opts: { label: string; rejectUnknowns: boolean; secretSource?: PropertyMap }): DecodedProperties {
    const raw = struct ? (struct.toJavaScript() as Record<string, unknown>) : {};
    const { properties, secretPaths } = fromWire(raw);
    if (opts.rejectUnknowns) {
        const unknownAt = findUnknown(properties, "");
        if (unknownAt !== undefined) {
            throw new Error(`${opts.label}: unexpected unknown property value for "${unknownAt}"`);
        }
    }
    const paths = [...secretPaths];
    if (opts.secretSource) {
        annotateSecrets(properties, opts.secretSource, "", paths);
    }
    return { properties, secretPaths: [...new Set(paths)].sort() };
}

/**
 * Turns a wire-form property map (as a program registers it) into plain JSON as a dynamic provider sees
 * it: secrets unwrapped (their paths listed), resource references replaced by their ID, or URN without one.
 */
export function fromWire(props: PropertyMap): DecodedProperties {
    const secretPaths: string[] = [];
    const properties = unwrapSecrets(props, "", secretPaths) as PropertyMap;
    return { properties, secretPaths: [...new Set(secretPaths)].sort() };
}

function unwrapSecrets(v: unknown, at: string, secretPaths: string[]): unknown {
    if (Array.isArray(v)) {
        return v.map((e) => unwrapSecrets(e, at, secretPaths));
    }
    if (isPlainObject(v)) {
        if (v[SIG_KEY] === SECRET_SIG) {
            secretPaths.push(at);
            return unwrapSecrets(v.value, at, []);
        }
        if (v[SIG_KEY] === RESOURCE_SIG) {
            return "id" in v ? v.id : v.urn;
        }
        const out: Record<string, unknown> = {};
        for (const [k, e] of Object.entries(v)) {
            out[k] = unwrapSecrets(e, at === "" ? k : `${at}.${k}`, secretPaths);
        }
        return out;
    }
    return v;
}

function findUnknown(v: unknown, at: string): string | undefined {
    if (typeof v === "string") {
        return ENGINE_UNKNOWNS.has(v) ? at : undefined;
    }
    if (Array.isArray(v)) {
        for (const e of v) {
            const found = findUnknown(e, at);
            if (found !== undefined) {
                return found;
            }
        }
    } else if (isPlainObject(v)) {
        for (const [k, e] of Object.entries(v)) {
            const found = findUnknown(e, at === "" ? k : `${at}.${k}`);
            if (found !== undefined) {
                return found;
            }
        }
    }
    return undefined;
}

function containsSecret(v: unknown): boolean {
    if (isSecretValue(v)) {
        return true;
    }
    if (Array.isArray(v)) {
        return v.some(containsSecret);
    }
    return isPlainObject(v) && Object.values(v).some(containsSecret);
}

function annotateSecrets(outs: PropertyMap, ins: PropertyMap, at: string, secretPaths: string[]): void {
    for (const [k, inValue] of Object.entries(ins)) {
        if (!(k in outs)) {
            continue;
        }
        const where = at === "" ? k : `${at}.${k}`;
        const outValue = outs[k];
        if (isPlainObject(outValue) && isPlainObject(inValue) && !isSecretValue(inValue)) {
            annotateSecrets(outValue, inValue, where, secretPaths);
        } else if (containsSecret(inValue)) {
            secretPaths.push(where);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// URNs
// ---------------------------------------------------------------------------------------------------

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The URN the engine gives a resource. Children of the stack get no type prefix; children of other
 * resources get the parent's qualified type and `$` in front of their type (Go `resource.NewURN`).
 */
export function urnFor(type: string, name: string, project = "project", stack = "stack", parentQualifiedType?: string): string {
    const qualified =
        parentQualifiedType === undefined || parentQualifiedType === "" || parentQualifiedType === ROOT_STACK_TYPE ? type : `${parentQualifiedType}$${type}`;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

// ---------------------------------------------------------------------------------------------------
// Results and errors
// ---------------------------------------------------------------------------------------------------

/** The protocol answer of Configure; the engine uses it for every later call. */
export interface ConfigureResult {
    readonly acceptSecrets: boolean;
    readonly acceptResources: boolean;
    readonly supportsPreview: boolean;
}

export interface CheckFailure {
    readonly property: string;
    readonly reason: string;
}

export interface CheckResult {
    /** Checked inputs, plain JSON; they include `__provider`. */
    readonly inputs: PropertyMap;
    readonly failures: CheckFailure[];
    /** Input paths the engine keeps secret. */
    readonly secretInputs: string[];
}

export type DiffChanges = "DIFF_UNKNOWN" | "DIFF_NONE" | "DIFF_SOME";

export interface PropertyDiff {
    readonly kind: "ADD" | "ADD_REPLACE" | "DELETE" | "DELETE_REPLACE" | "UPDATE" | "UPDATE_REPLACE";
    readonly inputDiff: boolean;
}

export interface DiffResult {
    /** DIFF_UNKNOWN when the provider has no diff or returned no `changes`: the engine then diffs old and new inputs itself. */
    readonly changes: DiffChanges;
    readonly replaces: string[];
    readonly stables: string[];
    readonly deleteBeforeReplace: boolean;
    readonly diffs: string[];
    readonly detailedDiff: Record<string, PropertyDiff> | undefined;
}

export interface CreateResult {
    /** "" only when the call was not sent (preview). */
    readonly id: string;
    readonly properties: PropertyMap;
    /** Output paths the engine stores as secrets. */
    readonly secretProperties: string[];
    /** False when the engine would not call the host (preview against a host that does not support it). */
    readonly sentToHost: boolean;
}

export interface ReadResult {
    /** "" means the resource is gone: the engine drops it from state. */
    readonly id: string;
    readonly properties: PropertyMap;
    /** Present when the provider returned inputs to use for later diffs. */
    readonly inputs: PropertyMap | undefined;
    readonly secretProperties: string[];
}

export interface UpdateResult {
    readonly properties: PropertyMap;
    readonly secretProperties: string[];
    readonly sentToHost: boolean;
}

/** What a provider attaches to an error to say "the resource exists but failed to initialise". */
export interface InitFailure {
    readonly id: string;
    readonly properties: PropertyMap;
    readonly reasons: string[];
}

/** A failed call. `message` is the provider's own error message when the provider threw. */
export class ProviderCallError extends Error {
    override readonly name = "ProviderCallError";
    constructor(
        message: string,
        /** The gRPC method, e.g. "create". */
        readonly method: string,
        /** The gRPC status code (2 = UNKNOWN for errors thrown by the provider). */
        readonly code: number,
        /** The gRPC status details as received. */
        readonly details: string,
        /** Set when the provider's error carried `id` (and `properties`): the engine records a partial failure. */
        readonly initFailure: InitFailure | undefined,
    ) {
        super(message);
    }
}

export interface HostExit {
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
}

// ---------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------

export interface ProviderHostOptions {
    /** Working directory of the host; the engine uses the program's directory. `require()` inside the serialized provider resolves from here. */
    readonly cwd: string;
    /** Extra environment; a key set to undefined is removed. Inherited PULUMI_NODEJS_*, PULUMI_CONFIG* and PULUMI_PROJECT are dropped first. */
    readonly env?: NodeJS.ProcessEnv;
    /**
     * Project name, given to the host as PULUMI_NODEJS_PROJECT and PULUMI_PROJECT; `config.get("key")`
     * inside the provider reads "<project>:key".
     * @default "project"
     */
    readonly project?: string;
    /**
     * The host script. The engine's shim runs `require.resolve("@pulumi/pulumi/cmd/dynamic-provider")`
     * from the working directory; set this to run a host whose SDK is not resolvable from `cwd`.
     * @default resolved from `cwd`, as the engine does
     */
    readonly hostScript?: string;
    /**
     * The engine address argument. The host requires it but never dials it.
     * @default "127.0.0.1:1"
     */
    readonly engineAddress?: string;
    /**
     * Deadline of every call that does not set its own, in milliseconds.
     * @default 10000
     */
    readonly callTimeoutMs?: number;
    /**
     * How long to wait for the host to print its port, in milliseconds.
     * @default 10000
     */
    readonly startTimeoutMs?: number;
}

export interface CallOptions {
    /** Deadline of this call in milliseconds. @default the host's callTimeoutMs */
    readonly deadlineMs?: number;
}

export interface PreviewOption {
    /** True during `pulumi preview`: unknowns are kept and Create/Update are not sent. @default false */
    readonly preview?: boolean;
}

export interface WaitForLineOptions {
    /** @default "any" */
    readonly stream?: "stdout" | "stderr" | "any";
    /** @default 5000 */
    readonly timeoutMs?: number;
}

// ---------------------------------------------------------------------------------------------------
// The host
// ---------------------------------------------------------------------------------------------------

export interface ProviderHost {
    readonly pid: number;
    readonly port: number;
    /** stdout lines after the port line, in order. */
    stdout(): string[];
    /** stderr lines, in order. */
    stderr(): string[];
    /** Resolves with the first captured line (already seen or future) that matches. */
    waitForLine(match: RegExp | string, opts?: WaitForLineOptions): Promise<string>;
    getPluginInfo(opts?: CallOptions): Promise<{ version: string }>;
    /**
     * Sends the stack config as the engine does: every key like "defender:clientSecret", every value as
     * text, `secretKeys` wrapped as secrets. The host unwraps secrets and keeps the map; it calls the
     * provider's configure() only inside the first CRUD call for each `__provider` text, where
     * `config.get(key)` returns the plaintext string (a key without namespace reads "<project>:key").
     */
    configure(config: Record<string, string>, secretKeys?: string[], opts?: CallOptions): Promise<ConfigureResult>;
    check(urn: string, olds: PropertyMap, news: PropertyMap, opts?: PreviewOption & CallOptions): Promise<CheckResult>;
    /** `olds` are the old outputs (state), as the engine sends them; `oldInputs` the old inputs. */
    diff(
        id: string,
        urn: string,
        olds: PropertyMap,
        news: PropertyMap,
        opts?: PreviewOption & CallOptions & { oldInputs?: PropertyMap; ignoreChanges?: string[] },
    ): Promise<DiffResult>;
    create(urn: string, properties: PropertyMap, opts?: PreviewOption & CallOptions & { timeout?: number }): Promise<CreateResult>;
    read(id: string, urn: string, properties: PropertyMap, inputs?: PropertyMap, opts?: CallOptions): Promise<ReadResult>;
    update(
        id: string,
        urn: string,
        olds: PropertyMap,
        news: PropertyMap,
        opts?: PreviewOption & CallOptions & { oldInputs?: PropertyMap; timeout?: number; ignoreChanges?: string[] },
    ): Promise<UpdateResult>;
    delete(id: string, urn: string, properties: PropertyMap, opts?: CallOptions & { oldInputs?: PropertyMap; timeout?: number }): Promise<void>;
    /** The engine's Cancel; the Node host ignores it. */
    cancel(opts?: CallOptions): Promise<void>;
    /** Sends a signal to the host process, e.g. to kill it in the middle of a call. */
    kill(signal?: NodeJS.Signals): void;
    /** Resolves when the host process has exited. */
    exited(): Promise<HostExit>;
    /** Closes the connection, sends SIGTERM, and SIGKILL if the host is still alive after `timeoutMs` (@default 5000). */
    stop(opts?: { timeoutMs?: number }): Promise<HostExit>;
}

const DEFAULT_PROJECT = "project";
const DYNAMIC_PROVIDER_TYPE = "pulumi:providers:pulumi-nodejs";

/** Hosts not stopped yet; killed when the test process exits so no host outlives mocha. */
const liveHosts = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
    if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once("exit", () => {
            for (const child of liveHosts) {
                child.kill("SIGKILL");
            }
        });
    }
}

function hostEnv(opts: ProviderHostOptions, project: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
        if (!/^PULUMI_(NODEJS_|CONFIG|PROJECT$)/.test(k)) {
            env[k] = v;
        }
    }
    env.PULUMI_NODEJS_PROJECT = project;
    env.PULUMI_PROJECT = project;
    // The engine passes the `pulumi-nodejs:*` config keys here (without namespace); a stack has none.
    env.PULUMI_CONFIG = "{}";
    for (const [k, v] of Object.entries(opts.env ?? {})) {
        if (v === undefined) {
            delete env[k];
        } else {
            env[k] = v;
        }
    }
    return env;
}

function resolveHostScript(opts: ProviderHostOptions): string {
    if (opts.hostScript !== undefined) {
        return opts.hostScript;
    }
    try {
        return createRequire(path.join(path.resolve(opts.cwd), "noop.js")).resolve("@pulumi/pulumi/cmd/dynamic-provider");
    } catch {
        throw new Error(
            `startProviderHost: @pulumi/pulumi is not resolvable from cwd "${opts.cwd}", so the engine could not start ` +
                `the host there either; pass hostScript to start it anyway`,
        );
    }
}

/** Starts the dynamic provider host as the engine does and connects to it. */
export async function startProviderHost(opts: ProviderHostOptions): Promise<ProviderHost> {
    if (typeof opts?.cwd !== "string" || opts.cwd === "") {
        throw new TypeError("startProviderHost: opts.cwd is required; use the program's directory, as the engine does");
    }
    const project = opts.project ?? DEFAULT_PROJECT;
    const script = resolveHostScript(opts);
    const child = spawn(process.execPath, [script, opts.engineAddress ?? "127.0.0.1:1"], {
        cwd: opts.cwd,
        env: hostEnv(opts, project),
        stdio: ["ignore", "pipe", "pipe"],
    });
    installExitHook();
    liveHosts.add(child);
    const output = new HostOutput(child);
    try {
        const port = await output.port(opts.startTimeoutMs ?? 10_000);
        return new GrpcProviderHost(child, output, port, project, opts.callTimeoutMs ?? 10_000);
    } catch (err) {
        child.kill("SIGKILL");
        // A process that failed to spawn may never report "close".
        await Promise.race([output.exit, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        throw err;
    }
}

/** Splits the host's stdout and stderr into lines and keeps all of them. */
class HostOutput {
    readonly out: string[] = [];
    readonly err: string[] = [];
    readonly exit: Promise<HostExit>;
    private readonly events = new EventEmitter();
    private portLine: string | undefined;
    private exitInfo: HostExit | undefined;
    private spawnError: Error | undefined;

    constructor(child: ChildProcess) {
        this.events.setMaxListeners(0);
        this.exit = new Promise((resolve) => {
            // "close" comes after the process exited and its stdio ended, so every line is captured by then.
            child.once("close", (code, signal) => {
                liveHosts.delete(child);
                this.exitInfo = { code, signal };
                this.events.emit("change");
                resolve(this.exitInfo);
            });
        });
        child.once("error", (err) => {
            this.spawnError = err;
            this.events.emit("change");
        });
        this.pipe(child.stdout, (line) => {
            if (this.portLine === undefined) {
                this.portLine = line;
            } else {
                this.out.push(line);
            }
        });
        this.pipe(child.stderr, (line) => this.err.push(line));
    }

    private pipe(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
        if (stream === null) {
            return;
        }
        let partial = "";
        stream.setEncoding("utf8");
        stream.on("data", (chunk: string) => {
            const parts = (partial + chunk).split("\n");
            partial = parts.pop() ?? "";
            for (const p of parts) {
                onLine(p.replace(/\r$/, ""));
            }
            this.events.emit("change");
        });
        stream.on("end", () => {
            if (partial !== "") {
                onLine(partial);
                partial = "";
                this.events.emit("change");
            }
        });
    }

    /** Waits until `probe` returns a value, the process is gone, or the time is up. */
    waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
        return new Promise((resolve, reject) => {
            const check = (): boolean => {
                const found = probe();
                if (found !== undefined) {
                    finish();
                    resolve(found);
                    return true;
                }
                if (this.spawnError !== undefined || this.exitInfo !== undefined) {
                    finish();
                    const how = this.spawnError ? this.spawnError.message : `exit code ${this.exitInfo?.code}, signal ${this.exitInfo?.signal}`;
                    reject(new Error(`${what}: the provider host is gone (${how}); stderr:\n${this.err.join("\n")}`));
                    return true;
                }
                return false;
            };
            const timer = setTimeout(() => {
                finish();
                reject(new Error(`${what}: nothing within ${timeoutMs} ms`));
            }, timeoutMs);
            const onChange = (): void => {
                check();
            };
            const finish = (): void => {
                clearTimeout(timer);
                this.events.off("change", onChange);
            };
            if (!check()) {
                this.events.on("change", onChange);
            }
        });
    }

    async port(timeoutMs: number): Promise<number> {
        const line = await this.waitFor(() => this.portLine, timeoutMs, "startProviderHost: waiting for the port line");
        const port = Number(line.trim());
        if (!Number.isInteger(port) || port <= 0 || port > 65535) {
            throw new Error(`startProviderHost: the host's first stdout line is not a port: ${JSON.stringify(line)}`);
        }
        return port;
    }
}

type Unary<Req, Res> = (
    req: Req,
    md: grpcTypes.Metadata,
    options: Partial<grpcTypes.CallOptions>,
    cb: (err: grpcTypes.ServiceError | null, res: Res) => void,
) => grpcTypes.ClientUnaryCall;

class GrpcProviderHost implements ProviderHost {
    readonly pid: number;
    private readonly client: provGrpcTypes.ResourceProviderClient;
    private protocol: ConfigureResult | undefined;

    constructor(
        private readonly child: ChildProcess,
        private readonly output: HostOutput,
        readonly port: number,
        private readonly project: string,
        private readonly callTimeoutMs: number,
    ) {
        this.pid = child.pid ?? -1;
        this.client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    }

    stdout(): string[] {
        return [...this.output.out];
    }

    stderr(): string[] {
        return [...this.output.err];
    }

    waitForLine(match: RegExp | string, opts: WaitForLineOptions = {}): Promise<string> {
        const stream = opts.stream ?? "any";
        const test = (line: string): boolean => (typeof match === "string" ? line.includes(match) : match.test(line));
        const lines = (): string[] =>
            stream === "stdout" ? this.output.out : stream === "stderr" ? this.output.err : [...this.output.out, ...this.output.err];
        return this.output.waitFor(() => lines().find(test), opts.timeoutMs ?? 5000, `waitForLine(${String(match)})`);
    }

    private unary<Req, Res>(method: string, fn: Unary<Req, Res>, req: Req, opts: CallOptions | undefined): Promise<Res> {
        const deadlineMs = opts?.deadlineMs ?? this.callTimeoutMs;
        return new Promise((resolve, reject) => {
            fn.call(this.client, req, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
                if (err) {
                    reject(toCallError(method, err, deadlineMs));
                } else {
                    resolve(res);
                }
            });
        });
    }

    private requireConfigured(method: string): ConfigureResult {
        if (this.protocol === undefined) {
            throw new Error(`${method}(): call configure() first; the engine configures the provider before any ${method}`);
        }
        return this.protocol;
    }

    async getPluginInfo(opts?: CallOptions): Promise<{ version: string }> {
        const res = await this.unary("getPluginInfo", this.client.getPluginInfo, new emptypb.Empty(), opts);
        return { version: res.getVersion() };
    }

    async configure(config: Record<string, string>, secretKeys: string[] = [], opts?: CallOptions): Promise<ConfigureResult> {
        const args: PropertyMap = {};
        const req = new provpb.ConfigureRequest();
        for (const [key, value] of Object.entries(config ?? {})) {
            if (!/^[^:]+:.+/.test(key)) {
                throw new TypeError(`configure(): config key "${key}" has no namespace; the engine sends keys like "defender:clientSecret"`);
            }
            if (typeof value !== "string") {
                throw new TypeError(`configure(): config["${key}"] is ${describe(value)}; the engine sends every value as text (JSON-encode objects)`);
            }
            args[key] = secretKeys.includes(key) ? secret(value) : value;
            // The engine also sends the old-style plaintext map; the Node host ignores it.
            req.getVariablesMap().set(`pulumi-nodejs:config:${key}`, value);
        }
        for (const key of secretKeys) {
            if (!(key in (config ?? {}))) {
                throw new TypeError(`configure(): secret key "${key}" is not in config; list only keys you pass`);
            }
        }
        req.setArgs(toStruct(marshalProperties(args, { label: "configure(config)", keepSecrets: true, keepUnknowns: true })));
        req.setAcceptsecrets(true);
        req.setAcceptresources(true);
        req.setSendsOldInputs(true);
        req.setSendsOldInputsToDelete(true);
        req.setName("default");
        req.setType(DYNAMIC_PROVIDER_TYPE);
        req.setUrn(urnFor(DYNAMIC_PROVIDER_TYPE, "default", this.project));
        const res = await this.unary("configure", this.client.configure, req, opts);
        this.protocol = {
            acceptSecrets: res.getAcceptsecrets(),
            acceptResources: res.getAcceptresources(),
            supportsPreview: res.getSupportspreview(),
        };
        return this.protocol;
    }

    async check(urn: string, olds: PropertyMap, news: PropertyMap, opts: PreviewOption & CallOptions = {}): Promise<CheckResult> {
        const protocol = this.requireConfigured("check");
        const m = { keepSecrets: protocol.acceptSecrets, keepUnknowns: opts.preview === true };
        const req = new provpb.CheckRequest();
        setTarget(req, urn);
        req.setOlds(toStruct(marshalProperties(olds, { ...m, label: "check(olds)" })));
        req.setNews(toStruct(marshalProperties(news, { ...m, label: "check(news)" })));
        const res = await this.unary("check", this.client.check, req, opts);
        const decoded = decodeAnswer(res.getInputs(), {
            label: "check",
            rejectUnknowns: opts.preview !== true,
            secretSource: news,
        });
        return {
            inputs: decoded.properties,
            failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
            secretInputs: decoded.secretPaths,
        };
    }

    async diff(
        id: string,
        urn: string,
        olds: PropertyMap,
        news: PropertyMap,
        opts: PreviewOption & CallOptions & { oldInputs?: PropertyMap; ignoreChanges?: string[] } = {},
    ): Promise<DiffResult> {
        const protocol = this.requireConfigured("diff");
        const m = { keepSecrets: protocol.acceptSecrets, keepUnknowns: opts.preview === true };
        const req = new provpb.DiffRequest();
        setTarget(req, urn);
        req.setId(id);
        req.setOlds(toStruct(marshalProperties(olds, { ...m, label: "diff(olds)" })));
        req.setNews(toStruct(marshalProperties(news, { ...m, label: "diff(news)" })));
        req.setOldInputs(toStruct(marshalProperties(opts.oldInputs ?? olds, { ...m, label: "diff(oldInputs)" })));
        req.setIgnorechangesList(opts.ignoreChanges ?? []);
        const res = await this.unary("diff", this.client.diff, req, opts);
        const changes: DiffChanges[] = ["DIFF_UNKNOWN", "DIFF_NONE", "DIFF_SOME"];
        const kinds: PropertyDiff["kind"][] = ["ADD", "ADD_REPLACE", "DELETE", "DELETE_REPLACE", "UPDATE", "UPDATE_REPLACE"];
        let detailedDiff: Record<string, PropertyDiff> | undefined;
        if (res.getHasdetaileddiff()) {
            detailedDiff = {};
            for (const [k, d] of res.getDetaileddiffMap().entries()) {
                detailedDiff[k] = { kind: kinds[d.getKind()] ?? "UPDATE", inputDiff: d.getInputdiff() };
            }
        }
        return {
            changes: changes[res.getChanges()] ?? "DIFF_UNKNOWN",
            replaces: res.getReplacesList(),
            stables: res.getStablesList(),
            deleteBeforeReplace: res.getDeletebeforereplace(),
            diffs: res.getDiffsList(),
            detailedDiff,
        };
    }

    async create(urn: string, properties: PropertyMap, opts: PreviewOption & CallOptions & { timeout?: number } = {}): Promise<CreateResult> {
        const protocol = this.requireConfigured("create");
        if (opts.preview === true && !protocol.supportsPreview) {
            // The engine answers for a host without preview support: the inputs become the planned state.
            const decoded = decodeAnswer(toStruct(marshalProperties(properties, { label: "create(properties)", keepSecrets: true, keepUnknowns: true })), {
                label: "create",
                rejectUnknowns: false,
            });
            return { id: "", properties: decoded.properties, secretProperties: decoded.secretPaths, sentToHost: false };
        }
        const req = new provpb.CreateRequest();
        setTarget(req, urn);
        req.setProperties(
            toStruct(marshalProperties(properties, { label: "create(properties)", keepSecrets: protocol.acceptSecrets, keepUnknowns: opts.preview === true })),
        );
        req.setTimeout(opts.timeout ?? 0);
        req.setPreview(opts.preview === true);
        const res = await this.unary("create", this.client.create, req, opts);
        if (res.getId() === "" && opts.preview !== true) {
            throw new Error(`plugin for package 'pulumi-nodejs' returned empty resource.ID from create '${urn}'`);
        }
        const decoded = decodeAnswer(res.getProperties(), { label: "create", rejectUnknowns: opts.preview !== true, secretSource: properties });
        return { id: res.getId(), properties: decoded.properties, secretProperties: decoded.secretPaths, sentToHost: true };
    }

    async read(id: string, urn: string, properties: PropertyMap, inputs?: PropertyMap, opts?: CallOptions): Promise<ReadResult> {
        const protocol = this.requireConfigured("read");
        const m = { keepSecrets: protocol.acceptSecrets, keepUnknowns: false };
        const req = new provpb.ReadRequest();
        setTarget(req, urn);
        req.setId(id);
        req.setProperties(toStruct(marshalProperties(properties, { ...m, label: "read(properties)" })));
        if (inputs !== undefined) {
            req.setInputs(toStruct(marshalProperties(inputs, { ...m, label: "read(inputs)" })));
        }
        const res = await this.unary("read", this.client.read, req, opts);
        const decoded = decodeAnswer(res.getProperties(), { label: "read", rejectUnknowns: true, secretSource: properties });
        const rawInputs = res.getInputs();
        const decodedInputs =
            rawInputs === undefined ? undefined : decodeAnswer(rawInputs, { label: "read(inputs)", rejectUnknowns: true, secretSource: inputs });
        return {
            id: res.getId(),
            properties: decoded.properties,
            inputs: decodedInputs?.properties,
            secretProperties: decoded.secretPaths,
        };
    }

    async update(
        id: string,
        urn: string,
        olds: PropertyMap,
        news: PropertyMap,
        opts: PreviewOption & CallOptions & { oldInputs?: PropertyMap; timeout?: number; ignoreChanges?: string[] } = {},
    ): Promise<UpdateResult> {
        const protocol = this.requireConfigured("update");
        if (opts.preview === true && !protocol.supportsPreview) {
            const decoded = decodeAnswer(toStruct(marshalProperties(news, { label: "update(news)", keepSecrets: true, keepUnknowns: true })), {
                label: "update",
                rejectUnknowns: false,
            });
            return { properties: decoded.properties, secretProperties: decoded.secretPaths, sentToHost: false };
        }
        const m = { keepSecrets: protocol.acceptSecrets, keepUnknowns: false };
        const req = new provpb.UpdateRequest();
        setTarget(req, urn);
        req.setId(id);
        req.setOlds(toStruct(marshalProperties(olds, { ...m, label: "update(olds)" })));
        req.setNews(toStruct(marshalProperties(news, { ...m, keepUnknowns: opts.preview === true, label: "update(news)" })));
        req.setOldInputs(toStruct(marshalProperties(opts.oldInputs ?? olds, { ...m, label: "update(oldInputs)" })));
        req.setTimeout(opts.timeout ?? 0);
        req.setIgnorechangesList(opts.ignoreChanges ?? []);
        req.setPreview(opts.preview === true);
        const res = await this.unary("update", this.client.update, req, opts);
        const decoded = decodeAnswer(res.getProperties(), { label: "update", rejectUnknowns: opts.preview !== true, secretSource: news });
        return { properties: decoded.properties, secretProperties: decoded.secretPaths, sentToHost: true };
    }

    async delete(id: string, urn: string, properties: PropertyMap, opts: CallOptions & { oldInputs?: PropertyMap; timeout?: number } = {}): Promise<void> {
        const protocol = this.requireConfigured("delete");
        const m = { keepSecrets: protocol.acceptSecrets, keepUnknowns: false };
        const req = new provpb.DeleteRequest();
        setTarget(req, urn);
        req.setId(id);
        req.setProperties(toStruct(marshalProperties(properties, { ...m, label: "delete(properties)" })));
        req.setOldInputs(toStruct(marshalProperties(opts.oldInputs ?? properties, { ...m, label: "delete(oldInputs)" })));
        req.setTimeout(opts.timeout ?? 0);
        await this.unary("delete", this.client.delete, req, opts);
    }

    async cancel(opts?: CallOptions): Promise<void> {
        await this.unary("cancel", this.client.cancel, new emptypb.Empty(), opts);
    }

    kill(signal: NodeJS.Signals = "SIGKILL"): void {
        this.child.kill(signal);
    }

    exited(): Promise<HostExit> {
        return this.output.exit;
    }

    async stop(opts: { timeoutMs?: number } = {}): Promise<HostExit> {
        this.client.close();
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
            return this.output.exit;
        }
        this.child.kill("SIGTERM");
        const timeoutMs = opts.timeoutMs ?? 5000;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<"timeout">((resolve) => {
            timer = setTimeout(() => resolve("timeout"), timeoutMs);
        });
        const first = await Promise.race([this.output.exit, timedOut]);
        clearTimeout(timer);
        if (first === "timeout") {
            this.child.kill("SIGKILL");
        }
        return this.output.exit;
    }
}

function setTarget(req: { setUrn(v: string): unknown; setName(v: string): unknown; setType(v: string): unknown }, urn: string): void {
    const parts = urn.split("::");
    if (parts.length !== 4 || !parts[0].startsWith("urn:pulumi:")) {
        throw new TypeError(`"${urn}" is not a URN; build one with urnFor(type, name)`);
    }
    req.setUrn(urn);
    req.setName(parts[3]);
    req.setType(parts[2].split("$").pop() ?? "");
}

function toStruct(obj: Record<string, unknown>): structTypes.Struct {
    return structpb.Struct.fromJavaScript(obj as Record<string, structTypes.JavaScriptValue>);
}

function toCallError(method: string, err: grpcTypes.ServiceError, deadlineMs: number): ProviderCallError {
    const details = err.details ?? err.message;
    let message = details;
    if (err.code === grpc.status.DEADLINE_EXCEEDED) {
        message = `${method}: the provider host did not answer within ${deadlineMs} ms`;
    } else if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.CANCELLED) {
        message = `${method}: the provider host is unavailable (${details})`;
    }
    return new ProviderCallError(message, method, err.code, details, initFailureOf(err));
}

function initFailureOf(err: grpcTypes.ServiceError): InitFailure | undefined {
    const [bin] = err.metadata?.get("grpc-status-details-bin") ?? [];
    if (!(bin instanceof Uint8Array)) {
        return undefined;
    }
    const status = statuspb.Status.deserializeBinary(bin);
    for (const any of status.getDetailsList()) {
        if (any.getTypeName() === "pulumirpc.ErrorResourceInitFailed") {
            const detail = provpb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
            return {
                id: detail.getId(),
                properties: decodeAnswer(detail.getProperties(), { label: "create(init failure)", rejectUnknowns: false }).properties,
                reasons: detail.getReasonsList(),
            };
        }
    }
    return undefined;
}
