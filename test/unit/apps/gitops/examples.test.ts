// The shipped examples and the root Pulumi project: valid, consistent with the code, runnable against
// the emulator's default fleet.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { DEFAULT_FLEET } from "../../../../emulator/fleet/defaultFleet";
import { planDevices } from "../../../../provider/incidents/devicePlan";
import { loadIncidentFolder } from "../../../../provider/incidents/incidentFolder";
import { parseIncidentFile, type Incident } from "../../../../provider/incidents/incidentFile";
import { CONFIG_KEYS, DEFAULT_INCIDENTS_DIR, DEFAULT_MAX_DEVICES, DEFAULT_PROTECTED_TAGS } from "../../../../provider/apps/gitops/options";
import { REPO_ROOT } from "../../../../testkit/paths";

const ROOT = REPO_ROOT;
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), "utf8");

/** Clocks the examples must hold under: they were written on 2026-12-04; nothing in them may change with the date. */
const CLOCKS = ["2026-12-04T12:00:00Z", "2031-07-01T00:00:00Z", "2099-12-31T23:59:59Z"].map((t) => new Date(t));

describe("examples and the root Pulumi project", () => {
    describe("the incident files the docs show", () => {
        const snippets = ["docs/gitops.md", "provider/apps/gitops/README.md"].flatMap((file) =>
            [...read(file).matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => ({ file, text: m[1] })).filter((s) => /^incident:/m.test(s.text)),
        );

        it("are valid incident files, and hold on any date", () => {
            assert.ok(snippets.length >= 2, `${snippets.length} snippets`);
            for (const { file, text } of snippets) {
                const parsed = parseIncidentFile(text, file);
                assert.deepEqual(parsed.problems, [], file);
                const incident = parsed.incident as Incident;
                for (const now of CLOCKS) assert.equal(planDevices([incident], now).incidents[0].expired, false, `${file} at ${now.toISOString()}`);
            }
        });
    });

    describe("examples/incidents", () => {
        const folder = loadIncidentFolder(path.join(ROOT, "examples/incidents"), { displayRoot: ROOT });
        const devices = folder.incidents.flatMap((i) => i.devices.map((d) => ({ incident: i, device: d })));

        it("is valid", () => {
            assert.deepEqual(folder.problems, []);
            assert.ok(folder.incidents.length >= 2 && folder.incidents.length <= 5, `${folder.incidents.length} incidents`);
        });

        it("names devices of the emulator's default fleet, each resolving to exactly one device", () => {
            for (const { device } of devices) {
                const matches = DEFAULT_FLEET.filter((m) =>
                    device.machineId ? m.id === device.machineId : m.computerDnsName.toLowerCase() === device.computerDnsName,
                );
                assert.equal(matches.length, 1, `${device.machineId ?? device.computerDnsName}: ${matches.length} devices`);
                const platform = matches[0].osPlatform;
                if (device.isolationType === "Selective") assert.match(platform, /^(Windows|macOS)/, `Selective on ${platform}`);
                assert.notEqual(matches[0].managed, false, "a managed device");
            }
        });

        it("holds on any date: the same plan under every clock, from the day it was written to the end of the century", () => {
            const plans = CLOCKS.map((now) => planDevices(folder.incidents, now));
            for (const [i, plan] of plans.entries()) assert.deepEqual(plan, plans[0], `at ${CLOCKS[i].toISOString()}`);
        });

        it("shows each feature: by id, by DNS name with Selective, a device in two incidents, an expired incident", () => {
            assert.ok(
                devices.some(({ device }) => device.machineId),
                "a device by machineId",
            );
            assert.ok(
                devices.some(({ device }) => device.computerDnsName && device.isolationType === "Selective"),
                "Selective by DNS name",
            );
            const plan = planDevices(folder.incidents, CLOCKS[0]);
            assert.ok(
                plan.devices.some((d) => d.incidents.length === 2),
                "a device in two incidents",
            );
            assert.ok(
                plan.incidents.some((i) => i.expired && i.devices.some((d) => !d.declared)),
                "an expired incident whose device no open incident lists (the preview warns about it)",
            );
            assert.ok(plan.devices.length <= DEFAULT_MAX_DEVICES);
        });

        it("shows a selector, whose tag some online device of the default fleet carries (and no protected one)", () => {
            const selecting = folder.incidents.filter((i) => i.selection);
            assert.equal(selecting.length, 1, "one incident with select:");
            const tags = selecting[0].selection?.select.map((e) => e.criteria.tag?.toLowerCase()) ?? [];
            const chosen = DEFAULT_FLEET.filter((d) => d.online !== false && (d.machineTags ?? []).some((t) => tags.includes(t.toLowerCase())));
            assert.ok(chosen.length >= 1 && chosen.length <= 3, `${chosen.length} devices`);
            assert.ok(chosen.every((d) => !(d.machineTags ?? []).some((t) => DEFAULT_PROTECTED_TAGS.includes(t))));
        });
    });

    describe("Pulumi.yaml", () => {
        const project = parse(read("Pulumi.yaml")) as {
            name: string;
            runtime: { name: string };
            main: string;
            options: { refresh: string };
            config: Record<string, { type: string; default: unknown; description: string; items?: { type: string } }>;
        };

        it("runs the compiled incident program, refreshing on every operation", () => {
            assert.equal(project.name, "defender-incidents");
            assert.equal(project.runtime.name, "nodejs");
            assert.equal(project.main, "dist/provider/apps/gitops/main.js");
            assert.ok(fs.existsSync(path.join(ROOT, project.main)), "built by npm run build");
            assert.deepEqual(project.options, { refresh: "always" });
        });

        it("declares exactly the program's config keys, with the code's defaults", () => {
            assert.deepEqual(Object.keys(project.config), [...CONFIG_KEYS]);
            const types = Object.fromEntries(Object.entries(project.config).map(([k, v]) => [k, [v.type, v.default]]));
            assert.deepEqual(types, {
                incidentsDir: ["string", DEFAULT_INCIDENTS_DIR],
                maxDevices: ["integer", DEFAULT_MAX_DEVICES],
                protectedTags: ["array", [...DEFAULT_PROTECTED_TAGS]],
                waitForCompletion: ["boolean", true],
                allowEmpty: ["boolean", false],
            });
            assert.deepEqual(project.config.protectedTags.items, { type: "string" });
            for (const [key, c] of Object.entries(project.config)) assert.ok(c.description.length > 20, `${key} has a description`);
        });
    });

    describe("examples/minimal", () => {
        it("is a project that can be copied anywhere: no path into this repository; the package comes from its tarball (README)", () => {
            const pkg = JSON.parse(read("examples/minimal/package.json")) as { dependencies: Record<string, string> };
            assert.equal(pkg.dependencies["pulumi-defender-isolation"], undefined, "installed with npm install <tarball>, as its README says");
            assert.ok(Object.values(pkg.dependencies).every((spec) => !spec.startsWith("file:")));
            assert.ok(pkg.dependencies["@pulumi/pulumi"]);
            assert.match(read("examples/minimal/README.md"), /npm install \S+pulumi-defender-isolation-\d+\.\d+\.\d+\.tgz/);
            assert.equal((parse(read("examples/minimal/Pulumi.yaml")) as { runtime: string }).runtime, "nodejs");
            assert.match(read("examples/minimal/index.ts"), /computerDnsName/);
        });
    });

    describe("examples/github-actions/incidents.yml", () => {
        type Job = {
            if: string;
            permissions: Record<string, string>;
            concurrency: { group: string; "cancel-in-progress": boolean };
            environment?: string;
            steps: { uses?: string; run?: string; with?: Record<string, unknown> }[];
        };
        const workflow = parse(read("examples/github-actions/incidents.yml")) as {
            on: Record<string, unknown>;
            permissions: Record<string, string>;
            jobs: Record<string, Job>;
        };
        const { preview, up } = workflow.jobs;
        const step = (job: Job, uses: string) => job.steps.find((s) => s.uses?.startsWith(uses));
        const pulumiSteps = (job: Job) => job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));

        it("previews pull requests in a PR comment, and applies main on merge and on a schedule", () => {
            assert.deepEqual(Object.keys(workflow.on).sort(), ["pull_request", "push", "schedule", "workflow_dispatch"]);
            assert.deepEqual(step(preview, "pulumi/actions")?.with?.command, "preview");
            assert.equal(step(preview, "pulumi/actions")?.with?.["comment-on-pr"], true);
            assert.equal(pulumiSteps(up).at(-1)?.with?.command, "up");
            assert.match(up.if, /refs\/heads\/main/);
        });

        it("never runs two ups at once and never cancels one", () => {
            assert.deepEqual(up.concurrency, { group: "incidents-up", "cancel-in-progress": false });
        });

        it("logs in to Azure with workload identity federation, no secret", () => {
            for (const job of [preview, up]) {
                assert.equal(job.permissions["id-token"], "write");
                const login = step(job, "azure/login");
                assert.ok(login?.with?.["client-id"] && login.with["tenant-id"]);
                assert.equal(login.with["client-secret"], undefined);
                assert.ok(
                    job.steps.some((s) => s.run === "npm run build"),
                    "builds before running the program",
                );
            }
            assert.doesNotMatch(read("examples/github-actions/incidents.yml"), /secrets\.(?!GITHUB_TOKEN)/);
            // The ambient identity is used only when chosen: every Pulumi step chooses it.
            for (const job of [preview, up]) {
                assert.equal(parse(String(step(job, "pulumi/actions")?.with?.["config-map"]))["defender:authMethod"]?.value, "ambient");
            }
            assert.equal(up.environment, "defender-production");
        });

        it("runs the guardrails policy pack with its config on every preview and up, and previews with it before up", () => {
            for (const job of [preview, up]) {
                const install = job.steps.findIndex((s) => s.run === "npm run policy:install");
                assert.ok(install >= 0, "installs the pack");
                for (const s of pulumiSteps(job)) {
                    assert.equal(s.with?.policyPacks, "policy", String(s.with?.command));
                    assert.equal(s.with?.policyPackConfigs, "policy/config.json", String(s.with?.command));
                    assert.ok(job.steps.indexOf(s) > install, "after the pack is installed");
                }
            }
            // pulumi/actions' up skips its preview, and stack policies run after the update's steps.
            assert.deepEqual(
                pulumiSteps(up).map((s) => s.with?.command),
                ["preview", "up"],
            );
        });

        it("previews a pull request with the guardrails of the base branch", () => {
            const checkout = preview.steps.findIndex((s) => s.uses?.startsWith("actions/checkout@"));
            const base = preview.steps.findIndex((s) => /git checkout FETCH_HEAD -- policy provider\/rules\n/.test(s.run ?? ""));
            assert.ok(checkout >= 0 && base === checkout + 1, "right after the checkout");
            assert.ok(base < preview.steps.findIndex((s) => s.run === "npm run build"), "before anything is built");
        });
    });
});
