// Every API and token request, kept raw (headers and body included) so tests can assert exactly what a
// client sent, and scan it for leaked secrets. Control API calls are not logged.
import type { FaultKind } from "./faults";
import type { RouteName } from "../routes/catalogue";

export interface RequestLogEntry {
    /** 1, 2, 3... since start or the last clear. */
    seq: number;
    /** When the request arrived (emulator clock, ISO). */
    timestamp: string;
    method: string;
    /** The request target exactly as sent (path and query). */
    url: string;
    path: string;
    /** Decoded query parameters (last value wins; `url` keeps the raw form). */
    query: Record<string, string>;
    /** Lower-cased header names; repeated headers joined with ", ". */
    headers: Record<string, string>;
    /** Header names and values as received, in order. */
    rawHeaders: string[];
    body: string;
    /** Status answered, or null when the connection was dropped without an answer. */
    status: number | null;
    route: RouteName | null;
    /** Token's client id for API calls; the form's client_id for token requests; null if none. */
    clientId: string | null;
    /** The fault that shaped this request, if any. */
    fault: FaultKind | null;
}

export class RequestLog {
    private entries: RequestLogEntry[] = [];
    private seq = 0;

    constructor(private readonly limit: number) {}

    nextSeq(): number {
        return ++this.seq;
    }

    add(entry: RequestLogEntry): void {
        if (this.limit === 0) return;
        // Entries complete out of order (delays, concurrency); keep them in arrival order.
        let i = this.entries.length;
        while (i > 0 && this.entries[i - 1].seq > entry.seq) i--;
        this.entries.splice(i, 0, entry);
        if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    }

    list(): RequestLogEntry[] {
        return this.entries.map((e) => structuredClone(e));
    }

    clear(): void {
        this.entries = [];
        this.seq = 0;
    }
}
