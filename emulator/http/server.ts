// The HTTP(S) server on 127.0.0.1: control routes go to the control API, everything else to the core's
// API exchange. stop() ends pending delays and closes every socket, so test runners can exit.
import http from "http";
import https from "https";
import { AddressInfo } from "net";
import { EmulatorCore } from "../core/emulatorCore";
import { handleApiRequest } from "./apiEndpoint";
import { handleControlRequest } from "./controlEndpoint";

export const LISTEN_HOST = "127.0.0.1";

export interface ServerTls {
    cert: string;
    key: string;
}

export interface ListeningServer {
    url: string;
    port: number;
    stop(): Promise<void>;
}

/** Waits that stop() can end early: each resolves true when its time is up, false once stopped. */
function trackedSleeps(): { sleep: (ms: number) => Promise<boolean>; stopAll: () => void } {
    let stopped = false;
    const sleepers = new Set<{ timer: NodeJS.Timeout; resolve: (v: boolean) => void }>();
    const sleep = (ms: number): Promise<boolean> =>
        new Promise((resolve) => {
            if (stopped) return resolve(false);
            const entry = {
                timer: setTimeout(() => {
                    sleepers.delete(entry);
                    resolve(!stopped);
                }, ms),
                resolve,
            };
            sleepers.add(entry);
        });
    const stopAll = (): void => {
        stopped = true;
        for (const s of sleepers) {
            clearTimeout(s.timer);
            s.resolve(false);
        }
        sleepers.clear();
    };
    return { sleep, stopAll };
}

/** A bug in the emulator must not hang the client: answer 500 and keep serving. */
function answerCrash(res: http.ServerResponse, e: unknown): void {
    if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: { code: "InternalServerError", message: `emulator error: ${(e as Error).message}`, target: "" } }));
    } else {
        res.destroy();
    }
}

export async function listen(core: EmulatorCore, port: number, tls: ServerTls | null): Promise<ListeningServer> {
    const scheme = tls ? "https" : "http";
    let baseUrl = "";
    const { sleep, stopAll } = trackedSleeps();

    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
        const path = (req.url ?? "/").split("?")[0];
        const work =
            path === "/_emulator" || path.startsWith("/_emulator/")
                ? handleControlRequest(req, res, core)
                : handleApiRequest(req, res, { core, scheme, baseUrl: () => baseUrl, sleep });
        work.catch((e: unknown) => answerCrash(res, e));
    };

    const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, onRequest) : http.createServer(onRequest);
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, LISTEN_HOST, () => {
            server.off("error", reject);
            resolve();
        });
    });
    const actualPort = (server.address() as AddressInfo).port;
    baseUrl = `${scheme}://${LISTEN_HOST}:${actualPort}`;

    let closing: Promise<void> | null = null;
    return {
        url: baseUrl,
        port: actualPort,
        stop(): Promise<void> {
            closing ??= new Promise<void>((resolve) => {
                stopAll();
                server.close(() => resolve());
                server.closeAllConnections();
            });
            return closing;
        },
    };
}
