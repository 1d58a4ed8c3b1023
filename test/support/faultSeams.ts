/**
 * Shorter client clocks inside a provider host, for fault tests.
 *
 * The client's per-request timeout (30 s) and its retry timings (GET backoff from 500 ms, 60 s after a
 * 429 without Retry-After) have no `defender:*` key yet, so a test cannot shorten them the way a user
 * would. This file is loaded into the host with `NODE_OPTIONS=--require`, before the provider, and
 * replaces those *defaults* (never any rule): the host then behaves as if the proposed keys
 * `defender:requestTimeoutSeconds` and `defender:retry` were set. Nothing happens unless the
 * environment variable below is set, so importing this file elsewhere is harmless.
 */
import * as path from "path";

/** Environment variable holding the JSON {@link FaultSeams}. */
export const SEAMS_ENV = "DEFENDER_TEST_FAULT_SEAMS";

export interface FaultSeams {
    /** Replaces the client's per-request timeout (DEFAULT_TIMEOUT_MS, 30000). @default unchanged */
    timeoutMs?: number;
    /** Replaces fields of DEFAULT_RETRY_OPTIONS (backoffBaseMs, defaultRetryAfterSeconds...). @default unchanged */
    retry?: Record<string, number | boolean>;
}

/** The repository's compiled provider, as the host loads it. */
const DEFENDER_DIST = path.resolve(__dirname, "../../provider/defender");

/** Host environment that loads these seams: pass it in ProviderHostOptions.env. */
export function seamEnv(seams: FaultSeams): NodeJS.ProcessEnv {
    return { NODE_OPTIONS: `--require ${__filename}`, [SEAMS_ENV]: JSON.stringify(seams) };
}

/** Patches the defaults in this process; returns what it changed (for the host's first stderr line in a debug run). */
export function applySeams(seams: FaultSeams): string[] {
    const changed: string[] = [];
    if (seams.timeoutMs !== undefined) {
        const options = require(path.join(DEFENDER_DIST, "options.js")) as { DEFAULT_TIMEOUT_MS: number };
        options.DEFAULT_TIMEOUT_MS = seams.timeoutMs;
        changed.push(`timeoutMs=${seams.timeoutMs}`);
    }
    if (seams.retry !== undefined) {
        const retry = require(path.join(DEFENDER_DIST, "retry.js")) as { DEFAULT_RETRY_OPTIONS: Record<string, unknown> };
        retry.DEFAULT_RETRY_OPTIONS = Object.freeze({ ...retry.DEFAULT_RETRY_OPTIONS, ...seams.retry });
        changed.push(`retry=${JSON.stringify(seams.retry)}`);
    }
    return changed;
}

const fromEnv = process.env[SEAMS_ENV];
if (fromEnv !== undefined && fromEnv !== "") applySeams(JSON.parse(fromEnv) as FaultSeams);
