/**
 * Shorter retry clocks inside a provider host, for fault tests.
 *
 * The client's retry timings (GET backoff from 500 ms, 60 s after a 429 without Retry-After) have no
 * `defender:*` key, so a test cannot shorten them the way a user would (the request timeout has one:
 * `defender:requestTimeoutSeconds`). This file is loaded into the host with `NODE_OPTIONS=--require`,
 * before the provider, and replaces those *defaults* (never any rule or retry count): the host then
 * behaves as if a `defender:retry` key were set. Nothing happens unless the environment variable below
 * is set, so importing this file elsewhere is harmless.
 */
import * as path from "path";
import { distPath } from "../paths";

/** Environment variable holding the JSON {@link FaultSeams}. */
export const SEAMS_ENV = "DEFENDER_TEST_FAULT_SEAMS";

export interface FaultSeams {
    /** Replaces fields of DEFAULT_RETRY_OPTIONS (backoffBaseMs, defaultRetryAfterSeconds...). @default unchanged */
    retry?: Record<string, number | boolean>;
}

/** The repository's compiled provider, as the host loads it. */
const DEFENDER_DIST = distPath("provider/defender");

/** Host environment that loads these seams: pass it in ProviderHostOptions.env. */
export function seamEnv(seams: FaultSeams): NodeJS.ProcessEnv {
    return { NODE_OPTIONS: `--require ${__filename}`, [SEAMS_ENV]: JSON.stringify(seams) };
}

/** Patches the defaults in this process; returns what it changed. */
export function applySeams(seams: FaultSeams): string[] {
    const changed: string[] = [];
    if (seams.retry !== undefined) {
        const retry = require(path.join(DEFENDER_DIST, "retry.js")) as { DEFAULT_RETRY_OPTIONS: Record<string, unknown> };
        retry.DEFAULT_RETRY_OPTIONS = Object.freeze({ ...retry.DEFAULT_RETRY_OPTIONS, ...seams.retry });
        changed.push(`retry=${JSON.stringify(seams.retry)}`);
    }
    return changed;
}

const fromEnv = process.env[SEAMS_ENV];
if (fromEnv !== undefined && fromEnv !== "") applySeams(JSON.parse(fromEnv) as FaultSeams);
