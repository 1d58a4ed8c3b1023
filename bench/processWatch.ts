/**
 * What the processes of one engine run cost, read from Linux's /proc while it runs: every process
 * whose environment carries the workspace's PULUMI_HOME (the CLI, the language host and the program it
 * runs, the provider host), sampled every `everyMs`. Peak RSS is each process's own high-water mark
 * (VmHWM), summed per role: an upper bound of what they held at once. Bytes written are the CLI's
 * `wchar` (every write() it made: the checkpoint, its backups and history, its terminal output).
 */
import * as fs from "fs";

export type Role = "cli" | "language" | "provider";

export interface ProcessCost {
    /** Sum of the peak RSS of the processes of each role, MB. */
    peakRssMb: Record<Role, number>;
    /** Bytes the CLI process wrote (wchar), at its last sample. */
    cliBytesWritten: number;
}

function roleOf(cmdline: string): Role {
    if (/dynamic-provider|pulumi-resource-pulumi-nodejs/.test(cmdline)) return "provider";
    if (/pulumi-language-nodejs|@pulumi[/\\]pulumi[/\\]cmd[/\\]run|run-policy-pack/.test(cmdline)) return "language";
    return "cli";
}

const read = (file: string) => {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return "";
    }
};

export function watchProcesses(pulumiHome: string, everyMs = 100): { stop(): ProcessCost } {
    const marker = `PULUMI_HOME=${pulumiHome}\0`;
    const peaks = new Map<number, { role: Role; kb: number }>();
    const wchar = new Map<number, number>();
    const sample = () => {
        for (const name of fs.readdirSync("/proc")) {
            if (!/^\d+$/.test(name)) continue;
            const pid = Number(name);
            if (!peaks.has(pid) && !read(`/proc/${pid}/environ`).includes(marker)) continue;
            const cmdline = read(`/proc/${pid}/cmdline`).replace(/\0/g, " ");
            const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(read(`/proc/${pid}/status`));
            if (!m) continue;
            const known = peaks.get(pid);
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
            return { peakRssMb, cliBytesWritten: [...wchar.values()].reduce((a, b) => a + b, 0) };
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
