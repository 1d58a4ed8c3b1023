/**
 * A client against a scripted local server: one server per describe block, and for each test a
 * fresh request log, fresh pacing and credential registries and a fresh counting credential.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createDefenderClient, resetCredentials, resetPacing, type DefenderClient, type DefenderClientOptions } from "../../../../provider/defender";
import { startRecordingServer, type RecordedRequest, type RecordingServer } from "../../../../testkit/http/recordingServer";
import { fakeCredential, type FakeCredential } from "./fakeCredential";
import { REPO_ROOT } from "../../../../testkit/paths";

export interface Harness {
    readonly server: RecordingServer;
    readonly credential: FakeCredential;
    /** A client on the server with the test credential; jitter off and millisecond backoff unless overridden. */
    client(overrides?: Partial<DefenderClientOptions>): DefenderClient;
}

/** The package's own User-Agent, read independently of the code under test. */
export function expectedUserAgent(): string {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { name: string; version: string };
    return `${pkg.name}/${pkg.version}`;
}

/** Registers the hooks in the calling describe block. */
export function useHarness(): Harness {
    let server: RecordingServer | undefined;
    let credential = fakeCredential();
    before(async () => {
        server = await startRecordingServer();
    });
    after(async () => {
        await server?.close();
    });
    beforeEach(() => {
        server?.reset();
        resetPacing();
        resetCredentials();
        credential = fakeCredential();
    });
    afterEach(() => {
        resetPacing();
    });
    return {
        get server() {
            if (!server) throw new Error("server not started");
            return server;
        },
        get credential() {
            return credential;
        },
        client(overrides = {}) {
            if (!server) throw new Error("server not started");
            return createDefenderClient({
                apiBaseUrl: server.url,
                credential,
                retry: { jitter: false, backoffBaseMs: 1, backoffMaxMs: 5 },
                ...overrides,
            });
        },
    };
}

/** The parts of a recorded request a test asserts exactly. */
export function summary(r: RecordedRequest): { method: string; path: string; rawQuery: string; body: string } {
    return { method: r.method, path: r.path, rawQuery: r.rawQuery, body: r.body };
}
