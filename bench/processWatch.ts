/**
 * What the processes of one engine run cost, read from Linux's /proc while it runs: every process
 * whose environment carries the workspace's PULUMI_HOME (the CLI, the language host and the program it
 * runs, the provider host), sampled every `everyMs`. Peak RSS is each process's own high-water mark
 * (VmHWM), summed per role: an upper bound of what they held at once. Bytes written are the CLI's
 * `wchar` (every write() it made: the checkpoint, its backups and history, its terminal output).
 * Start times come from each process's own record (`/proc/<pid>/stat`, in clock ticks since boot), so
 * they are exact to a tick whatever the sampling interval.
 */
import * as fs from "fs";

export type Role = "cli" | "language" | "provider";

/** The processes a `pulumi up` starts, in the order it starts them; `cli` is the command itself. */
export type Stage = "cli" | "languageHost" | "program" | "providerHost";

export interface ProcessCost {
    /** Sum of the peak RSS of the processes of each role, MB. */
    peakRssMb: Record<Role, number>;
    /** Bytes the CLI process wrote (wchar), at its last sample. */
    cliBytesWritten: number;
    /**
     * When the first process of each stage started, for the stages seen: epoch ms as the kernel's
     * clock ticks since boot give it. The boot time is known to the second only, so compare these with
     * each other (`cli` is the earliest process), not with Date.now().
     */
    started: Partial<Record<Stage, number>>;
}

function roleOf(cmdline: string): Role {
    if (/dynamic-provider|pulumi-resource-pulumi-nodejs/.test(cmdline)) return "provider";
    if (/pulumi-language-nodejs|@pulumi[/\\]pulumi[/\\]cmd[/\\]run|run-policy-pack/.test(cmdline)) return "language";
    return "cli";
}

function stageOf(cmdline: string): Stage | undefined {
    if (/dynamic-provider[/\\]index\.js/.test(cmdline)) return "providerHost";
    if (/@pulumi[/\\]pulumi[/\\]cmd[/\\]run/.test(cmdline)) return "program";
    if (/pulumi-language-nodejs/.test(cmdline)) return "languageHost";
    return undefined;
}

const read = (file: string) => {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return "";
    }
};

/** Linux's clock tick (USER_HZ): 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;
let systemBoot: number | undefined;

/** When this machine booted (epoch ms), from /proc/stat. */
function bootMs(): number {
    systemBoot ??= Number(/^btime (\d+)$/m.exec(read("/proc/stat"))?.[1] ?? NaN) * 1000;
    return systemBoot;
}

/** When a process started (epoch ms), from field 22 of its /proc/<pid>/stat; undefined if unreadable. */
export function processStartMs(stat: string, bootedAt = bootMs()): number | undefined {
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[19]);
    return stat !== "" && Number.isFinite(ticks) && Number.isFinite(bootedAt) ? bootedAt + (ticks / TICKS_PER_SECOND) * 1000 : undefined;
}

export function watchProcesses(pulumiHome: string, everyMs = 100): { stop(): ProcessCost } {
    const marker = `PULUMI_HOME=${pulumiHome}\0`;
    const peaks = new Map<number, { role: Role; kb: number }>();
    const wchar = new Map<number, number>();
    const started: Partial<Record<Stage, number>> = {};
    const sample = () => {
        for (const name of fs.readdirSync("/proc")) {
            if (!/^\d+$/.test(name)) continue;
            const pid = Number(name);
            if (!peaks.has(pid) && !read(`/proc/${pid}/environ`).includes(marker)) continue;
            const cmdline = read(`/proc/${pid}/cmdline`).replace(/\0/g, " ");
            const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(read(`/proc/${pid}/status`));
            if (!m) continue;
            const known = peaks.get(pid);
            if (!known) {
                const at = processStartMs(read(`/proc/${pid}/stat`));
                for (const stage of [stageOf(cmdline), "cli" as const]) {
                    if (stage && at !== undefined && at < (started[stage] ?? Infinity)) started[stage] = at;
                }
            }
            const role = known?.role ?? roleOf(cmdline);
            peaks.set(pid, { role, kb: Math.max(known?.kb ?? 0, Number(m[1])) });
            if (role === "cli") {
                const w = /^wchar:\s+(\d+)$/m.exec(read(`/proc/${pid}/io`));
                if (w) wchar.set(pid, Number(w[1]));
            }
        }
    };
    const timer = setInterval(sample, everyMs);
    sample();
    return {
        stop() {
            clearInterval(timer);
            const peakRssMb: Record<Role, number> = { cli: 0, language: 0, provider: 0 };
            for (const p of peaks.values()) peakRssMb[p.role] += p.kb / 1024;
            return { peakRssMb, cliBytesWritten: [...wchar.values()].reduce((a, b) => a + b, 0), started };
        },
    };
}

/** Samples a file's size while it changes: how many distinct versions were seen and their bytes summed. */
export function watchFile(file: string, everyMs = 50): { stop(): { versions: number; bytes: number } } {
    let last = "";
    let versions = 0;
    let bytes = 0;
    const timer = setInterval(() => {
        try {
            const st = fs.statSync(file);
            const key = `${st.mtimeMs}:${st.size}:${st.ino}`;
            if (key !== last) {
                last = key;
                versions++;
                bytes += st.size;
            }
        } catch {
            /* not written yet */
        }
    }, everyMs);
    return {
        stop() {
            clearInterval(timer);
            return { versions, bytes };
        },
    };
}
