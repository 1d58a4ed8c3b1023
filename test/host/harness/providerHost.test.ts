import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { captureRegistrations, type CapturedResource } from "../../../testkit/host/registration";
import { ProviderCallError, startProviderHost, UNKNOWN, type ProviderHost } from "../../../testkit/host/providerHost";
import { Counter } from "../../../testkit/host/fixtures/counterResource";
import { counterConfig, counterInputs } from "../../../testkit/host/fixtures/counterBuilders";
import { REPO_ROOT } from "../../../testkit/paths";

describe("ProviderHost driving the Counter fixture through the real dynamic provider host", () => {
    let host: ProviderHost;
    let registered: CapturedResource;
    let providerText: string;

    before(async () => {
        [registered] = await captureRegistrations(
            () => {
                new Counter("c1", { start: 5, note: pulumi.secret("hush") });
            },
            { project: "counter" },
        );
        providerText = String(registered.inputs.__provider);
        host = await startProviderHost({ cwd: REPO_ROOT, project: "counter" });
        assert.deepEqual(await host.configure({ ...counterConfig() }, ["counter:token"]), {
            acceptSecrets: false,
            acceptResources: false,
            supportsPreview: false,
        });
    });

    after(async () => {
        await host?.stop();
    });

    it("reports the SDK version as its plugin version", async () => {
        const { version } = require("@pulumi/pulumi/package.json") as { version: string };
        assert.deepEqual(await host.getPluginInfo(), { version });
    });

    it("round-trips check, diff, create, read, update and delete", async () => {
        const checked = await host.check(registered.urn, {}, registered.wireInputs);
        assert.deepEqual(checked.failures, []);
        assert.deepEqual(checked.secretInputs, ["note"]);
        assert.deepEqual(checked.inputs, { __provider: providerText, start: 5, step: 1, note: "hush" });

        const news = { ...registered.wireInputs, step: 1 };
        const created = await host.create(registered.urn, news);
        assert.match(created.id, /^counter-\d+$/);
        assert.equal(created.properties.value, 5);
        assert.equal(created.properties.noteLength, 4, "the secret reaches the provider as plaintext");
        assert.deepEqual(created.secretProperties, ["note"], "the engine re-marks the output of a secret input");
        assert.equal(created.sentToHost, true);

        const read = await host.read(created.id, registered.urn, created.properties, checked.inputs);
        assert.equal(read.id, created.id);
        assert.equal(read.properties.value, 5);
        assert.equal(read.properties.__provider, providerText);

        const changedStep = { ...checked.inputs, step: 3 };
        const diff = await host.diff(created.id, registered.urn, created.properties, changedStep, { oldInputs: checked.inputs });
        assert.deepEqual(diff, { changes: "DIFF_SOME", replaces: [], stables: [], deleteBeforeReplace: false, diffs: [], detailedDiff: undefined });

        const updated = await host.update(created.id, registered.urn, created.properties, changedStep, { oldInputs: checked.inputs });
        assert.equal(updated.properties.value, 8);

        await host.delete(created.id, registered.urn, updated.properties, { oldInputs: changedStep });
        const gone = await host.read(created.id, registered.urn, updated.properties);
        assert.equal(gone.id, "", "an empty id tells the engine the resource is gone");
    });

    it("hands configure() the stack config with the secret unwrapped to a string", async () => {
        const created = await host.create(registered.urn, counterInputs(providerText));
        assert.deepEqual(created.properties.configSeen, {
            label: "front-door",
            tokenType: "string",
            tokenLength: counterConfig()["counter:token"].length,
            runtimeConfigLabel: null,
        });
    });

    it("reports check failures as data", async () => {
        const checked = await host.check(registered.urn, {}, counterInputs(providerText, { start: "five" as unknown as number }));
        assert.deepEqual(checked.failures, [{ property: "start", reason: "start must be a number" }]);
    });

    it("passes unknowns to check and diff during preview and does not send create", async () => {
        const unknownStart = counterInputs(providerText, { start: UNKNOWN as unknown as number });
        const checked = await host.check(registered.urn, {}, unknownStart, { preview: true });
        assert.equal(checked.inputs.start, UNKNOWN);

        const created = await host.create(registered.urn, counterInputs(providerText));
        const diff = await host.diff(created.id, registered.urn, created.properties, unknownStart, { preview: true });
        assert.deepEqual([diff.changes, diff.replaces], ["DIFF_SOME", ["start"]]);

        const planned = await host.create(registered.urn, unknownStart, { preview: true });
        assert.deepEqual([planned.sentToHost, planned.id, planned.properties.start], [false, "", UNKNOWN]);
    });

    it("surfaces the provider's error message to the caller", async () => {
        const err = await host.create(registered.urn, counterInputs(providerText, { failWith: "Defender refused: device not onboarded" })).then(
            () => assert.fail("create should fail"),
            (e: unknown) => e,
        );
        assert.ok(err instanceof ProviderCallError);
        assert.equal(err.message, "Defender refused: device not onboarded");
        assert.deepEqual([err.method, err.code, err.initFailure], ["create", 2, undefined]);
    });

    it("decodes a partial failure: the id and properties the provider attached to its error", async () => {
        const err = await host.create(registered.urn, counterInputs(providerText, { failAfterCreateWith: "polling timed out" })).then(
            () => assert.fail("create should fail"),
            (e: unknown) => e,
        );
        assert.ok(err instanceof ProviderCallError);
        assert.equal(err.message, "polling timed out");
        assert.match(err.initFailure?.id ?? "", /^counter-\d+$/);
        assert.equal(err.initFailure?.properties.__provider, providerText);
        assert.deepEqual(err.initFailure?.reasons, ["left half-done"]);
    });

    it("fails create when an output is undefined, after the provider did its work", async () => {
        await assert.rejects(host.create(registered.urn, counterInputs(providerText, { returnUndefined: true })), {
            name: "ProviderCallError",
            message: "Unexpected struct type.",
        });
    });

    it("captures pulumi.log lines: info on stdout, warn on stderr, debug nowhere", async () => {
        const created = await host.create(registered.urn, counterInputs(providerText, { start: 77 }));
        await host.waitForLine(`warning: [runtime] counter ${created.id} created`, { stream: "stderr" });
        assert.ok(host.stdout().includes("info: [runtime] counter create started (start=77)"));
        assert.ok(![...host.stdout(), ...host.stderr()].some((line) => line.includes("counter debug line")));
    });

    it("prints an error thrown by check on stderr, unlike one thrown by create", async () => {
        await assert.rejects(host.create(registered.urn, counterInputs(providerText, { failWith: "create-side failure" })), {
            message: "create-side failure",
        });
        await assert.rejects(host.check(registered.urn, {}, counterInputs(providerText, { failCheckWith: "check-side failure" })), {
            message: "check-side failure",
        });
        await host.waitForLine("Error: check-side failure", { stream: "stderr" });
        assert.ok(!host.stderr().some((line) => line.includes("create-side failure")));
    });

    it("refuses marshalling the engine never does", async () => {
        await assert.rejects(host.create(registered.urn, { ...counterInputs(providerText), note: undefined }), /"note" is undefined/);
        await assert.rejects(host.configure({ clientSecret: "x" }), /config key "clientSecret" has no namespace/);
    });
});
