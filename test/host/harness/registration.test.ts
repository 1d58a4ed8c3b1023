import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { programFromModule, runProgram, captureRegistrations } from "../../../testkit/host/registration";
import { UNKNOWN, urnFor } from "../../../testkit/host/providerHost";
import { Counter, COUNTER_TYPE } from "../../../testkit/host/fixtures/counterResource";
import { distPath } from "../../../testkit/paths";

describe("runProgram / captureRegistrations", () => {
    it("captures a dynamic resource with its serialized provider and engine URN", async () => {
        const resources = await captureRegistrations(
            () => {
                new Counter("c1", { start: 5 }, { customTimeouts: { create: "2m" }, retainOnDelete: true });
            },
            { project: "proj", stack: "dev" },
        );
        assert.equal(resources.length, 1);
        const [r] = resources;
        assert.equal(r.type, COUNTER_TYPE);
        assert.equal(r.name, "c1");
        assert.equal(r.urn, urnFor(COUNTER_TYPE, "c1", "proj", "dev"));
        assert.equal(r.parentUrn, "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev");
        assert.deepEqual(Object.keys(r.inputs).sort(), ["__provider", "start"]);
        assert.equal(r.inputs.start, 5);
        assert.match(String(r.inputs.__provider), /^exports\.handler = /);
        assert.deepEqual(r.secretInputs, []);
        assert.deepEqual(r.options.customTimeouts, { create: "2m", update: "", delete: "" });
        assert.equal(r.options.retainOnDelete, true);
    });

    it("reads namespaced config, marks secret config and returns stack outputs with their secrets", async () => {
        const run = await runProgram(
            () => {
                const config = new pulumi.Config();
                const counter = new Counter("c1", { start: Number(config.require("start")), note: config.requireSecret("note") });
                return { value: counter.value, label: config.require("label"), note: config.requireSecret("note") };
            },
            {
                project: "counter",
                config: { start: "7", "counter:label": "front-door", note: "hush" },
                secretKeys: ["note"],
                answer: (r) => ({ id: "counter-1", state: { ...r.inputs, value: 8 } }),
            },
        );
        const [r] = run.resources;
        assert.equal(r.inputs.start, 7);
        assert.equal(r.inputs.note, "hush");
        assert.deepEqual(r.secretInputs, ["note"]);
        assert.deepEqual(run.outputs, { value: 8, label: "front-door", note: "hush" });
        assert.deepEqual(run.secretOutputs, ["note"]);
        assert.equal(run.stackUrn, "urn:pulumi:stack::counter::pulumi:pulumi:Stack::counter-stack");
    });

    it("shows values computed from other resources as UNKNOWN during preview", async () => {
        const resources = await captureRegistrations(
            () => {
                const first = new Counter("first", { start: 1 });
                new Counter("second", { start: first.value.apply((v) => v + 1) });
            },
            { preview: true, answer: () => ({ state: { value: UNKNOWN } }) },
        );
        assert.deepEqual(
            resources.map((r) => [r.name, r.inputs.start]),
            [
                ["first", 1],
                ["second", UNKNOWN],
            ],
        );
    });

    it("rejects with the program's own error, and the next run still works", async () => {
        await assert.rejects(
            runProgram(() => {
                throw new Error("incident file is malformed");
            }),
            /incident file is malformed/,
        );
        const resources = await captureRegistrations(() => {
            new Counter("after", { start: 1 });
        });
        assert.deepEqual(
            resources.map((r) => r.name),
            ["after"],
        );
    });

    it("rejects with an error thrown later inside an apply", async () => {
        await assert.rejects(
            runProgram(() => {
                const c = new Counter("c1", { start: 1 });
                c.urn.apply(() => {
                    throw new Error("late failure");
                });
            }),
            /late failure/,
        );
    });

    it("runs a program module afresh each time, its exports being the stack outputs", async () => {
        const program = programFromModule(distPath("testkit/host/fixtures/counterProgram.js"));
        const options = { project: "counter", secretKeys: ["note"], answer: () => ({ state: { value: 42 } }) };
        const first = await runProgram(program, { ...options, config: { start: "1", note: "n1" } });
        const second = await runProgram(program, { ...options, config: { start: "2", note: "n2" } });
        assert.deepEqual(
            [first, second].map((run) => [run.resources[0].inputs.start, run.outputs]),
            [
                [1, { value: 42, note: "n1" }],
                [2, { value: 42, note: "n2" }],
            ],
        );
        assert.deepEqual(second.secretOutputs, ["note"]);
    });

    it("loses the outputs of a resource class that declares them as plain class fields (ES2022 target)", async () => {
        class UndeclaredCounter extends pulumi.dynamic.Resource {
            public readonly value!: pulumi.Output<number>;
            constructor(name: string) {
                super({ create: () => Promise.resolve({ id: "x" }) }, name, { value: undefined, start: 1 }, undefined, "counter", "Counter");
            }
        }
        const run = await runProgram(
            () => {
                const declared = new Counter("declared", { start: 1 });
                const undeclared = new UndeclaredCounter("undeclared");
                return { declared: declared.value, undeclaredIsOutput: pulumi.Output.isInstance(undeclared.value) };
            },
            { answer: () => ({ state: { value: 3 } }) },
        );
        assert.deepEqual(run.outputs, { declared: 3, undeclaredIsOutput: false }, "only `declare readonly value` keeps the Output");
    });

    it("validates its options at the edge", async () => {
        await assert.rejects(
            runProgram(() => undefined, { secretKeys: ["missing"] }),
            /secret key "project:missing" is not in config/,
        );
    });
});
