// examples/github-actions/CODEOWNERS against what examples/github-actions/incidents.yml runs: every
// path the workflow executes or installs (derived from its steps, testkit/workflow/executedPaths.ts)
// needs the security owners' review, and the incident authors own the incident files and nothing else.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../../testkit/paths";
import { ownerRule, parseCodeowners, type OwnerRule } from "../../../testkit/workflow/codeowners";
import { executedPaths, shellCommands, type ExecutedPath } from "../../../testkit/workflow/executedPaths";

const WORKFLOW = "examples/github-actions/incidents.yml";
const CODEOWNERS = fs.readFileSync(path.join(REPO_ROOT, "examples", "github-actions", "CODEOWNERS"), "utf8");
const SECURITY = "@contoso/defender-security-owners";
const AUTHORS = "@contoso/incident-responders";
/** The incident folder the docs set (docs/gitops.md: pulumi config set incidentsDir incidents). */
const INCIDENTS = "incidents";
const SKIP = new Set(["node_modules", "dist", ".state", ".git"]);

function repoFiles(dir = ""): string[] {
    return fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        if (SKIP.has(e.name)) return [];
        const rel = dir ? `${dir}/${e.name}` : e.name;
        return e.isDirectory() ? repoFiles(rel) : [rel];
    });
}
const FILES = repoFiles();

/** Files standing for a derived path: those of the repository it names, and one a pull request could add. */
function filesFor(p: string): string[] {
    const asRule = parseCodeowners(`/${p} x`)[0];
    const existing = FILES.filter((f) => asRule.regex.test(f));
    const added = p.endsWith("/") ? `${p}added-by-a-pull-request.js` : p.replace(/\*\*\//g, "new/").replace(/\*/g, "new");
    return [...new Set([...existing, added])];
}

/** Every file of every executed path whose owning rule does not require the security owners. */
function uncovered(rules: readonly OwnerRule[], paths: readonly ExecutedPath[]): string[] {
    const out: string[] = [];
    for (const p of paths)
        for (const f of filesFor(p.path)) {
            const rule = ownerRule(rules, f);
            if (!rule || !rule.owners.includes(SECURITY) || rule.owners.includes(AUTHORS))
                out.push(`${f} (${p.why}): ${rule ? `line ${rule.line} ${rule.pattern}` : "no rule"}`);
        }
    return out;
}

describe("workflow: CODEOWNERS covers what incidents.yml executes or installs", () => {
    const paths = executedPaths(REPO_ROOT, WORKFLOW, { installedAs: ".github/workflows/incidents.yml" });
    const rules = parseCodeowners(CODEOWNERS);
    const withoutCatchAll = rules.filter((r) => r.pattern !== "*");

    it("derives the program, provider, policy pack, manifests, lockfiles, compiler settings, project and stack files from the steps", () => {
        const derived = paths.map((p) => p.path);
        for (const p of [
            ".github/workflows/incidents.yml",
            "policy/",
            "provider/rules/",
            "package.json",
            "package-lock.json",
            ".npmrc",
            "tsconfig.json",
            "tsconfig.package.json",
            "provider/**/*.ts",
            "policy/package-lock.json",
            "policy/tsconfig.json",
            "Pulumi.yaml",
            "Pulumi.*.yaml",
            "provider/apps/gitops/main.ts",
            "policy/config.json",
        ])
            assert.ok(derived.includes(p), `${p} not derived from the workflow: ${derived.join(", ")}`);
        // The program Pulumi.yaml names exists as a source file: the mapping back from dist/ is right.
        assert.ok(fs.existsSync(path.join(REPO_ROOT, "provider/apps/gitops/main.ts")));
    });

    it("every derived path needs the security owners' review, even without the catch-all `*` rule", () => {
        assert.deepEqual(uncovered(rules, paths), []);
        assert.deepEqual(uncovered(withoutCatchAll, paths), []);
    });

    it("the incident authors own the incident files and nothing else", () => {
        for (const f of [`${INCIDENTS}/inc-2031.yaml`, `${INCIDENTS}/inc-2031.yml`]) assert.ok(ownerRule(rules, f)?.owners.includes(AUTHORS), f);
        for (const f of [
            `${INCIDENTS}/run.js`,
            `${INCIDENTS}/sub/inc.yaml`,
            `${INCIDENTS}/.npmrc`,
            "package.json",
            "README.md",
            "docs/x.md",
            "examples/incidents/a.yaml",
        ])
            assert.deepEqual(ownerRule(rules, f)?.owners, [SECURITY], f);
        assert.deepEqual(
            rules.filter((r) => r.owners.includes(AUTHORS)).map((r) => r.pattern),
            [`/${INCIDENTS}/*.yaml`, `/${INCIDENTS}/*.yml`],
        );
        // CODEOWNERS itself is under .github/: changing who reviews needs the security owners.
        assert.deepEqual(ownerRule(withoutCatchAll, ".github/CODEOWNERS")?.owners, [SECURITY]);
    });

    it("fails when the workflow runs a path CODEOWNERS does not list, or moves code into the incident folder", () => {
        const noPolicy = withoutCatchAll.filter((r) => r.pattern !== "/policy/");
        assert.ok(
            uncovered(noPolicy, paths).some((u) => u.startsWith("policy/config.json")),
            "a missing /policy/ line is found",
        );
        const edited = fs
            .readFileSync(path.join(REPO_ROOT, WORKFLOW), "utf8")
            .replace("      - run: npm ci\n", `      - run: npm ci\n      - run: node ${INCIDENTS}/setup.js\n`);
        const more = executedPaths(REPO_ROOT, WORKFLOW, { installedAs: ".github/workflows/incidents.yml", text: edited });
        assert.deepEqual(uncovered(withoutCatchAll, more), [`${INCIDENTS}/setup.js (jobs.preview.steps[4]: node ${INCIDENTS}/setup.js): no rule`]);
        // With the catch-all, the script still needs the security owners: it is no incident file.
        assert.deepEqual(uncovered(rules, more), []);
        const yamlScript = edited.replace(`node ${INCIDENTS}/setup.js`, `node ${INCIDENTS}/setup.yaml`);
        assert.equal(uncovered(rules, executedPaths(REPO_ROOT, WORKFLOW, { text: yamlScript })).length, 1, "code named like an incident file is found");
    });

    it("refuses a command it does not know, a whole-commit checkout and a missing npm script, rather than skip them", () => {
        const text = fs.readFileSync(path.join(REPO_ROOT, WORKFLOW), "utf8");
        const run = (replacement: string) => () =>
            executedPaths(REPO_ROOT, WORKFLOW, { text: text.replace("- run: npm run build ", `- run: ${replacement} `) });
        assert.throws(run("make all"), /the command "make" is not known/);
        assert.throws(run("bash ./setup.sh"), /the command "bash" is not known/);
        assert.throws(run("git checkout main"), /a git checkout of a whole commit runs whatever it holds/);
        assert.throws(run("npm run bootstrap"), /package.json has no script "bootstrap"/);
    });

    it("splits shell lines as the shell does (&&, ;, |, quotes, comments, continuations)", () => {
        assert.deepEqual(shellCommands(`npm ci && npm run "build" ; echo 'a;b' | true # note\ngit fetch \\\n  origin x`), [
            ["npm", "ci"],
            ["npm", "run", "build"],
            ["echo", "a;b"],
            ["true"],
            ["git", "fetch", "origin", "x"],
        ]);
    });

    it("CODEOWNERS patterns: last match wins, * stays in a folder, / anchors, a folder covers its contents", () => {
        const r = parseCodeowners("* @a\n/docs/ @b\n*.md @c\n/x/*.yaml @d\nsrc @e\n");
        assert.deepEqual(
            ["a.ts", "docs/a.ts", "docs/a.md", "x/a.yaml", "x/y/a.yaml", "lib/src/a.ts", "src"].map((f) => ownerRule(r, f)?.owners[0]),
            ["@a", "@b", "@c", "@d", "@a", "@e", "@e"],
        );
    });
});
