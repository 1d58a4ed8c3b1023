/**
 * Secret values as the engine sends them to a native provider, and as it must get them back.
 *
 * The SDK's provider server tells the engine it accepts secrets and passes the wire form through: a
 * secret input arrives as `{ [SIG]: SECRET_SIG, value }`. The lifecycle works on plain values, so they
 * are unwrapped first, and every output a secret input became is wrapped again on the way out, so the
 * engine keeps it encrypted in state.
 */

/** The SDK's special-signature key and the signature of a secret (`@pulumi/pulumi/runtime/rpc`). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Props = Record<string, unknown>;

function isSecret(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Props)[SIG_KEY] === SECRET_SIG;
}

function unwrap(value: unknown, found: { secret: boolean }): unknown {
    if (isSecret(value)) {
        found.secret = true;
        return unwrap(value.value, found);
    }
    if (Array.isArray(value)) return value.map((v) => unwrap(v, found));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v, found)]));
    }
    return value;
}

/** Plain properties, and the top-level keys that held a secret anywhere inside them. */
export function unwrapSecrets(props: Props | undefined): { plain: Props; secretKeys: Set<string> } {
    const plain: Props = {};
    const secretKeys = new Set<string>();
    for (const [key, value] of Object.entries(props ?? {})) {
        const found = { secret: false };
        plain[key] = unwrap(value, found);
        if (found.secret) secretKeys.add(key);
    }
    return { plain, secretKeys };
}

/** The same properties with the values of `secretKeys` wrapped as secrets. */
export function wrapSecrets<T extends Props>(props: T, secretKeys: ReadonlySet<string>): T {
    if (secretKeys.size === 0) return props;
    const out: Props = {};
    for (const [key, value] of Object.entries(props)) {
        out[key] = secretKeys.has(key) && value !== undefined ? { [SIG_KEY]: SECRET_SIG, value } : value;
    }
    return out as T;
}

export function union(...sets: ReadonlySet<string>[]): Set<string> {
    return new Set(sets.flatMap((s) => [...s]));
}
