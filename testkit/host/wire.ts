/**
 * Property values on the wire, as the engine marshals them into google.protobuf.Struct (secrets,
 * unknowns, resource references) and decodes the provider's answers; and the engine's URNs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { structTypes } from "./sdkProto";

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
export function decodeAnswer(
    struct: structTypes.Struct | undefined,
    opts: { label: string; rejectUnknowns: boolean; secretSource?: PropertyMap },
): DecodedProperties {
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
