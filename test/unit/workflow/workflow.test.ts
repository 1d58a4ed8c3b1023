// The example GitHub workflow: actionlint finds no problem in it, and the pulumi commands its steps run.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildActionlint, findShellcheck, formatProblem, runActionlint, type Actionlint } from "../../../scripts/engine/actionlint";
import { pulumiActionSteps, evaluate } from "../../../testkit/cli/pulumiActionSteps";
import { REPO_ROOT } from "../../../testkit/paths";
import { ENGINE_PARALLELISM } from "../../../scripts/engine/parallelism";
import { DEFAULT_RATE_LIMITS } from "../../../provider/defender/pacing";
import { parse } from "yaml";

const WORKFLOW = path.join("examples", "github-actions", "incidents.yml");
const SHA = "0123456789abcdef0123456789abcdef01234567";
const context = { github: { event_name: "push", sha: SHA }, vars: { PULUMI_ORG: "contoso" }, secrets: {} };

describe("workflow: examples/github-actions/incidents.yml", () => {
    describe("actionlint", function () {
        let tool: Actionlint;
        let shellcheck: string | undefined;

        before(function () {
            this.timeout(15 * 60_000); // a cold build downloads and compiles a few modules
            try {
                tool = buildActionlint({ repoRoot: REPO_ROOT, log: process.stderr });
            } catch (e) {
                const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
                if (process.env.CI === "true") throw new Error(`The workflow lint needs actionlint, and it could not be built: ${why}`, { cause: e });
                process.stdout.write(`\n  skipped: no actionlint (${why})\n\n`);
                this.skip();
            }
            shellcheck = findShellcheck();
            if (!shellcheck && process.env.CI === "true") throw new Error("shellcheck is not on PATH: .ci/run installs it (apt-get install shellcheck)");
        });

        it("reports no problem (with shellcheck on the run: steps when it is installed)", function () {
            const problems = runActionlint(tool, [WORKFLOW], { shellcheck, cwd: REPO_ROOT });
            assert.deepEqual(problems.map(formatProblem), []);
            if (!shellcheck) this.test!.title += " [shellcheck not found: run: steps unchecked]";
        });

        it("does report problems: a mistyped input and, with shellcheck, an unquoted variable", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-"));
            try {
                const broken = fs
                    .readFileSync(path.join(REPO_ROOT, WORKFLOW), "utf8")
                    .replace("comment-on-pr: true", "comment-on-prr: true")
                    .replace("- run: npm ci", "- run: echo $HOME");
                fs.writeFileSync(path.join(dir, "broken.yml"), broken);
                const problems = runActionlint(tool, ["broken.yml"], { shellcheck, cwd: dir });
                assert.ok(
                    problems.some((p) => p.kind === "action" && /input "comment-on-prr" is not defined in action "pulumi\/actions@v6"/.test(p.message)),
                    problems.map(formatProblem).join("\n"),
                );
                if (shellcheck)
                    assert.ok(
                        problems.some((p) => p.kind === "shellcheck" && /SC2086/.test(p.message)),
                        problems.map(formatProblem).join("\n"),
                    );
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    describe("identities split by what they may do", () => {
        interface Step {
            uses?: string;
            run?: string;
            with?: Record<string, unknown>;
            env?: Record<string, string>;
        }
        interface Job {
            if?: string;
            environment?: string | { name: string };
            permissions?: Record<string, string>;
            env?: Record<string, string>;
            steps: Step[];
        }
        const text = fs.readFileSync(path.join(REPO_ROOT, WORKFLOW), "utf8");
        const workflow = parse(text) as { on: Record<string, unknown>; env?: Record<string, string>; jobs: Record<string, Job> };
        const environment = (j: Job) => (typeof j.environment === "string" ? j.environment : j.environment?.name);
        const stepsOf = (j: Job, action: string) => j.steps.filter((s) => s.uses?.startsWith(`${action}@`));
        const { preview, up } = workflow.jobs;

        it("pull requests preview as the read-only Defender app, outside any environment; only the up job, in defender-production, names the isolator", () => {
            assert.match(preview.if ?? "", /github\.event_name == 'pull_request'/);
            assert.equal(environment(preview), undefined);
            assert.deepEqual(
                stepsOf(preview, "azure/login").map((s) => s.with?.["client-id"]),
                ["${{ vars.DEFENDER_READER_CLIENT_ID }}"],
            );
            assert.equal(environment(up), "defender-production");
            assert.match(up.if ?? "", /github\.event_name != 'pull_request' && github\.ref == 'refs\/heads\/main'/);
            assert.deepEqual(
                stepsOf(up, "azure/login").map((s) => s.with?.["client-id"]),
                ["${{ vars.DEFENDER_ISOLATOR_CLIENT_ID }}"],
            );
            for (const [name, job] of Object.entries(workflow.jobs))
                if (JSON.stringify(job).includes("DEFENDER_ISOLATOR_CLIENT_ID")) assert.equal(environment(job), "defender-production", name);
            // pull_request_target would run the branch's code with the base repository's secrets and environments.
            assert.deepEqual(Object.keys(workflow.on).sort(), ["pull_request", "push", "schedule", "workflow_dispatch"]);
        });

        it("state: the preview gets a read-only team token, the up a deploying team's; no job gets an organization token", () => {
            const token = (j: Job) => stepsOf(j, "pulumi/auth-actions").map((s) => [s.with?.["requested-token-type"], s.with?.scope]);
            assert.deepEqual(token(preview), [["urn:pulumi:token-type:access_token:team", "team:${{ vars.PULUMI_PREVIEW_TEAM }}"]]);
            assert.deepEqual(token(up), [["urn:pulumi:token-type:access_token:team", "team:${{ vars.PULUMI_DEPLOY_TEAM }}"]]);
            // What the workflow does, without its comments.
            const steps = JSON.stringify(workflow);
            assert.doesNotMatch(steps, /access_token:organization/);
            // No long-lived credential anywhere: no Pulumi token, no Azure secret, no backend key.
            assert.doesNotMatch(steps, /PULUMI_ACCESS_TOKEN|AZURE_CLIENT_SECRET|clientSecret|AZURE_STORAGE_KEY|AWS_SECRET/);
        });

        it("docs/identities.md binds each app's federated credential to the job that uses it: the event of the preview, the environment of the up", () => {
            const doc = fs.readFileSync(path.join(REPO_ROOT, "docs", "identities.md"), "utf8");
            const reader = /--id "\$READER" --parameters "\{[^}]*\\"subject\\": \\"([^"\\]+)\\"/.exec(doc)?.[1];
            const isolator = /--id "\$ISOLATOR" --parameters "\{[^}]*\\"subject\\": \\"([^"\\]+)\\"/.exec(doc)?.[1];
            assert.equal(reader, "repo:$REPO:pull_request");
            assert.equal(isolator, `repo:$REPO:environment:${environment(up)}`);
            assert.ok(doc.includes(`repos/$REPO/environments/${environment(up)}/deployment-branch-policies" -f name=main`), "the environment admits main only");
        });

        it("the preview's checkout leaves no GitHub token in .git/config for the branch's code to read", () => {
            const checkout = stepsOf(preview, "actions/checkout");
            assert.equal(checkout.length, 1);
            assert.equal(checkout[0].with?.["persist-credentials"], false);
            assert.deepEqual(preview.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
            assert.deepEqual(up.permissions, { contents: "read", "id-token": "write" });
        });
    });

    describe("the pulumi commands of its pulumi/actions steps", () => {
        const workflow = fs.readFileSync(path.join(REPO_ROOT, WORKFLOW), "utf8");

        // The policy pack gates both: the up job previews with it first, since a stack policy runs only after a deployment's steps.
        const PACK = "--policy-pack policy --policy-pack-config policy/config.json";
        const PARALLEL = `--parallel ${ENGINE_PARALLELISM}`;
        it("preview on pull requests and up on main, both with --refresh and the program run for it; up with the event and commit as message", () => {
            const steps = pulumiActionSteps(workflow, context);
            assert.deepEqual(
                steps.map((s) => [s.job, s.command, s.args.join(" "), s.env]),
                [
                    ["preview", "preview", `preview --refresh ${PACK} ${PARALLEL} --exec-kind auto.local`, { PULUMI_RUN_PROGRAM: "true" }],
                    ["up", "preview", `preview --refresh ${PACK} ${PARALLEL} --exec-kind auto.local`, { PULUMI_RUN_PROGRAM: "true" }],
                    [
                        "up",
                        "up",
                        `up --yes --skip-preview --message push ${SHA} --refresh ${PACK} ${PARALLEL} --exec-kind auto.local`,
                        { PULUMI_RUN_PROGRAM: "true" },
                    ],
                ],
            );
        });

        // A waited isolation holds an engine slot for its whole wait: fewer slots than Defender starts
        // isolations in its longest window would make the engine, not the API, set the pace.
        it("every step runs the engine with as many slots as Defender starts isolations in an hour (not the engine's 4 per CPU)", () => {
            const hourly = Math.max(...DEFAULT_RATE_LIMITS.map((l) => l.calls));
            assert.equal(ENGINE_PARALLELISM, hourly, "scripts/engine/parallelism.ts follows Defender's documented hourly budget");
            for (const s of pulumiActionSteps(workflow, context)) {
                const at = s.args.indexOf("--parallel");
                assert.equal(s.args[at + 1], String(hourly), `${s.job} ${s.command}: ${s.args.join(" ")}`);
                assert.equal(s.env.PULUMI_PARALLEL, undefined, "one setting, in the step's inputs");
            }
        });

        it("every step chooses the runner's Azure login as the provider's identity (config-map), never a secret", () => {
            for (const s of pulumiActionSteps(workflow, context)) {
                assert.deepEqual(s.config, { "defender:authMethod": { value: "ambient", secret: false } }, s.job);
            }
        });

        it("takes PULUMI_* settings from workflow, job and step env (the step's last), not the login or backend ones", () => {
            const edited = workflow
                .replace("  up:\n    if:", '  up:\n    env:\n      PULUMI_EXPERIMENTAL: "1"\n      PULUMI_ACCESS_TOKEN: x\n    if:')
                .replace(
                    "      - uses: pulumi/actions@v6\n        with:\n          command: up",
                    '      - uses: pulumi/actions@v6\n        env:\n          PULUMI_RUN_PROGRAM: "false"\n        with:\n          command: up',
                );
            assert.notEqual(edited, workflow);
            const up = pulumiActionSteps(edited, context).find((s) => s.job === "up" && s.command === "up")!;
            assert.deepEqual(up.env, { PULUMI_RUN_PROGRAM: "false", PULUMI_EXPERIMENTAL: "1" });
        });

        const cases: { name: string; edit: (w: string) => string; error: RegExp }[] = [
            {
                name: "an input with no mapping",
                edit: (w) => w.replace("refresh: true          #", "target: urn:x\n          refresh: true #"),
                error: /no CLI mapping for input\(s\) target/,
            },
            {
                name: "a boolean input that is no boolean",
                edit: (w) => w.replace("refresh: true          #", "refresh: yes          #"),
                error: /input refresh is "yes"/,
            },
            {
                name: "a config-map entry without a value",
                edit: (w) => w.replace("{defender:authMethod: {value: ambient, secret: false}}", "{defender:authMethod: ambient}"),
                error: /config-map defender:authMethod must be \{value/,
            },
            {
                name: "a parallel input that is no whole number",
                edit: (w) => w.replace("parallel: 1500         # Defender", "parallel: lots         # Defender"),
                error: /input parallel is "lots", not a whole number/,
            },
            { name: "another command", edit: (w) => w.replace("command: preview", "command: destroy"), error: /command "destroy" is not mapped/ },
            {
                name: "another major version of the action",
                edit: (w) => w.replace("pulumi/actions@v6\n        with:\n          command: up", "pulumi/actions@v5\n        with:\n          command: up"),
                error: /pulumi\/actions@v5: this mapping is that of pulumi\/actions@v6/,
            },
        ];
        for (const c of cases) {
            it(`refuses ${c.name}`, () => {
                const edited = c.edit(workflow);
                assert.notEqual(edited, workflow, "the edit applies");
                assert.throws(() => pulumiActionSteps(edited, context), c.error);
            });
        }

        it("evaluates only context lookups it has values for", () => {
            assert.equal(evaluate("${{ github.event_name }} ${{github.sha}}", context), `push ${SHA}`);
            assert.throws(() => evaluate("${{ github.ref }}", context), /no value for \$\{\{ github\.ref \}\}/);
            assert.throws(() => evaluate("${{ format('{0}', github.sha) }}", context), /no value/);
        });
    });
});
