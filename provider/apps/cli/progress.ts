/**
 * Progress on a terminal: one line on stderr, rewritten in place, shown only once a read has taken
 * longer than `afterMs` (a fast answer shows nothing) and only when stderr is a terminal (pipes and
 * CI logs get the result alone). Pacing waits are shown too: a fleet read queued behind Defender's
 * rate limit must not look like a hang.
 */
import type { DefenderClientEvent } from "../../defender";
import type { InventoryProgress } from "../../inventory";

export interface ProgressSink {
    isTTY?: boolean;
    /** Terminal width: a longer line would wrap and could not be rewritten in place. */
    columns?: number;
    write(text: string): unknown;
}

export interface Progress {
    onInventory(event: InventoryProgress): void;
    onClient(event: DefenderClientEvent): void;
    /** Clears the line; nothing is shown afterwards. */
    done(): void;
}

export const PROGRESS_AFTER_MS = 1500;
const REDRAW_EVERY_MS = 100;

export function terminalProgress(sink: ProgressSink, options: { afterMs?: number; now?: () => number } = {}): Progress {
    const now = options.now ?? Date.now;
    const started = now();
    const afterMs = options.afterMs ?? PROGRESS_AFTER_MS;
    const state = { Isolate: "", Unisolate: "", device: "", lookups: "", wait: "" };
    let shown = false;
    let lastDraw = 0;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;

    const line = () => {
        const parts = [state.device, state.Isolate, state.Unisolate, state.lookups].filter((s) => s !== "");
        return `defender-isolation: ${parts.length > 0 ? parts.join(", ") : "reading"}${state.wait ? ` (${state.wait})` : ""}…`;
    };
    const draw = (force = false) => {
        if (!sink.isTTY || finished) return;
        const t = now();
        if (t - started < afterMs) return;
        if (!force && t - lastDraw < REDRAW_EVERY_MS) return;
        lastDraw = t;
        shown = true;
        const text = line();
        const width = Math.max(20, (sink.columns ?? 160) - 1);
        sink.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    };
    if (sink.isTTY) {
        timer = setTimeout(() => draw(true), afterMs);
        timer.unref();
    }

    return {
        onInventory(e) {
            if (e.phase === "actions") {
                const what = e.type === "device" ? "actions of the devices asked for" : `${e.type} actions`;
                state[e.type] = `${what}: ${e.actions.toLocaleString("en-US")} (page ${e.page})`;
            } else {
                state.lookups = `devices looked up: ${e.done.toLocaleString("en-US")}/${e.total.toLocaleString("en-US")}`;
            }
            state.wait = "";
            draw();
        },
        onClient(e) {
            if (e.type === "pacingWait" && e.waitMs >= 1000) {
                state.wait = `${e.cause === "retryAfter" ? "Retry-After" : "rate limit"}: next ${e.bucket} call in ${Math.ceil(e.waitMs / 1000)} s, ${e.queued} queued`;
                draw(true);
            } else if (e.type === "retry") {
                state.wait = `retrying ${e.method} ${e.path.split("?")[0]} (${e.cause}) in ${Math.ceil(e.delayMs / 1000)} s`;
                draw(true);
            }
        },
        done() {
            if (timer) clearTimeout(timer);
            if (shown && !finished) sink.write("\r\x1b[2K");
            finished = true;
        },
    };
}
