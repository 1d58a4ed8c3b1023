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
import { createRequire } from "node:module";
import * as path from "node:path";
import { emptypb, grpc, provpb, provrpc, statuspb, structpb, type grpcTypes, type provGrpcTypes, type structTypes } from "./sdkProto";
import { HostOutput } from "./hostOutput";
import {
    ProviderCallError,
    type CallOptions,
    type CheckResult,
    type ConfigureResult,
    type CreateResult,
    type DiffChanges,
    type DiffResult,
    type HostExit,
    type InitFailure,
    type PreviewOption,
    type PropertyDiff,
    type ProviderHostOptions,
    type ReadResult,
    type UpdateResult,
    type WaitForLineOptions,
} from "./hostTypes";
import { describeValue } from "../../provider/base/text";
import { decodeAnswer, marshalProperties, secret, urnFor, type PropertyMap } from "./wire";

export * from "./wire";
export * from "./hostTypes";

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
    const output = new HostOutput(child, () => liveHosts.delete(child));
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
            fn(req, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
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
        const res = await this.unary("getPluginInfo", this.client.getPluginInfo.bind(this.client), new emptypb.Empty(), opts);
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
                throw new TypeError(`configure(): config["${key}"] is ${describeValue(value)}; the engine sends every value as text (JSON-encode objects)`);
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
        const res = await this.unary("configure", this.client.configure.bind(this.client), req, opts);
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
        const res = await this.unary("check", this.client.check.bind(this.client), req, opts);
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
        const res = await this.unary("diff", this.client.diff.bind(this.client), req, opts);
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
        const res = await this.unary("create", this.client.create.bind(this.client), req, opts);
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
        const res = await this.unary("read", this.client.read.bind(this.client), req, opts);
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
        const res = await this.unary("update", this.client.update.bind(this.client), req, opts);
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
        await this.unary("delete", this.client.delete.bind(this.client), req, opts);
    }

    async cancel(opts?: CallOptions): Promise<void> {
        await this.unary("cancel", this.client.cancel.bind(this.client), new emptypb.Empty(), opts);
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
