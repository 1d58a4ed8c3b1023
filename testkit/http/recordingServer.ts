/**
 * A scripted HTTP server on 127.0.0.1 for client tests: answers come from a queue per route
 * (`METHOD /path`), and every request is recorded as it arrived (method, path, raw query, headers,
 * raw body, and `Date.now()` at arrival, so fake timers time-stamp it).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

// Captured before any test installs fake timers: scripted delays run on real time.
const realSetTimeout = globalThis.setTimeout;

export interface RecordedRequest {
    method: string;
    /** Path without the query, exactly as sent (still percent-encoded). */
    path: string;
    /** Query without the leading "?", exactly as sent; "" when none. */
    rawQuery: string;
    headers: http.IncomingHttpHeaders;
    body: string;
    /** Date.now() when the request arrived. */
    at: number;
}

export type ScriptedAnswer =
    | { status: number; headers?: Record<string, string>; json?: unknown; text?: string; delayMs?: number }
    /** Destroy the connection without answering. */
    | { drop: true }
    /** Never answer (until the server closes). */
    | { hang: true };

export type Responder = (request: RecordedRequest) => ScriptedAnswer;

export interface RecordingServer {
    /** http://127.0.0.1:<port> */
    readonly url: string;
    readonly requests: RecordedRequest[];
    /** Answers for `method path` (path without query; "*" for any path), used in order. */
    enqueue(method: string, path: string, ...answers: ScriptedAnswer[]): void;
    /** The answer for `method path` once its queue is empty. */
    fallback(method: string, path: string, answer: ScriptedAnswer | Responder): void;
    /** Queued answers not used yet, over every route. */
    unusedAnswers(): string[];
    /** Forgets requests, queues and fallbacks. */
    reset(): void;
    close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
    const requests: RecordedRequest[] = [];
    const queues = new Map<string, ScriptedAnswer[]>();
    const fallbacks = new Map<string, ScriptedAnswer | Responder>();

    const pick = (request: RecordedRequest): ScriptedAnswer => {
        for (const key of [`${request.method} ${request.path}`, `${request.method} *`]) {
            const queue = queues.get(key);
            if (queue && queue.length > 0) return queue.shift() as ScriptedAnswer;
            const fb = fallbacks.get(key);
            if (fb) return typeof fb === "function" ? fb(request) : fb;
        }
        return { status: 501, json: { error: { code: "NotScripted", message: `no answer scripted for ${request.method} ${request.path}` } } };
    };

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const url = req.url ?? "/";
            const q = url.indexOf("?");
            const recorded: RecordedRequest = {
                method: req.method ?? "",
                path: q < 0 ? url : url.slice(0, q),
                rawQuery: q < 0 ? "" : url.slice(q + 1),
                headers: req.headers,
                body: Buffer.concat(chunks).toString("utf8"),
                at: Date.now(),
            };
            requests.push(recorded);
            const answer = pick(recorded);
            if ("drop" in answer) {
                req.socket.destroy();
                return;
            }
            if ("hang" in answer) return;
            const send = () => {
                const body = answer.json !== undefined ? JSON.stringify(answer.json) : (answer.text ?? "");
                const headers: Record<string, string> = {
                    ...(answer.json !== undefined ? { "Content-Type": "application/json; charset=utf-8" } : {}),
                    ...answer.headers,
                };
                res.writeHead(answer.status, headers);
                res.end(body);
            };
            if (answer.delayMs) realSetTimeout(send, answer.delayMs);
            else send();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;

    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        enqueue(method, path, ...answers) {
            const key = `${method} ${path}`;
            queues.set(key, [...(queues.get(key) ?? []), ...answers]);
        },
        fallback(method, path, answer) {
            fallbacks.set(`${method} ${path}`, answer);
        },
        unusedAnswers() {
            return [...queues.entries()].filter(([, q]) => q.length > 0).map(([k, q]) => `${k} (${q.length})`);
        },
        reset() {
            requests.length = 0;
            queues.clear();
            fallbacks.clear();
        },
        close() {
            server.closeAllConnections();
            return new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
