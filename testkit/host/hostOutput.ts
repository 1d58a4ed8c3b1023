import type { ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import type { HostExit } from "./hostTypes";

/** Splits the host's stdout and stderr into lines and keeps all of them. */
export class HostOutput {
    readonly out: string[] = [];
    readonly err: string[] = [];
    readonly exit: Promise<HostExit>;
    private readonly events = new EventEmitter();
    private portLine: string | undefined;
    private exitInfo: HostExit | undefined;
    private spawnError: Error | undefined;

    constructor(child: ChildProcess, onClose: () => void) {
        this.events.setMaxListeners(0);
        this.exit = new Promise((resolve) => {
            // "close" comes after the process exited and its stdio ended, so every line is captured by then.
            child.once("close", (code, signal) => {
                onClose();
                this.exitInfo = { code, signal };
                this.events.emit("change");
                resolve(this.exitInfo);
            });
        });
        child.once("error", (err) => {
            this.spawnError = err;
            this.events.emit("change");
        });
        this.pipe(child.stdout, (line) => {
            if (this.portLine === undefined) {
                this.portLine = line;
            } else {
                this.out.push(line);
            }
        });
        this.pipe(child.stderr, (line) => this.err.push(line));
    }

    private pipe(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
        if (stream === null) {
            return;
        }
        let partial = "";
        stream.setEncoding("utf8");
        stream.on("data", (chunk: string) => {
            const parts = (partial + chunk).split("\n");
            partial = parts.pop() ?? "";
            for (const p of parts) {
                onLine(p.replace(/\r$/, ""));
            }
            this.events.emit("change");
        });
        stream.on("end", () => {
            if (partial !== "") {
                onLine(partial);
                partial = "";
                this.events.emit("change");
            }
        });
    }

    /** Waits until `probe` returns a value, the process is gone, or the time is up. */
    waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
        return new Promise((resolve, reject) => {
            const check = (): boolean => {
                const found = probe();
                if (found !== undefined) {
                    finish();
                    resolve(found);
                    return true;
                }
                if (this.spawnError !== undefined || this.exitInfo !== undefined) {
                    finish();
                    const how = this.spawnError ? this.spawnError.message : `exit code ${this.exitInfo?.code}, signal ${this.exitInfo?.signal}`;
                    reject(new Error(`${what}: the provider host is gone (${how}); stderr:\n${this.err.join("\n")}`));
                    return true;
                }
                return false;
            };
            const timer = setTimeout(() => {
                finish();
                reject(new Error(`${what}: nothing within ${timeoutMs} ms`));
            }, timeoutMs);
            const onChange = (): void => {
                check();
            };
            const finish = (): void => {
                clearTimeout(timer);
                this.events.off("change", onChange);
            };
            if (!check()) {
                this.events.on("change", onChange);
            }
        });
    }

    async port(timeoutMs: number): Promise<number> {
        const line = await this.waitFor(() => this.portLine, timeoutMs, "startProviderHost: waiting for the port line");
        const port = Number(line.trim());
        if (!Number.isInteger(port) || port <= 0 || port > 65535) {
            throw new Error(`startProviderHost: the host's first stdout line is not a port: ${JSON.stringify(line)}`);
        }
        return port;
    }
}
