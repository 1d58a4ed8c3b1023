// The Node.js versions the package declares are the ones CI tests, the examples use and the types describe.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../../testkit/paths";

const read = (p: string) => fs.readFileSync(path.join(REPO_ROOT, p), "utf8");
const major = (range: string) => Number(/(\d+)/.exec(range)?.[1]);

describe("package: the supported Node.js versions, declared once and tested", () => {
    const pkg = JSON.parse(read("package.json")) as { engines: { node: string }; devDependencies: Record<string, string> };
    const ciMajors = (/^NODE_MAJORS=\(([\d ]+)\)$/m.exec(read(".ci/run"))?.[1] ?? "").split(" ").map(Number);

    it("engines says >=22: what @pulumi/pulumi and @azure/identity require", () => {
        assert.equal(pkg.engines.node, ">=22");
        const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { engines?: { node?: string } }> };
        for (const dep of ["@pulumi/pulumi", "@azure/identity"]) {
            const required = lock.packages[`node_modules/${dep}`].engines?.node ?? "";
            assert.ok(major(required) <= major(pkg.engines.node), `${dep} requires ${required}`);
        }
    });

    it("CI runs the suites on the lowest supported major and on every other one it lists (.ci/run NODE_MAJORS)", () => {
        assert.deepEqual(ciMajors, [22, 24]);
        assert.equal(ciMajors[0], major(pkg.engines.node));
    });

    it("the types, the example program and the example workflow use the lowest supported major", () => {
        assert.equal(major(pkg.devDependencies["@types/node"]), ciMajors[0]);
        const minimal = JSON.parse(read("examples/minimal/package.json")) as { devDependencies: Record<string, string> };
        assert.equal(major(minimal.devDependencies["@types/node"]), ciMajors[0]);
        const workflow = parse(read("examples/github-actions/incidents.yml")) as {
            jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
        };
        const versions = Object.values(workflow.jobs).flatMap((j) =>
            j.steps.filter((s) => s.uses?.startsWith("actions/setup-node")).map((s) => s.with?.["node-version"]),
        );
        assert.ok(versions.length >= 2);
        assert.deepEqual([...new Set(versions)], [ciMajors[0]]);
    });
});
