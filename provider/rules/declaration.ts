/**
 * What the guardrail rules read of a DeviceIsolation: its inputs as the engine reports them (after the
 * provider's check, so defaults are filled in). Self-contained on purpose: the policy pack compiles
 * this folder into itself, so nothing here may import from outside it, at run time or for types.
 */

/**
 * The dynamic resource's type as the engine reports it to policy packs and in the state: a copy of
 * provider/resource/deviceIsolation.ts's, which a unit test keeps equal. The guardrails never rely on
 * it alone (see stackResources.ts): a program can register the same resource under another name.
 */
export const DEVICE_ISOLATION_TYPE = "pulumi-nodejs:dynamic/defender:DeviceIsolation";

/** The same resource served by the native provider plugin (`pulumi-resource-defender`): same inputs, same lifecycle. */
export const NATIVE_DEVICE_ISOLATION_TYPE = "defender:index:DeviceIsolation";

/** Both ways a DeviceIsolation reaches the engine; every rule holds for each. */
export const DEVICE_ISOLATION_TYPES: readonly string[] = [DEVICE_ISOLATION_TYPE, NATIVE_DEVICE_ISOLATION_TYPE];

export function isDeviceIsolationType(type: unknown): boolean {
    return typeof type === "string" && DEVICE_ISOLATION_TYPES.includes(type);
}

/**
 * The release comment the provider records when a declaration sets none (the same text as
 * lifecycle's DEFAULT_RELEASE_COMMENT; a unit test keeps the two equal). It says nothing of why.
 */
export const PROVIDER_DEFAULT_RELEASE_COMMENT = "Released by Pulumi: declaration removed";

/** A DeviceIsolation's inputs; every field may be missing, of the wrong type, or (in a preview) unknown. */
export interface IsolationDeclaration {
    machineId?: unknown;
    computerDnsName?: unknown;
    comment?: unknown;
    isolationType?: unknown;
    releaseComment?: unknown;
    protectedMachineTags?: unknown;
}

/** A non-empty string, trimmed, or undefined. */
export function text(value: unknown): string | undefined {
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** Strings of a list, trimmed; anything else in it is dropped. */
export function textList(value: unknown): string[] {
    return Array.isArray(value) ? value.map(text).filter((v): v is string => v !== undefined) : [];
}

/**
 * A value quoted in a message: bounded, and inert wherever the engine's output is shown: no control
 * character can break the line or drive a terminal, and no `<`, `>` or `&` can turn into HTML in the
 * pull request comment that pulumi/actions builds from the output (a `<pre>` block).
 */
export function quote(value: string): string {
    const cut = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    return JSON.stringify(cut).replace(/[^\x20-\x7e]|[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** How the declaration names its device, for messages. */
export function deviceLabel(d: IsolationDeclaration): string {
    const name = text(d.computerDnsName);
    const id = text(d.machineId);
    return name ? `computerDnsName ${quote(name)}` : id ? `machineId ${quote(id)}` : "the device";
}
