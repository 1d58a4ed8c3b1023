/**
 * OData query text: string literals quoted with single quotes doubled, and query strings encoded so
 * the URL parser leaves them exactly as built (what is sent is what the request log shows).
 */

/** An OData string literal: `it's` → `'it''s'`. */
export function odataString(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

/** `name eq 'value'`. */
export function odataEq(name: string, value: string): string {
    return `${name} eq ${odataString(value)}`;
}

/** `name in ('a','b')`. */
export function odataIn(name: string, values: readonly string[]): string {
    return `${name} in (${values.map(odataString).join(",")})`;
}

/** Percent-encodes every character but unreserved ones, including `'()*!` that encodeURIComponent keeps. */
export function encodeQueryValue(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `?$filter=...&$top=10` from ordered pairs; undefined values are left out. Keys are written as given. */
export function buildQuery(params: ReadonlyArray<readonly [string, string | number | undefined]>): string {
    const parts = params.filter((p): p is readonly [string, string | number] => p[1] !== undefined).map(([k, v]) => `${k}=${encodeQueryValue(String(v))}`);
    return parts.length === 0 ? "" : `?${parts.join("&")}`;
}

/** `machineTags/any(tag: tag eq 'value')`: some element of a collection equals the value. */
export function odataAnyEq(collection: string, variable: string, value: string): string {
    return `${collection}/any(${variable}: ${variable} eq ${odataString(value)})`;
}

/** `startswith(name,'prefix')`. */
export function odataStartsWith(name: string, prefix: string): string {
    return `startswith(${name},${odataString(prefix)})`;
}
