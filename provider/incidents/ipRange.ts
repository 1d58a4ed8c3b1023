/**
 * An address or a CIDR range (`10.20.0.0/16`, `2001:db8::/48`, `10.20.3.4`), and whether a device's
 * address falls in it. IPv4 and IPv6 never match each other, except that an IPv4-mapped IPv6 address
 * (`::ffff:10.20.3.4`) is read as the IPv4 address it carries.
 */

export interface IpRange {
    /** As written, for messages. */
    text: string;
    family: 4 | 6;
    network: bigint;
    prefix: number;
}

export type IpRangeResult = { ok: true; range: IpRange } | { ok: false; message: string; fix: string };

function parseV4(text: string): bigint | undefined {
    const parts = text.split(".");
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
    return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseV6(text: string): bigint | undefined {
    let head = text;
    let tailV4: bigint | undefined;
    const lastColon = text.lastIndexOf(":");
    if (text.includes(".") && lastColon >= 0) {
        tailV4 = parseV4(text.slice(lastColon + 1));
        if (tailV4 === undefined) return undefined;
        head = `${text.slice(0, lastColon + 1)}0:0`;
    }
    const halves = head.split("::");
    if (halves.length > 2) return undefined;
    const groups = (s: string) => (s === "" ? [] : s.split(":"));
    const left = groups(halves[0]);
    const right = halves.length === 2 ? groups(halves[1]) : [];
    const missing = 8 - left.length - right.length;
    if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
    const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
    if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    let value = all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
    if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
    return value;
}

/** An address as (family, value); IPv4-mapped IPv6 becomes IPv4. */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | undefined {
    const t = text.trim();
    const v4 = parseV4(t);
    if (v4 !== undefined) return { family: 4, value: v4 };
    const v6 = parseV6(t);
    if (v6 === undefined) return undefined;
    if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 & 0xffffffffn };
    return { family: 6, value: v6 };
}

function formatV4(v: bigint): string {
    return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join(".");
}

export function parseIpRange(text: string): IpRangeResult {
    const t = text.trim();
    const [addressText, prefixText, extra] = t.split("/");
    const fixExample = "write an address such as 10.20.3.4, or a range such as 10.20.0.0/16";
    const address = addressText === undefined ? undefined : parseAddress(addressText);
    if (extra !== undefined || address === undefined)
        return { ok: false, message: `must be an IP address or a CIDR range, got ${JSON.stringify(t)}`, fix: fixExample };
    const bits = address.family === 4 ? 32 : 128;
    let prefix = bits;
    if (prefixText !== undefined) {
        if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
            return { ok: false, message: `has a prefix length of ${JSON.stringify(prefixText)}: IPv${address.family} takes 0 to ${bits}`, fix: fixExample };
        }
        prefix = Number(prefixText);
    }
    const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
    const network = address.value & mask;
    if (network !== address.value) {
        const shown = address.family === 4 ? `${formatV4(network)}/${prefix}` : undefined;
        return {
            ok: false,
            message: `sets bits outside its /${prefix} prefix (${JSON.stringify(t)} is an address inside a range, not the range)`,
            fix: shown ? `write the range's first address: ${shown}` : "write the range's first address (every bit after the prefix zero)",
        };
    }
    return { ok: true, range: { text: t, family: address.family, network, prefix } };
}

/** Whether `address` (as Defender reports it; null when unknown) is in `range`. */
export function inIpRange(range: IpRange, address: string | null): boolean {
    if (address === null) return false;
    const a = parseAddress(address);
    if (a === undefined || a.family !== range.family) return false;
    const bits = range.family === 4 ? 32 : 128;
    return a.value >> BigInt(bits - range.prefix) === range.network >> BigInt(bits - range.prefix);
}

/** A single address (a /32 or /128): Defender can filter on it server-side. */
export function isSingleAddress(range: IpRange): boolean {
    return range.prefix === (range.family === 4 ? 32 : 128);
}
