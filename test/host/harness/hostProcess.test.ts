import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { captureRegistrations } from "../../../testkit/host/registration";
import { ProviderCallError, startProviderHost, urnFor, type ProviderHost } from "../../../testkit/host/providerHost";
import { Counter, COUNTER_IMPL_ENV, COUNTER_TYPE } from "../../../testkit/host/fixtures/counterResource";
import { counterConfig, counterInputs } from "../../../testkit/host/fixtures/counterBuilders";
import { REPO_ROOT } from "../../../testkit/paths";

const URN = urnFor(COUNTER_TYPE, "c1", "counter");

describe("the provider host process", () => {
    let providerText: string;
    const started: ProviderHost[] = [];

    async function start(opts: Partial<Parameters<typeof startProviderHost>[0]> = {}): Promise<ProviderHost> {
        const host = await startProviderHost({ cwd: REPO_ROOT, project: "counter", ...opts });
        started.push(host);
        return host;
    }

    before(async () => {
        const [r] = await captureRegistrations(() => {
            new Counter("c1", { start: 1 });
        });
        providerText = String(r.inputs.__provider);
    });

    after(async () => {
        await Promise.all(started.map((h) => h.stop()));
    });

    it("stops cleanly: SIGTERM ends the process and nothing is printed on stderr", async () => {
        const host = await start();
        await host.configure(counterConfig());
        await host.create(URN, counterInputs(providerText));
        assert.deepEqual(await host.stop(), { code: null, signal: "SIGTERM" });
        assert.throws(() => process.kill(host.pid, 0), { code: "ESRCH" });
        assert.deepEqual(host.stderr(), [`warning: [runtime] counter counter-1 created`]);
    });

    it("rejects the call in flight when the host is killed in the middle of it", async () => {
        const host = await start();
        await host.configure(counterConfig());
        const inFlight = host.create(URN, counterInputs(providerText, { delayMs: 5000 }));
        await host.waitForLine("counter create started", { stream: "stdout" });
        host.kill("SIGKILL");
        const err = await inFlight.then(
            () => assert.fail("create should fail"),
            (e: unknown) => e,
        );
        assert.ok(err instanceof ProviderCallError);
        assert.equal(err.code, 14);
        assert.match(err.message, /^create: the provider host is unavailable/);
        assert.deepEqual(await host.exited(), { code: null, signal: "SIGKILL" });
    });

    it("fails a call that outlives its deadline instead of hanging", async () => {
        const host = await start();
        await host.configure(counterConfig());
        await assert.rejects(host.create(URN, counterInputs(providerText, { delayMs: 2000 }), { deadlineMs: 200 }), {
            code: 4,
            message: "create: the provider host did not answer within 200 ms",
        });
    });

    it("requires configure() before any CRUD call, as the engine does", async () => {
        const host = await start();
        await assert.rejects(host.check(URN, {}, counterInputs(providerText)), /check\(\): call configure\(\) first/);
    });

    describe("the engine address", () => {
        let engine: net.Server;
        let connections = 0;

        before(async () => {
            engine = net.createServer((socket) => {
                connections++;
                socket.destroy();
            });
            await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
        });

        after(async () => {
            await new Promise((resolve) => engine.close(resolve));
        });

        it("is required on the command line but never dialed", async () => {
            const { port } = engine.address() as net.AddressInfo;
            const host = await start({ engineAddress: `127.0.0.1:${port}` });
            await host.configure(counterConfig());
            const created = await host.create(URN, counterInputs(providerText));
            await host.delete(created.id, URN, created.properties);
            await host.waitForLine(`counter ${created.id} deleted`);
            assert.equal(connections, 0);
        });
    });

    describe("the working directory", () => {
        let elsewhere: string;

        before(() => {
            elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "provider-host-cwd-"));
        });

        after(() => {
            fs.rmSync(elsewhere, { recursive: true, force: true });
        });

        it("must resolve @pulumi/pulumi, as the engine's shim resolves the host script from it", async () => {
            await assert.rejects(startProviderHost({ cwd: elsewhere }), /@pulumi\/pulumi is not resolvable from cwd/);
        });

        it("is where require() inside the serialized provider resolves relative paths", async () => {
            const hostScript = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
            const lost = await start({ cwd: elsewhere, hostScript });
            await lost.configure(counterConfig());
            const missing = path.join(fs.realpathSync(elsewhere), "dist/testkit/host/fixtures/counterProvider.js");
            await assert.rejects(lost.check(URN, {}, counterInputs(providerText)), (err: Error) => err.message.startsWith(`Cannot find module '${missing}'`));

            const pinned = await start({
                cwd: elsewhere,
                hostScript,
                env: { [COUNTER_IMPL_ENV]: path.join(REPO_ROOT, "dist/testkit/host/fixtures/counterProvider.js") },
            });
            await pinned.configure(counterConfig());
            const checked = await pinned.check(URN, {}, counterInputs(providerText));
            assert.deepEqual(checked.failures, []);
        });
    });
});
