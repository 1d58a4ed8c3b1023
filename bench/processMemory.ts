/** Peak resident memory of a process, from Linux's /proc (VmHWM: the high-water mark of its RSS). */
import { readFileSync } from "fs";

/** MB (1024²), or NaN where /proc is not available (the benchmark then reports it as unknown). */
export function peakRssMb(pid: number): number {
    try {
        const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Number(m[1]) / 1024 : NaN;
    } catch {
        return NaN;
    }
}
