/**
 * Loaded with `node --require` into a process the benchmark measures: when the process exits, its
 * peak resident memory (`process.resourceUsage().maxRSS`, kB) is written to BENCH_RSS_FILE.
 */
import { writeFileSync } from "fs";

const file = process.env.BENCH_RSS_FILE;
if (file) {
    process.on("exit", () => {
        writeFileSync(file, String(process.resourceUsage().maxRSS));
    });
}
