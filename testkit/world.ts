/**
 * A test world: the emulator over HTTPS, and the real provider host configured against it the way
 * the engine does (stack config with a secret client secret, the real ClientSecretCredential, the
 * emulator's CA trusted through NODE_EXTRA_CA_CERTS), plus the engine's steps for one resource:
 * register (setMocks) → check → create / diff / update / read / delete.
 */
import { strict as assert } from "assert";
import { DeviceIsolation, type DeviceIsolationArgs } from "../provider";
import { DEVICE_ISOLATION_TYPE } from "../provider/resource/deviceIsolation";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../emulator";
import { ProviderCallError, startProviderHost, urnFor, type ProviderHost, type PropertyMap } from "./host/providerHost";
import { captureRegistrations } from "./host/registration";

export { REPO_ROOT } from "./paths";
import { REPO_ROOT } from "./paths";
export const RESOURCE_TYPE = DEVICE_ISOLATION_TYPE;
export const TENANT_ID = "7d6b0a4e-1c3f-4d2b-9a8e-3f1e2d4c5b6a";
export const CLIENT_ID = "c0ffee00-1234-4abc-9def-0123456789ab";
/** Recognizable, so a leak anywhere is easy to find. */
export const CLIENT_SECRET = "S3cr3t~never-log-this-0f9e8d7c";

export interface WorldOptions {
    emulator?: EmulatorOptions;
    /** Extra or overriding `defender:*` stack config (keys without the namespace). */
    config?: Record<string, string>;
    env?: NodeJS.ProcessEnv;
    /** Deadline of every host call, in ms (a create that paces thousands of calls takes minutes). @default 60000 */
    callTimeoutMs?: number;
}

export interface World {
    emulator: RunningEmulator;
    host: ProviderHost;
    urn(name: string): string;
    /** The inputs the program registers for this declaration (with `__provider`). */
    register(name: string, args: DeviceIsolationArgs): Promise<PropertyMap>;
    /** register + check; fails the test on check failures. */
    checked(name: string, args: DeviceIsolationArgs): Promise<PropertyMap>;
    /** register + check + create: what `pulumi up` does for a new resource. */
    create(name: string, args: DeviceIsolationArgs): Promise<{ id: string; properties: PropertyMap }>;
    /** Resolves with the first host output line written after this call that matches. */
    nextLine(pattern: RegExp, stream?: "stdout" | "stderr", timeoutMs?: number): Promise<string>;
    /** API requests (not token requests) made since the last clear, as "METHOD path?query". */
    apiCalls(): string[];
    /** Another configured host: the next engine command (a new deployment, so no memory of this one). Stopped with the world. */
    nextDeployment(config?: Record<string, string>): Promise<ProviderHost>;
    stop(): Promise<void>;
}

/** Fast lifecycle for tests; no emulator limits unless a test sets them. */
export const FAST_EMULATOR: EmulatorOptions = {
    actionDelays: { toInProgressMs: 40, toSucceededMs: 120 },
    rateLimits: false,
};

export function stackConfig(emulator: RunningEmulator, overrides: Record<string, string> = {}): Record<string, string> {
    const config: Record<string, string> = {
        tenantId: TENANT_ID,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        apiBaseUrl: emulator.url,
        authorityHost: emulator.url,
        pollIntervalSeconds: "0.05",
        rateLimits: JSON.stringify([{ calls: 100000, perSeconds: 1 }]),
        ...overrides,
    };
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [`defender:${k}`, v]));
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
    const emulator = await startEmulator({ ...FAST_EMULATOR, ...opts.emulator });
    let host: ProviderHost | undefined;
    try {
        host = await startProviderHost({
            cwd: REPO_ROOT,
            env: { NODE_EXTRA_CA_CERTS: emulator.caCertPath, ...opts.env },
            callTimeoutMs: opts.callTimeoutMs ?? 60_000,
        });
        await host.configure(stackConfig(emulator, opts.config), ["defender:clientSecret"]);
    } catch (e) {
        await host?.stop();
        await emulator.stop();
        throw e;
    }
    const h = host;
    const extraHosts: ProviderHost[] = [];
    const urn = (name: string) => urnFor(RESOURCE_TYPE, name);
    const register = async (name: string, args: DeviceIsolationArgs) => {
        const resources = await captureRegistrations(() => {
            new DeviceIsolation(name, args);
        });
        const resource = resources.find((r) => r.type === RESOURCE_TYPE);
        assert.ok(resource, `no ${RESOURCE_TYPE} registered`);
        return resource.inputs;
    };
    const checked = async (name: string, args: DeviceIsolationArgs) => {
        const result = await h.check(urn(name), {}, await register(name, args));
        assert.deepEqual(result.failures, [], "check failures");
        return result.inputs;
    };
    return {
        emulator,
        host: h,
        urn,
        register,
        checked,
        async create(name, args) {
            const result = await h.create(urn(name), await checked(name, args));
            return { id: result.id, properties: result.properties };
        },
        nextLine(pattern, stream = "stdout", timeoutMs = 10_000) {
            const lines = () => (stream === "stdout" ? h.stdout() : h.stderr());
            const from = lines().length;
            const deadline = Date.now() + timeoutMs;
            return new Promise((resolve, reject) => {
                const look = () => {
                    const hit = lines()
                        .slice(from)
                        .find((l) => pattern.test(l));
                    if (hit) return resolve(hit);
                    if (Date.now() > deadline) return reject(new Error(`no ${stream} line matching ${pattern} within ${timeoutMs} ms`));
                    setTimeout(look, 20);
                };
                look();
            });
        },
        apiCalls: () =>
            emulator
                .requests()
                .filter((r) => r.path.startsWith("/api/"))
                .map((r) => `${r.method} ${r.url}`),
        async nextDeployment(config) {
            const next = await startProviderHost({
                cwd: REPO_ROOT,
                env: { NODE_EXTRA_CA_CERTS: emulator.caCertPath, ...opts.env },
                callTimeoutMs: opts.callTimeoutMs ?? 60_000,
            });
            extraHosts.push(next);
            await next.configure(stackConfig(emulator, { ...opts.config, ...config }), ["defender:clientSecret"]);
            return next;
        },
        async stop() {
            await Promise.all(extraHosts.map((x) => x.stop()));
            await h.stop();
            await emulator.stop();
        },
    };
}

/** Awaits a provider call that must fail with the provider's own error matching `pattern`; returns it. */
export async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<ProviderCallError> {
    try {
        await p;
    } catch (e) {
        assert.ok(e instanceof ProviderCallError, `expected a provider error, got ${String(e)}`);
        assert.match(e.message, pattern);
        return e;
    }
    assert.fail(`expected an error matching ${pattern}`);
}
