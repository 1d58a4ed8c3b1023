/**
 * The ideal time of a run: what the service's windows allow at best, so that wall time / ideal says how
 * close to the API's limit the provider ran. Defined in bench/README.md ("The ideal").
 */
import type { Bucket } from "../testkit/requests/apiLog";
import { minimumIssueTimeMs, type Window } from "../testkit/requests/windows";

export interface IdealInput {
    /** Calls the service accepted, per API budget (each budget has its own windows). */
    calls: Partial<Record<Bucket, number>>;
    /** The windows the service enforces on every API. */
    windows: readonly Window[];
    /** Devices isolated: one isolate call each, the one call that cannot be batched or avoided. */
    isolations: number;
    /** When creates wait: how long an action takes to finish once sent (0 otherwise). */
    actionMs: number;
}

export interface Ideal {
    /** max(every budget's minimum time for its accepted calls, floorMs). */
    idealMs: number;
    /** The budget (or "action" completion) that sets idealMs. */
    boundBy: Bucket | "action";
    /** The physical floor: the isolate budget's minimum time for one call per device, plus the action's duration. */
    floorMs: number;
    /** Each budget's minimum time for its accepted calls. */
    perBucketMs: Partial<Record<Bucket, number>>;
}

export function idealOf(input: IdealInput): Ideal {
    const perBucketMs: Partial<Record<Bucket, number>> = {};
    let idealMs = 0;
    let boundBy: Bucket | "action" = "isolate";
    for (const [bucket, n] of Object.entries(input.calls) as Array<[Bucket, number]>) {
        const ms = minimumIssueTimeMs(n, input.windows);
        perBucketMs[bucket] = ms;
        if (ms > idealMs || (ms === idealMs && bucket === "isolate")) {
            idealMs = ms;
            boundBy = bucket;
        }
    }
    const floorMs = minimumIssueTimeMs(input.isolations, input.windows) + input.actionMs;
    if (floorMs > idealMs) {
        idealMs = floorMs;
        boundBy = input.actionMs > 0 ? "action" : "isolate";
    }
    return { idealMs, boundBy, floorMs, perBucketMs };
}
