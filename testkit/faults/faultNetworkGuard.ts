/**
 * Proves "no network": every way this process could open a connection or resolve a name is replaced
 * by a stub that records the attempt and throws. Restore with the sinon sandbox.
 */
import type { SinonSandbox } from "sinon";

// The modules themselves, not the import namespaces TypeScript builds over them (read-only getters).
const dns = require("dns") as typeof import("dns");
const http = require("http") as typeof import("http");
const https = require("https") as typeof import("https");
const net = require("net") as typeof import("net");
const tls = require("tls") as typeof import("tls");

export interface NetworkGuard {
    /** Attempts made while guarded, as "module.function". */
    attempts(): string[];
}

export function guardNetwork(sandbox: SinonSandbox): NetworkGuard {
    const attempts: string[] = [];
    const refuse = (what: string) => () => {
        attempts.push(what);
        throw new Error(`network access (${what}) during a test that must not touch the network`);
    };
    const targets: Array<[object, string, string]> = [
        [net.Socket.prototype, "connect", "net.Socket.connect"],
        [net, "connect", "net.connect"],
        [net, "createConnection", "net.createConnection"],
        [tls, "connect", "tls.connect"],
        [http, "request", "http.request"],
        [http, "get", "http.get"],
        [https, "request", "https.request"],
        [https, "get", "https.get"],
        [dns, "lookup", "dns.lookup"],
        [dns.promises, "lookup", "dns.promises.lookup"],
        [globalThis, "fetch", "fetch"],
    ];
    for (const [target, name, label] of targets) {
        const descriptor = Object.getOwnPropertyDescriptor(target, name);
        if (descriptor === undefined) continue;
        // A lazy getter (as fetch is in some Node versions): replace what it returns.
        if (descriptor.get) sandbox.replaceGetter(target as never, name as never, (() => refuse(label)) as never);
        else sandbox.replace(target as never, name as never, refuse(label) as never);
    }
    return { attempts: () => [...attempts] };
}
