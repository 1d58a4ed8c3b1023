/** What the provider host answers (results and errors), and the options of the driver. */
import type { PropertyMap } from "./wire";

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
