/**
 * The engine's parallelism, as the program sees it, and the warning when it is too low for the
 * declared devices. Pulumi.yaml and the stack config cannot set it (only `--parallel` or
 * PULUMI_PARALLEL on the command can), so the program says so when the command did not.
 *
 * A create that waits for Defender's action holds one of the engine's slots for its whole wait. With
 * fewer slots than declared devices, the isolations go a slot at a time: the engine's default, 4 per
 * CPU, turned 150 waited isolations into three times what Defender's limits allow.
 */
import { DEFAULT_RATE_LIMITS } from "../../defender/pacing";

/** Defender's hourly budget per API: the most isolations (or releases) one application starts in an hour. */
export const RECOMMENDED_PARALLELISM = Math.max(...DEFAULT_RATE_LIMITS.map((l) => l.calls));

/**
 * The engine's parallelism, which the language host hands the Node program (PULUMI_NODEJS_PARALLEL);
 * undefined when unknown (a test, another host).
 */
export function engineParallelism(env: NodeJS.ProcessEnv = process.env): number | undefined {
    const text = env.PULUMI_NODEJS_PARALLEL;
    if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
    const n = Number(text);
    return n > 0 ? n : undefined;
}

/** The warning when waited isolations outnumber the engine's slots; undefined when they do not (or nothing waits). */
export function parallelismWarning(devices: number, waitForCompletion: boolean, parallel: number | undefined): string | undefined {
    if (!waitForCompletion || parallel === undefined || devices <= parallel) return undefined;
    return (
        `The engine runs ${parallel} resource operations at once (--parallel), and each of the ${devices} declared devices holds one while its isolation or release waits for Defender, ` +
        `so they go ${parallel} at a time, slower than Defender's limits require. Run the command with --parallel ${RECOMMENDED_PARALLELISM} ` +
        `(or set PULUMI_PARALLEL=${RECOMMENDED_PARALLELISM}): Defender starts at most ${RECOMMENDED_PARALLELISM} isolations an hour per application. See docs/scaling.md.`
    );
}
