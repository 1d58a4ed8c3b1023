// A small HTTP(S) client for the conformance tests: trusts the emulator CA, no connection reuse.
import http from "http";
import https from "https";
import { readFileSync } from "fs";

export interface HttpResult {
    status: number;
    headers: http.IncomingHttpHeaders;
    text: string;
    /** Parsed JSON body (undefined when the body is not JSON). */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    json: any;
}

export interface RequestOptions {
    method?: string;
    headers?: Record<string, string>;
    /** Sent as is (string) or as JSON (object). */
    body?: string | object;
    /** Sent form-encoded. */
    form?: Record<string, string>;
    /** Bearer token. */
    token?: string;
    /** Bound on the whole exchange. @default 5000 */
    timeoutMs?: number;
}

const caCache = new Map<string, string>();

export function caPem(path: string): string {
    let pem = caCache.get(path);
    if (pem === undefined) {
        pem = readFileSync(path, "utf8");
        caCache.set(path, pem);
    }
    return pem;
}

export function send(baseUrl: string, path: string, opts: RequestOptions = {}, caPath?: string): Promise<HttpResult> {
    const url = new URL(path, baseUrl);
    const headers: Record<string, string> = { ...opts.headers };
    let payload: string | undefined;
    if (opts.form !== undefined) {
        payload = new URLSearchParams(opts.form).toString();
        headers["content-type"] ??= "application/x-www-form-urlencoded";
    } else if (typeof opts.body === "string") {
        payload = opts.body;
    } else if (opts.body !== undefined) {
        payload = JSON.stringify(opts.body);
        headers["content-type"] ??= "application/json";
    }
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
    const lib = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
        const req = lib.request(
            url,
            {
                method: opts.method ?? (payload !== undefined ? "POST" : "GET"),
                headers,
                agent: false,
                ca: caPath !== undefined && url.protocol === "https:" ? caPem(caPath) : undefined,
                timeout: opts.timeoutMs ?? 5000,
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("error", reject);
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    let json: unknown;
                    try {
                        json = text === "" ? undefined : JSON.parse(text);
                    } catch {
                        json = undefined;
                    }
                    resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
                });
            },
        );
        req.on("timeout", () => req.destroy(new Error("request timed out")));
        req.on("error", reject);
        req.end(payload);
    });
}
