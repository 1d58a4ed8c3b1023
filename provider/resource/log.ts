/**
 * Progress and warnings from inside the provider host. The Pulumi CLI shows these lines under the
 * resource's operation; they never carry a token or secret (nothing here ever holds one).
 *
 * They quote Defender's text (device names, requestors), so they go out through engineLines: a crafted
 * hostname can neither drive the terminal nor inject HTML into the pull request comment. Our own
 * wording holds no control character and no angle bracket, so it passes unchanged.
 */
import * as pulumi from "@pulumi/pulumi";
import { engineLines } from "../base/engineText";

export const log = {
    info: (message: string): void => void pulumi.log.info(engineLines(message)),
    warn: (message: string): void => void pulumi.log.warn(engineLines(message)),
    /**
     * A progress line (a wait, its end, a rate-limit pause): shown while it is current, and left out of
     * the diagnostics the CLI repeats at the end, so a long wait prints each line once. The dynamic
     * provider's operations are not told their resource, so the engine shows these on the stack's row:
     * each line names its device.
     */
    progress: (message: string): void => void pulumi.log.info(engineLines(message), undefined, undefined, true),
};

/** "2m10s", "45s": how long a wait has lasted. */
export function elapsed(ms: number): string {
    const s = Math.floor(ms / 1000);
    return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** "3f2a1b9c…": ids shortened for log lines. */
export function short(id: string): string {
    return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
