// What a handler answers: plain data, written (or deliberately not written) by the server.

export interface Reply {
    status: number;
    headers: Record<string, string>;
    /** Serialized as JSON unless it is a string. */
    body: unknown;
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
    return { status, headers, body };
}
