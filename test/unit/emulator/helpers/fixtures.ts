// Typed fixtures for the emulator tests: a started emulator with fast defaults, a client bound to it,
// and builders with overrides.
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { DEFAULT_AUDIENCE, DeviceSpec, EmulatorOptions, RunningEmulator, startEmulator } from "../../../../emulator";
import { HttpResult, RequestOptions, send } from "../../../../testkit/http/send";
import { lateBound } from "../../../../testkit/lateBound";

let sharedTlsDir: string | undefined;

/** One CA directory per test process, removed at exit. */
export function testTlsDir(): string {
    if (sharedTlsDir === undefined) {
        const dir = mkdtempSync(join(tmpdir(), "emulator-test-tls-"));
        sharedTlsDir = dir;
        process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    }
    return sharedTlsDir;
}

/** Fast lifecycle, no rate limits, HTTPS with the test CA; override anything. */
export function testOptions(overrides: EmulatorOptions = {}): EmulatorOptions {
    return {
        tlsDir: testTlsDir(),
        actionDelays: { toInProgressMs: 1000, toSucceededMs: 2000 },
        rateLimits: false,
        ...overrides,
    };
}

export async function startTestEmulator(overrides: EmulatorOptions = {}): Promise<RunningEmulator> {
    return startEmulator(testOptions(overrides));
}

/**
 * A test emulator for the suite, started before its tests and stopped after them; before each test it
 * is reset and `client` is a new client, signed in unless `signIn` is false, and with `clearRequests`
 * the sign-in is cleared from the request log.
 */
export function useTestEmulator(
    overrides: EmulatorOptions = {},
    each: { signIn?: boolean; clearRequests?: boolean } = {},
): { emu: RunningEmulator; client: EmulatorClient } {
    let emu: RunningEmulator | undefined;
    let client: EmulatorClient | undefined;
    before(async () => {
        emu = await startTestEmulator(overrides);
    });
    after(async () => {
        await emu?.stop();
        emu = undefined;
    });
    beforeEach(async () => {
        if (emu === undefined) return;
        emu.reset();
        client = new EmulatorClient(emu);
        if (each.signIn !== false) await client.signIn();
        if (each.clearRequests) emu.clearRequests();
    });
    return { emu: lateBound("the test emulator", () => emu), client: lateBound("the emulator client", () => client) };
}

export const TENANT = "11111111-2222-3333-4444-555555555555";
export const CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
export const CLIENT_SECRET = "emulator-test-secret-value";

export interface TokenRequest {
    tenant: string;
    grant_type: string;
    client_id: string;
    client_secret: string;
    scope: string;
}

export function tokenRequest(overrides: Partial<TokenRequest> = {}): TokenRequest {
    return { tenant: TENANT, grant_type: "client_credentials", client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: DEFAULT_AUDIENCE, ...overrides };
}

export interface IsolateBody {
    Comment?: unknown;
    IsolationType?: unknown;
    [key: string]: unknown;
}

export function isolateBody(overrides: IsolateBody = {}): IsolateBody {
    return { Comment: "Isolate machine due to alert 1234", IsolationType: "Full", ...overrides };
}

export function deviceSpec(overrides: Partial<DeviceSpec> = {}): DeviceSpec {
    return {
        id: "0123456789abcdef0123456789abcdef01234567",
        computerDnsName: "test-lt-001.contoso.com",
        osPlatform: "Windows11",
        ...overrides,
    };
}

/** A client bound to one emulator: raw calls plus the API's endpoints. */
export class EmulatorClient {
    constructor(
        readonly emu: RunningEmulator,
        public token?: string,
    ) {}

    call(path: string, opts: RequestOptions = {}): Promise<HttpResult> {
        return send(this.emu.url, path, { token: this.token, ...opts }, this.emu.caCertPath);
    }

    requestToken(req: Partial<TokenRequest> = {}, headers: Record<string, string> = {}): Promise<HttpResult> {
        const { tenant, ...form } = tokenRequest(req);
        return send(this.emu.url, `/${tenant}/oauth2/v2.0/token`, { form: form as unknown as Record<string, string>, headers }, this.emu.caCertPath);
    }

    /** Gets a token from the token endpoint and uses it from now on. */
    async signIn(req: Partial<TokenRequest> = {}): Promise<string> {
        const r = await this.requestToken(req);
        if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
        this.token = r.json.access_token as string;
        return this.token;
    }

    isolate(machineId: string, body: object | string = isolateBody()): Promise<HttpResult> {
        return this.call(`/api/machines/${machineId}/isolate`, { method: "POST", body });
    }

    unisolate(machineId: string, body: object | string = { Comment: "Release after investigation" }): Promise<HttpResult> {
        return this.call(`/api/machines/${machineId}/unisolate`, { method: "POST", body });
    }

    getAction(id: string): Promise<HttpResult> {
        return this.call(`/api/machineactions/${id}`);
    }

    listActions(query = ""): Promise<HttpResult> {
        return this.call(`/api/machineactions${query}`);
    }

    cancel(id: string, body?: object | string): Promise<HttpResult> {
        return this.call(`/api/machineactions/${id}/cancel`, { method: "POST", body: body ?? "" });
    }

    getMachine(idOrName: string): Promise<HttpResult> {
        return this.call(`/api/machines/${encodeURIComponent(idOrName)}`);
    }

    listMachines(query = ""): Promise<HttpResult> {
        return this.call(`/api/machines${query}`);
    }

    control(method: string, path: string, body?: object): Promise<HttpResult> {
        return send(this.emu.url, `/_emulator${path}`, { method, body }, this.emu.caCertPath);
    }
}

/** Query string builder that encodes OData the way clients do ($ kept, spaces as %20). */
export function odata(params: Record<string, string | number>): string {
    return `?${Object.entries(params)
        .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
        .join("&")}`;
}
