/**
 * The declaration's inputs: their types, defaults and the pure `check` rules.
 *
 * check never touches the network. It refuses anything outside the contract with one failure per
 * field, each naming the field and what is allowed, and normalizes what it accepts (ids lower-cased,
 * defaults filled) so diff compares like with like. During preview an input may be the engine's
 * "unknown" sentinel: it passes, and is checked again when known.
 */
import * as pulumi from "@pulumi/pulumi";
import { isMachineId, dnsNameProblem } from "../defender/ids";

export type IsolationType = "Full" | "Selective" | "UnManagedDevice";
export const ISOLATION_TYPES: readonly IsolationType[] = ["Full", "Selective", "UnManagedDevice"];

/** The declaration after check: defaults filled, names normalized. */
export interface Declaration {
    machineId?: string;
    computerDnsName?: string;
    comment: string;
    isolationType: IsolationType;
    releaseComment: string;
    waitForCompletion: boolean;
    completionTimeoutSeconds: number;
    protectedMachineTags: string[];
}

export interface CheckFailure {
    property: string;
    reason: string;
}

export const DEFAULT_RELEASE_COMMENT = "Released by Pulumi: declaration removed";
/** Defender documents no limit; long comments are truncated in its portal, so keep them readable. */
export const MAX_COMMENT_LENGTH = 1000;
/** Defender gives up on a pending action after three days; waiting longer cannot help. */
export const MAX_COMPLETION_TIMEOUT_SECONDS = 3 * 24 * 3600;
export const DEFAULT_COMPLETION_TIMEOUT_SECONDS = 600;

/** Keys the engine or the resource class adds that are not user arguments. */
const ENGINE_KEYS = new Set(["__provider"]);
/** Output names the resource registers; they arrive as inputs only when unset. */
const OUTPUT_KEYS = new Set(["machineActionId", "status", "requestor", "creationDateTimeUtc", "lastUpdateDateTimeUtc"]);
const ARG_KEYS = [
    "machineId",
    "computerDnsName",
    "comment",
    "isolationType",
    "releaseComment",
    "waitForCompletion",
    "completionTimeoutSeconds",
    "protectedMachineTags",
] as const;

export function isUnknown(value: unknown): boolean {
    return value === pulumi.runtime.unknownValue;
}

function describe(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "string") return `"${printable(value)}"`;
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" || value === undefined) return `${typeof value} ${String(value)}`;
    return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Input quoted in a message: cut, and anything outside printable ASCII escaped, so it cannot break the line or pass for another name. */
function printable(text: string): string {
    const cut = text.length > 60 ? `${text.slice(0, 57)}...` : text;
    return JSON.stringify(cut)
        .slice(1, -1)
        .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function closest(key: string): string | undefined {
    const k = key.toLowerCase().replace(/[^a-z]/g, "");
    return ARG_KEYS.find((a) => a.toLowerCase() === k);
}

/**
 * Pure validation of a declaration. Returns the normalized inputs (with `__provider` and any
 * unknown values passed through untouched) and every failure at once.
 */
export function checkInputs(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: Record<string, unknown> = {};
    const given = (key: string) => news[key] !== undefined && news[key] !== null;

    for (const key of Object.keys(news)) {
        if (ENGINE_KEYS.has(key)) inputs[key] = news[key];
        else if (OUTPUT_KEYS.has(key)) continue;
        else if (!(ARG_KEYS as readonly string[]).includes(key)) {
            const hint = closest(key);
            fail(key, `unknown argument '${printable(key)}'${hint ? `: did you mean '${hint}'?` : ""}; allowed: ${ARG_KEYS.join(", ")}`);
        }
    }

    // Device: machineId, or computerDnsName, or both: then machineId decides which device, and create
    // refuses it unless computerDnsName is that device's name (so the name a review or a policy pack
    // sees is never another device's).
    const hasId = given("machineId");
    const hasName = given("computerDnsName");
    if (!hasId && !hasName) {
        fail("machineId", "set machineId (40 hex characters) or computerDnsName (the device's full DNS name)");
    }
    if (hasId) {
        const id = news.machineId;
        if (isUnknown(id)) inputs.machineId = id;
        else if (typeof id !== "string" || !isMachineId(id.trim())) {
            fail("machineId", `must be a Defender device id of exactly 40 hexadecimal characters, got ${describe(id)}`);
        } else inputs.machineId = id.trim().toLowerCase();
    }
    if (hasName) {
        const name = news.computerDnsName;
        if (isUnknown(name)) inputs.computerDnsName = name;
        else if (typeof name !== "string") fail("computerDnsName", `must be a string (the device's full DNS name), got ${describe(name)}`);
        else {
            // The client's rule, written once; its message already names the field and quotes the value.
            const problem = dnsNameProblem(name.trim());
            if (problem) fail("computerDnsName", problem.replace(/^computerDnsName /, ""));
            else inputs.computerDnsName = name.trim().toLowerCase();
        }
    }

    const text = (key: "comment" | "releaseComment", required: boolean, fallback?: string) => {
        const v = news[key];
        if (!given(key)) {
            if (required) fail(key, "is required: say why the device is isolated (for example the incident id)");
            else if (fallback !== undefined) inputs[key] = fallback;
            return;
        }
        if (isUnknown(v)) {
            inputs[key] = v;
            return;
        }
        if (typeof v !== "string" || v.trim() === "") fail(key, `must be a non-empty string, got ${describe(v)}`);
        else if (v.length > MAX_COMMENT_LENGTH) fail(key, `must be at most ${MAX_COMMENT_LENGTH} characters, got ${v.length}`);
        else inputs[key] = v;
    };
    text("comment", true);
    text("releaseComment", false, DEFAULT_RELEASE_COMMENT);

    const type = news.isolationType;
    if (!given("isolationType")) inputs.isolationType = "Full";
    else if (isUnknown(type)) inputs.isolationType = type;
    else if (typeof type !== "string" || !(ISOLATION_TYPES as readonly string[]).includes(type)) {
        const hint = typeof type === "string" ? ISOLATION_TYPES.find((t) => t.toLowerCase() === type.toLowerCase()) : undefined;
        fail("isolationType", `must be one of ${ISOLATION_TYPES.join(", ")} (case-sensitive), got ${describe(type)}${hint ? `: did you mean '${hint}'?` : ""}`);
    } else inputs.isolationType = type;

    const wait = news.waitForCompletion;
    if (!given("waitForCompletion")) inputs.waitForCompletion = true;
    else if (isUnknown(wait) || typeof wait === "boolean") inputs.waitForCompletion = wait;
    else fail("waitForCompletion", `must be true or false, got ${describe(wait)}`);

    const timeout = news.completionTimeoutSeconds;
    if (!given("completionTimeoutSeconds")) inputs.completionTimeoutSeconds = DEFAULT_COMPLETION_TIMEOUT_SECONDS;
    else if (isUnknown(timeout)) inputs.completionTimeoutSeconds = timeout;
    else if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 0 || timeout > MAX_COMPLETION_TIMEOUT_SECONDS) {
        fail(
            "completionTimeoutSeconds",
            `must be a whole number of seconds from 0 to ${MAX_COMPLETION_TIMEOUT_SECONDS} (three days), got ${describe(timeout)}`,
        );
    } else inputs.completionTimeoutSeconds = timeout;

    const tags = news.protectedMachineTags;
    if (!given("protectedMachineTags")) inputs.protectedMachineTags = [];
    else if (isUnknown(tags)) inputs.protectedMachineTags = tags;
    else if (!Array.isArray(tags)) fail("protectedMachineTags", `must be a list of machine tag names, got ${describe(tags)}`);
    else {
        const bad = tags.findIndex((t) => !isUnknown(t) && (typeof t !== "string" || t.trim() === ""));
        if (bad >= 0) fail(`protectedMachineTags[${bad}]`, `must be a non-empty tag name, got ${describe(tags[bad])}`);
        else inputs.protectedMachineTags = tags;
    }

    return { inputs, failures };
}

/** The declaration as create/update use it: only called on checked inputs with no unknowns. */
export function toDeclaration(inputs: Record<string, unknown>): Declaration {
    const d: Declaration = {
        comment: inputs.comment as string,
        isolationType: (inputs.isolationType as IsolationType | undefined) ?? "Full",
        releaseComment: (inputs.releaseComment as string | undefined) ?? DEFAULT_RELEASE_COMMENT,
        waitForCompletion: (inputs.waitForCompletion as boolean | undefined) ?? true,
        completionTimeoutSeconds: (inputs.completionTimeoutSeconds as number | undefined) ?? DEFAULT_COMPLETION_TIMEOUT_SECONDS,
        protectedMachineTags: (inputs.protectedMachineTags as string[] | undefined) ?? [],
    };
    if (typeof inputs.machineId === "string") d.machineId = inputs.machineId;
    if (typeof inputs.computerDnsName === "string") d.computerDnsName = inputs.computerDnsName;
    return d;
}
