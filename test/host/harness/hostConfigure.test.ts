// How the host runs a provider's configure(): lazily, inside the first CRUD call for a given `__provider`
// text, after caching the provider. These tests pin the two consequences a provider must design around.
import { strict as assert } from "node:assert";
import { captureRegistrations } from "../../../testkit/host/registration";
import { startProviderHost, urnFor, type ProviderHost } from "../../../testkit/host/providerHost";
import { Counter, COUNTER_TYPE } from "../../../testkit/host/fixtures/counterResource";
import { counterConfig, counterInputs } from "../../../testkit/host/fixtures/counterBuilders";
import type { ConfigSeen } from "../../../testkit/host/fixtures/counterProvider";
import { REPO_ROOT } from "../../../testkit/paths";

const URN = urnFor(COUNTER_TYPE, "c1", "counter");

describe("configure() inside the provider host", () => {
    let providerText: string;
    const started: ProviderHost[] = [];

    async function configuredHost(extraConfig: Record<string, string>): Promise<ProviderHost> {
        const host = await startProviderHost({ cwd: REPO_ROOT, project: "counter" });
        started.push(host);
        await host.configure({ ...counterConfig(), ...extraConfig }, ["counter:token"]);
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

    it("lets a concurrent call run before an asynchronous configure() has finished", async () => {
        const host = await configuredHost({ "counter:configureDelayMs": "300" });
        const [first, second] = await Promise.all([host.create(URN, counterInputs(providerText)), host.create(URN, counterInputs(providerText))]);
        const seen = [first, second].map((c) => (c.properties.configSeen as ConfigSeen).tokenType);
        assert.deepEqual(seen, ["string", "unconfigured"]);
    });

    it("fails only the first call when configure() throws, then runs the provider unconfigured", async () => {
        const host = await configuredHost({ "counter:configureFailWith": "counter:token is not a token" });
        await assert.rejects(host.create(URN, counterInputs(providerText)), { message: "counter:token is not a token" });
        const next = await host.create(URN, counterInputs(providerText));
        assert.equal((next.properties.configSeen as ConfigSeen).tokenType, "unconfigured");
    });
});
