/**
 * What the emulator saw, reduced to what the benchmark counts: one compact record per Defender API
 * request (token traffic left out), with the API budget it spends. Collected through the emulator's
 * `onRequest` hook, so the emulator's own log can stay small at thousands of calls.
 */
import type { RequestLogEntry } from "../../emulator";
import { API_BUCKETS, ENDPOINT_LIST, type ApiBucket } from "../../provider/defender";

/** Defender's separately limited APIs, as the client names them (re-exported for the benchmark). */
export type Bucket = ApiBucket;
export const BUCKETS: readonly Bucket[] = API_BUCKETS;

/** The budget of each emulator route: the client's endpoint of the same name. */
const BUCKET_OF_ROUTE: ReadonlyMap<string, Bucket> = new Map(ENDPOINT_LIST.map((e) => [e.name, e.bucket]));

export interface ApiRequest {
    /** Arrival at the emulator, epoch ms. */
    at: number;
    bucket: Bucket;
    route: string;
    /** null when the connection was dropped without an answer. */
    status: number | null;
    /** A read of actions by id, made to learn how an action is doing: `id in (...)` listings and GETs by id. */
    statusPoll: boolean;
}

/** The record of an API request, or undefined for token, discovery and unrouted traffic. */
export function apiRequestOf(entry: RequestLogEntry): ApiRequest | undefined {
    const bucket = entry.route === null ? undefined : BUCKET_OF_ROUTE.get(entry.route);
    if (bucket === undefined) return undefined;
    const filter = entry.query["$filter"] ?? "";
    return {
        at: Date.parse(entry.timestamp),
        bucket,
        route: entry.route as string,
        status: entry.status,
        statusPoll: entry.route === "getAction" || (entry.route === "listActions" && /(^|[\s(])id in \(/.test(filter)),
    };
}

/** Collects records from the emulator's `onRequest` hook. */
export function apiRecorder(): { onRequest: (entry: RequestLogEntry) => void; requests: () => ApiRequest[]; clear: () => void } {
    let records: ApiRequest[] = [];
    return {
        onRequest: (entry) => {
            const r = apiRequestOf(entry);
            if (r) records.push(r);
        },
        requests: () => [...records].sort((a, b) => a.at - b.at),
        clear: () => {
            records = [];
        },
    };
}

/** Accepted calls: answered, and not refused for the rate limit (only these take a slot at the service). */
export function isAccepted(r: ApiRequest): boolean {
    return r.status !== null && r.status !== 429;
}
