import { strict as assert } from "assert";
import * as path from "path";
import * as util from "util";
import { programFromModule, runProgram, type CapturedResource, type ProgramOptions } from "../../../../testkit/host/registration";
import { UNKNOWN } from "../../../../testkit/host/providerHost";
import { incidentProgram, IncidentProgramError } from "../../../../provider/apps/gitops/program";
import { declaredDevices } from "../../../../provider/apps/gitops/declarationOrder";
import type { NameLookup } from "../../../../provider/incidents/nameResolution";
import type { IncidentProgramOptions } from "../../../../provider/apps/gitops/options";
import { IDS, incidentYaml, tempFolder } from "../../../unit/incidents/fixtures";
import { distPath } from "../../../../testkit/paths";

const NOW = new Date("2026-11-22T12:00:00Z");
const TYPE = "pulumi-nodejs:dynamic/defender:DeviceIsolation";
const DNS_IDS: Record<string, string> = { "fin-lt-042.contoso.com": IDS.c };
const MAIN = distPath("provider/apps/gitops/main.js");
/** A client-secret identity in the stack's config (never used: these runs read nothing from Defender). */
const IDENTITY = {
    "defender:tenantId": "00000000-0000-0000-0000-0000000000aa",
    "defender:clientId": "00000000-0000-0000-0000-0000000000bb",
    "defender:clientSecret": "program-test-secret",
};

/** Answers like the provider after a successful create: the device resolved, the action recorded. */
function engine(r: CapturedResource): { id: string; state: Record<string, unknown> } {
    const machineId = (r.inputs.machineId as string | undefined) ?? DNS_IDS[r.inputs.computerDnsName as string];
    return {
        id: `action-${r.name}`,
        state: {
            ...r.inputs,
            machineId,
            computerDnsName: r.inputs.computerDnsName ?? `${machineId.slice(0, 6)}.contoso.com`,
            machineActionId: `action-${r.name}`,
            status: "Succeeded",
        },
    };
}

function run(options: IncidentProgramOptions, opts: ProgramOptions = {}, lookUp?: NameLookup) {
    return runProgram(
        async () => {
            const result = await incidentProgram({ now: NOW, ...options }, lookUp);
            return { incidents: result.incidents, deviceCount: result.deviceCount };
        },
        { answer: engine, ...opts },
    );
}

/** Defender's devices by name, as a table; counts the names asked for. */
function lookUpFrom(table: Record<string, Array<{ id: string; lastSeen?: string }>>): NameLookup & { asked: string[] } {
    const asked: string[] = [];
    const lookUp = (names: readonly string[]) => {
        asked.push(...names);
        return Promise.resolve(new Map(names.map((n) => [n, (table[n] ?? []).map((m) => ({ id: m.id, lastSeen: m.lastSeen ?? null }))])));
    };
    return Object.assign(lookUp, { asked });
}

/** The user-facing inputs of each registration (without the serialized provider). */
function declared(resources: CapturedResource[]) {
    return resources.map((r) => {
        const { __provider: _p, ...inputs } = r.inputs;
        return { type: r.type, name: r.name, inputs };
    });
}

const INC_2031 = incidentYaml({
    incident: "INC-2031",
    title: "Cobalt Strike beacon on finance laptops",
    isolate: [
        { machineId: IDS.a },
        { computerDnsName: "fin-lt-042.contoso.com", isolationType: "Selective", comment: "keeps Teams for the user's manager call" },
    ],
});
const INC_2044 = incidentYaml({
    incident: "INC-2044",
    title: "Infostealer",
    isolate: [{ machineId: IDS.a, isolationType: "Selective" }],
    expiresAt: "2026-12-01T00:00:00Z",
});

describe("gitops: incident program", () => {
    const folders: { cleanup(): void }[] = [];
    const folder = (files: Record<string, string>) => {
        const f = tempFolder(files);
        folders.push(f);
        return f;
    };
    afterEach(() => folders.splice(0).forEach((f) => f.cleanup()));

    it("declares one DeviceIsolation per device, merged across incidents", async () => {
        const f = folder({ "inc-2031.yaml": INC_2031, "inc-2044.yaml": INC_2044 });
        const { resources } = await run({ incidentsDir: f.dir });
        assert.deepEqual(declared(resources), [
            {
                type: TYPE,
                name: `isolate-${IDS.a}`,
                inputs: {
                    machineId: IDS.a,
                    isolationType: "Full",
                    comment: "INC-2031 Cobalt Strike beacon on finance laptops; INC-2044 Infostealer",
                    releaseComment: "Released by Pulumi: incidents INC-2031, INC-2044 closed",
                    waitForCompletion: true,
                    protectedMachineTags: ["DoNotIsolate"],
                },
            },
            {
                type: TYPE,
                name: "isolate-fin-lt-042.contoso.com",
                inputs: {
                    computerDnsName: "fin-lt-042.contoso.com",
                    isolationType: "Selective",
                    comment: "INC-2031 Cobalt Strike beacon on finance laptops: keeps Teams for the user's manager call",
                    releaseComment: "Released by Pulumi: incident INC-2031 closed",
                    waitForCompletion: true,
                    protectedMachineTags: ["DoNotIsolate"],
                },
            },
        ]);
    });

    it("exports each incident with its devices and their isolation status, and the device count", async () => {
        const f = folder({ "inc-2031.yaml": INC_2031, "inc-2044.yaml": INC_2044 });
        const { outputs } = await run({ incidentsDir: f.dir });
        const file = (n: string) => path.join(f.dir, n);
        const a = {
            name: `isolate-${IDS.a}`,
            machineId: IDS.a,
            computerDnsName: `${IDS.a.slice(0, 6)}.contoso.com`,
            isolationType: "Full",
            status: "Succeeded",
            machineActionId: `action-isolate-${IDS.a}`,
        };
        assert.deepEqual(outputs, {
            deviceCount: 2,
            incidents: {
                "INC-2031": {
                    title: "Cobalt Strike beacon on finance laptops",
                    file: file("inc-2031.yaml"),
                    expiresAt: null,
                    expired: false,
                    selection: null,
                    devices: [
                        a,
                        {
                            name: "isolate-fin-lt-042.contoso.com",
                            machineId: IDS.c,
                            computerDnsName: "fin-lt-042.contoso.com",
                            isolationType: "Selective",
                            status: "Succeeded",
                            machineActionId: "action-isolate-fin-lt-042.contoso.com",
                        },
                    ],
                },
                "INC-2044": {
                    title: "Infostealer",
                    file: file("inc-2044.yaml"),
                    expiresAt: "2026-12-01T00:00:00.000Z",
                    expired: false,
                    selection: null,
                    devices: [a],
                },
            },
        });
    });

    it("stack outputs and problems show the author's and Defender's text inert: no terminal control, no HTML for the PR comment", async () => {
        const title = "Beacon </pre><h1>Preview: no changes</h1> \u202e";
        const f = folder({ "inc-2031.yaml": incidentYaml({ incident: "INC-2031", title, isolate: [{ machineId: IDS.a }] }) });
        const hostileName = "web-01\x1b]0;owned\x07<img src=x>";
        const { outputs } = await run(
            { incidentsDir: f.dir },
            { answer: (r) => ({ ...engine(r), state: { ...engine(r).state, computerDnsName: hostileName } }) },
        );
        const inc = (outputs.incidents as Record<string, { title: string; devices: { computerDnsName: string }[] }>)["INC-2031"];
        assert.equal(inc.title, "Beacon \\u003c/pre\\u003e\\u003ch1\\u003ePreview: no changes\\u003c/h1\\u003e \\u202e");
        assert.equal(inc.devices[0].computerDnsName, "web-01\\x1b]0;owned\\x07\\u003cimg src=x\\u003e");

        const bad = folder({ "<h1>x<b>.yaml": "incident: INC-1\ntitle: t\nisolate:\n  - machineId: </pre>\n" });
        await assert.rejects(run({ incidentsDir: bad.dir }), (e: unknown) => {
            assert.ok(e instanceof Error);
            assert.doesNotMatch(e.message, /<|>/, e.message);
            assert.match(e.message, /\\u003ch1\\u003ex\\u003cb\\u003e\.yaml:4 isolate\[0\]\.machineId: .*got "\\u003c\/pre\\u003e"/);
            return true;
        });
    });

    it("declares the devices its last deployment did not hold first, read from that deployment's outputs", async () => {
        const f = folder({ "a.yaml": incidentYaml({ incident: "INC-1", title: "Held", isolate: [{ machineId: IDS.a }, { machineId: IDS.b }] }) });
        const first = await run({ incidentsDir: f.dir });
        f.write("b.yaml", incidentYaml({ incident: "INC-2", title: "New", isolate: [{ machineId: IDS.c }] }));
        const names = async (declaredBefore?: () => Promise<ReadonlySet<string>>) => {
            const r = await runProgram(
                async () => {
                    const result = await incidentProgram({ now: NOW, incidentsDir: f.dir }, { declaredBefore });
                    return { incidents: result.incidents, deviceCount: result.deviceCount };
                },
                { answer: engine },
            );
            return r.resources.filter((x) => x.type === TYPE).map((x) => x.name);
        };
        assert.deepEqual(await names(() => Promise.resolve(declaredDevices(first.outputs))), [`isolate-${IDS.c}`, `isolate-${IDS.a}`, `isolate-${IDS.b}`]);
        // Without the last outputs, or when they cannot be read, the plan's order (by name) and the same declarations.
        assert.deepEqual(await names(), [`isolate-${IDS.a}`, `isolate-${IDS.b}`, `isolate-${IDS.c}`]);
        assert.deepEqual(await names(() => Promise.reject(new Error("backend unreachable"))), [`isolate-${IDS.a}`, `isolate-${IDS.b}`, `isolate-${IDS.c}`]);
    });

    it("moving a device to another incident keeps its resource (same URN), with a new comment", async () => {
        const f = folder({ "a.yaml": incidentYaml({ incident: "INC-1", title: "Old", isolate: [{ machineId: IDS.a }, { machineId: IDS.b }] }) });
        const before = (await run({ incidentsDir: f.dir })).resources;
        f.write("a.yaml", incidentYaml({ incident: "INC-1", title: "Old", isolate: [{ machineId: IDS.b }] }));
        f.write("b.yaml", incidentYaml({ incident: "INC-2", title: "New", isolate: [{ machineId: IDS.a }] }));
        const after = (await run({ incidentsDir: f.dir })).resources;
        assert.deepEqual(
            after.map((r) => r.urn),
            before.map((r) => r.urn),
        );
        const moved = (rs: CapturedResource[]) => rs.find((r) => r.inputs.machineId === IDS.a)!.inputs;
        assert.deepEqual([moved(before).comment, moved(after).comment], ["INC-1 Old", "INC-2 New"]);
        assert.deepEqual([moved(before).isolationType, moved(after).isolationType], ["Full", "Full"]);
    });

    it("an expired incident no longer declares its devices, and shows as expired", async () => {
        const f = folder({ "inc-2031.yaml": INC_2031, "inc-2044.yaml": INC_2044 });
        const later = new Date("2026-12-01T00:00:00Z");
        const { resources, outputs } = await run({ incidentsDir: f.dir, now: later });
        assert.deepEqual(
            resources.map((r) => [r.name, r.inputs.isolationType, r.inputs.comment]),
            [
                [`isolate-${IDS.a}`, "Full", "INC-2031 Cobalt Strike beacon on finance laptops"],
                ["isolate-fin-lt-042.contoso.com", "Selective", "INC-2031 Cobalt Strike beacon on finance laptops: keeps Teams for the user's manager call"],
            ],
        );
        const incidents = outputs.incidents as Record<string, { expired: boolean; devices: { status: string }[] }>;
        assert.equal(incidents["INC-2044"].expired, true);
        // Still isolated: INC-2031 declares it.
        assert.equal(incidents["INC-2044"].devices[0].status, "Succeeded");

        f.remove("inc-2031.yaml");
        const alone = await run({ incidentsDir: f.dir, now: later });
        assert.deepEqual(alone.resources, []);
        assert.deepEqual(alone.outputs, {
            deviceCount: 0,
            incidents: {
                "INC-2044": {
                    title: "Infostealer",
                    file: path.join(f.dir, "inc-2044.yaml"),
                    expiresAt: "2026-12-01T00:00:00.000Z",
                    expired: true,
                    selection: null,
                    devices: [
                        {
                            name: `isolate-${IDS.a}`,
                            machineId: IDS.a,
                            computerDnsName: null,
                            isolationType: "Selective",
                            status: "NotDeclared",
                            machineActionId: null,
                        },
                    ],
                },
            },
        });
    });

    it("passes the protected tags to every resource", async () => {
        const f = folder({ "inc-2031.yaml": INC_2031 });
        const { resources } = await run({ incidentsDir: f.dir, protectedTags: ["DoNotIsolate", "Tier0"], waitForCompletion: false });
        assert.deepEqual(
            resources.map((r) => [r.inputs.protectedMachineTags, r.inputs.waitForCompletion]),
            [
                [["DoNotIsolate", "Tier0"], false],
                [["DoNotIsolate", "Tier0"], false],
            ],
        );
    });

    it("fails before declaring anything when more devices than maxDevices are declared", async () => {
        const f = folder({ "inc-2031.yaml": INC_2031, "inc-2044.yaml": INC_2044 });
        const captured: CapturedResource[] = [];
        await assert.rejects(run({ incidentsDir: f.dir, maxDevices: 1 }, { answer: (r) => (captured.push(r), engine(r)) }), (e: unknown) => {
            assert.ok(e instanceof IncidentProgramError);
            assert.equal(
                e.message,
                [
                    `The incident folder ${f.dir} has 1 problem. Nothing was declared: no device is isolated or released until every problem is fixed.`,
                    `  - ${f.dir} declares 2 devices, more than maxDevices (1): check the incident files; if 2 devices must really be isolated, raise the limit: pulumi config set maxDevices 2`,
                ].join("\n"),
            );
            return true;
        });
        assert.deepEqual(captured, []);
        const ok = await run({ incidentsDir: f.dir, maxDevices: 2 });
        assert.equal(ok.resources.length, 2);
    });

    it("all or nothing: one bad file among good ones, and no device is declared; every problem is listed", async () => {
        const f = folder({
            "inc-2031.yaml": INC_2031,
            "inc-2044.yaml": INC_2044.replace("Selective", "selective"),
            "inc-2050.yaml": "incident: INC-2050\ntitle: t\nisolate:\n  - machineId: abc\n",
        });
        const captured: CapturedResource[] = [];
        await assert.rejects(
            runProgram(() => incidentProgram({ incidentsDir: f.dir, now: NOW }), {
                answer: (r) => {
                    captured.push(r);
                    return engine(r);
                },
            }),
            (e: unknown) => {
                assert.ok(e instanceof IncidentProgramError);
                assert.deepEqual(e.message.split("\n"), [
                    `The incident folder ${f.dir} has 2 problems. Nothing was declared: no device is isolated or released until every problem is fixed.`,
                    `  - ${f.dir}/inc-2044.yaml:5 isolate[0].isolationType: must be one of Full, Selective, UnManagedDevice, got "selective": did you mean "Selective"?`,
                    `  - ${f.dir}/inc-2050.yaml:4 isolate[0].machineId: must be a Defender device id of 40 hexadecimal characters, got "abc" (3 characters): copy the Device ID (40 hexadecimal characters) from the device page in the Defender portal`,
                ]);
                return true;
            },
        );
        assert.deepEqual(captured, []);
    });

    describe("one resource per device, however incidents name it", () => {
        const BY_ID = incidentYaml({ incident: "INC-1", title: "Beacon", isolate: [{ machineId: IDS.c }] });
        const BY_NAME = incidentYaml({ incident: "INC-2", title: "Stealer", isolate: [{ computerDnsName: "FIN-LT-042.contoso.com" }] });

        it("a device named by id in one incident and by name in another is one resource, declared by id with the name it was given", async () => {
            const f = folder({ "inc-1.yaml": BY_ID, "inc-2.yaml": BY_NAME });
            const lookUp = lookUpFrom({ "fin-lt-042.contoso.com": [{ id: IDS.c }] });
            const { resources } = await run({ incidentsDir: f.dir }, {}, lookUp);
            assert.deepEqual(
                resources.map((r) => [r.name, r.inputs.machineId, r.inputs.computerDnsName, r.inputs.comment]),
                [[`isolate-${IDS.c}`, IDS.c, "fin-lt-042.contoso.com", "INC-1 Beacon; INC-2 Stealer"]],
            );
            assert.deepEqual(lookUp.asked, ["fin-lt-042.contoso.com"]);
        });

        it("a name matching no device, or several, is a problem at its line, and nothing is declared", async () => {
            const f = folder({
                "inc-2.yaml": BY_NAME,
                "inc-3.yaml": incidentYaml({ incident: "INC-3", title: "t", isolate: [{ computerDnsName: "eng-ws-21.contoso.com" }] }),
            });
            const lookUp = lookUpFrom({ "eng-ws-21.contoso.com": [{ id: IDS.a, lastSeen: "2030-01-01T00:00:00Z" }, { id: IDS.b }] });
            const captured: CapturedResource[] = [];
            await assert.rejects(run({ incidentsDir: f.dir }, { answer: (r) => (captured.push(r), engine(r)) }, lookUp), (e: unknown) => {
                assert.ok(e instanceof IncidentProgramError);
                assert.match(
                    e.message,
                    /inc-2\.yaml:4 isolate\[0\]\.computerDnsName: no Defender device is named exactly 'fin-lt-042\.contoso\.com'.*declare machineId instead/,
                );
                assert.match(
                    e.message,
                    new RegExp(
                        `inc-3\\.yaml:4 isolate\\[0\\]\\.computerDnsName: 2 Defender devices share this name .*${IDS.a} \\(last seen 2030-01-01T00:00:00Z\\), ${IDS.b}.*declare the intended one by machineId`,
                    ),
                );
                return true;
            });
            assert.deepEqual(captured, []);
        });

        it("a failed lookup declares nothing and says what to check", async () => {
            const f = folder({ "inc-2.yaml": BY_NAME });
            await assert.rejects(
                run({ incidentsDir: f.dir }, {}, () => Promise.reject(new Error("token request failed"))),
                /Could not look up .*token request failed.*Nothing was declared.*defender:\* configuration/,
            );
        });

        it("asks nothing when every device is declared by id", async () => {
            const f = folder({ "inc-1.yaml": BY_ID });
            const lookUp = lookUpFrom({});
            await run({ incidentsDir: f.dir }, {}, lookUp);
            assert.deepEqual(lookUp.asked, []);
        });
    });

    it("its error carries no stack frames: the SDK formats the whole error (colours on), which Node 20 took 30 s over with the SDK's frames", async () => {
        const f = folder({ "inc-2050.yaml": "incident: INC-2050\ntitle: t\nisolate:\n  - machineId: abc\n" });
        await assert.rejects(
            runProgram(() => incidentProgram({ incidentsDir: f.dir, now: NOW }), { answer: engine }),
            (e: unknown) => {
                assert.ok(e instanceof IncidentProgramError);
                assert.equal(e.stack, `IncidentProgramError: ${e.message}`);
                // What the SDK's unhandled-error handler does with it (@pulumi/pulumi cmd/run/error.js defaultErrorMessage).
                const shown = util.inspect(e, { colors: true });
                assert.match(shown, /has 1 problem\. Nothing was declared/);
                assert.doesNotMatch(shown, /\n\s+at /);
                return true;
            },
        );
    });

    it("an empty folder fails unless allowEmpty is set, which declares no device", async () => {
        const f = folder({});
        await assert.rejects(run({ incidentsDir: f.dir }), /holds no incident file .* pulumi config set allowEmpty true/);
        const empty = await run({ incidentsDir: f.dir, allowEmpty: true });
        assert.deepEqual([empty.resources, empty.outputs], [[], { incidents: {}, deviceCount: 0 }]);
        await assert.rejects(run({ incidentsDir: path.join(f.dir, "missing"), allowEmpty: true }), /missing does not exist/);
    });

    it("during preview, every incident and device shows, with only the action's values unknown", async () => {
        const f = folder({ "inc-2031.yaml": incidentYaml({ isolate: [{ machineId: IDS.a }] }) });
        const { outputs } = await run(
            { incidentsDir: f.dir },
            {
                preview: true,
                answer: (r) => ({ state: { ...r.inputs, status: UNKNOWN, machineActionId: UNKNOWN } }),
            },
        );
        assert.deepEqual(outputs, {
            deviceCount: 1,
            incidents: {
                "INC-2031": {
                    title: "Cobalt Strike beacon on finance laptops",
                    file: path.join(f.dir, "inc-2031.yaml"),
                    expiresAt: null,
                    expired: false,
                    selection: null,
                    devices: [
                        {
                            name: `isolate-${IDS.a}`,
                            machineId: IDS.a,
                            computerDnsName: UNKNOWN,
                            isolationType: "Full",
                            status: UNKNOWN,
                            machineActionId: UNKNOWN,
                        },
                    ],
                },
            },
        });
    });

    describe("as the root project runs it (main.js, stack config)", () => {
        const project = "defender-incidents";

        it("looks names up in Defender with the stack's defender:* config, and refuses to run without an identity", async () => {
            const f = folder({ "inc-2031.yaml": INC_2031 });
            await assert.rejects(
                runProgram(programFromModule(MAIN), { project, answer: engine, config: { incidentsDir: f.dir } }),
                /Could not look up the devices named by computerDnsName in Defender: .*defender:authMethod is not set.*Nothing was declared/s,
            );
        });

        it("reads its settings from the project's config namespace", async () => {
            const f = folder({ "inc-2031.yaml": incidentYaml({ incident: "INC-2031", title: "t", isolate: [{ machineId: IDS.a }, { machineId: IDS.b }] }) });
            const { resources, outputs } = await runProgram(programFromModule(MAIN), {
                project,
                answer: engine,
                config: { incidentsDir: f.dir, maxDevices: "5", protectedTags: '["Tier0"]', waitForCompletion: "false", allowEmpty: "false", ...IDENTITY },
            });
            assert.deepEqual(
                resources.map((r) => [r.name, r.inputs.protectedMachineTags, r.inputs.waitForCompletion]),
                [
                    [`isolate-${IDS.a}`, ["Tier0"], false],
                    [`isolate-${IDS.b}`, ["Tier0"], false],
                ],
            );
            assert.deepEqual(Object.keys(outputs).sort(), ["deviceCount", "incidents"]);
            assert.equal(outputs.deviceCount, 2);
        });

        it("refuses unknown and malformed settings before reading the folder", async () => {
            await assert.rejects(
                runProgram(programFromModule(MAIN), { project, answer: engine, config: { incidentsDir: "/nonexistent", maxDevice: "5", allowEmpty: "maybe" } }),
                (e: unknown) => {
                    assert.ok(e instanceof Error);
                    assert.deepEqual(e.message.split("\n"), [
                        "Invalid incident program configuration. Nothing was declared: no device is isolated or released until it is fixed.",
                        "  - maxDevice: is not a setting of this program: did you mean maxDevices? pulumi config rm maxDevice",
                        '  - allowEmpty: must be true or false, got "maybe": pulumi config set allowEmpty true',
                    ]);
                    return true;
                },
            );
        });
    });
});
