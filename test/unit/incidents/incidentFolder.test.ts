import { strict as assert } from "assert";
import * as path from "path";
import { displayPath, loadIncidentFolder } from "../../../provider/incidents/incidentFolder";
import { formatProblem } from "../../../provider/incidents/problems";
import { IDS, incidentYaml, tempFolder } from "./fixtures";

describe("gitops: incident folder", () => {
    const folders: { cleanup(): void }[] = [];
    const folder = (files: Record<string, string>) => {
        const f = tempFolder(files);
        folders.push(f);
        return f;
    };
    afterEach(() => folders.splice(0).forEach((f) => f.cleanup()));

    it("reads every *.yaml and *.yml file, skipping hidden files, other files and sub-folders", () => {
        const f = folder({
            "b.yml": incidentYaml({ incident: "INC-2" }),
            "a.yaml": incidentYaml({ incident: "INC-1" }),
            "README.md": "# incidents",
            ".draft.yaml": "not: [valid",
            "closed/inc-0.yaml": incidentYaml({ incident: "INC-0" }),
        });
        const loaded = loadIncidentFolder(f.dir, { displayRoot: path.dirname(f.dir) });
        const shown = path.basename(f.dir);
        assert.deepEqual(loaded.problems, []);
        assert.equal(loaded.folder, shown);
        assert.deepEqual(loaded.files, [`${shown}/a.yaml`, `${shown}/b.yml`]);
        assert.deepEqual(
            loaded.incidents.map((i) => [i.id, i.file]),
            [
                ["INC-1", `${shown}/a.yaml`],
                ["INC-2", `${shown}/b.yml`],
            ],
        );
    });

    it("reports every problem of every file at once, and keeps only the valid incidents", () => {
        const f = folder({
            "a.yaml": incidentYaml({ incident: "INC-1" }),
            "b.yaml": "incident: INC-2\ntitle: t\nisolate:\n  - machineId: nope\n",
            "c.yaml": "incident: [broken\n",
        });
        const loaded = loadIncidentFolder(f.dir, { displayRoot: f.dir });
        assert.deepEqual(
            loaded.problems.map((p) => `${p.file}:${p.line} ${p.path ?? ""}`),
            ["b.yaml:4 isolate[0].machineId", "c.yaml:2 "],
        );
        assert.deepEqual(
            loaded.incidents.map((i) => i.id),
            ["INC-1"],
        );
    });

    it("refuses the same incident id in two files, ignoring case, naming both", () => {
        const f = folder({
            "a.yaml": incidentYaml({ incident: "INC-2031" }),
            "b.yaml": "# copy\n" + incidentYaml({ incident: "inc-2031", isolate: [{ machineId: IDS.b }] }),
        });
        const loaded = loadIncidentFolder(f.dir, { displayRoot: f.dir });
        assert.deepEqual(loaded.problems.map(formatProblem), [
            'a.yaml:1 incident: "INC-2031" is also the incident id in b.yaml:2: give each incident its own id, or merge the files into one',
            'b.yaml:2 incident: "inc-2031" is also the incident id in a.yaml:1: give each incident its own id, or merge the files into one',
        ]);
    });

    it("a missing folder is a problem, even with allowEmpty", () => {
        const f = folder({});
        const missing = path.join(f.dir, "nope");
        const loaded = loadIncidentFolder(missing, { allowEmpty: true, displayRoot: f.dir });
        assert.deepEqual(loaded.problems.map(formatProblem), [
            `nope does not exist (looked for ${missing}): set incidentsDir to the folder that holds the incident files, relative to the project folder: pulumi config set incidentsDir incidents (your folder)`,
        ]);
    });

    it("a file given as the folder is a problem", () => {
        const f = folder({ "a.yaml": incidentYaml() });
        const loaded = loadIncidentFolder(path.join(f.dir, "a.yaml"), { displayRoot: f.dir });
        assert.deepEqual(
            loaded.problems.map((p) => [p.file, p.message]),
            [["a.yaml", "is not a folder"]],
        );
    });

    it("a folder without incident files is a problem unless allowEmpty is set", () => {
        const f = folder({ "README.md": "nothing open" });
        const refused = loadIncidentFolder(f.dir, { displayRoot: f.dir });
        assert.deepEqual(refused.problems.map(formatProblem), [
            ". holds no incident file (*.yaml, *.yml); declaring no device would release every device isolated by this stack: check incidentsDir and the checkout; if every incident is closed and every device must be released, set allowEmpty: pulumi config set allowEmpty true",
        ]);
        const allowed = loadIncidentFolder(f.dir, { allowEmpty: true, displayRoot: f.dir });
        assert.deepEqual([allowed.problems, allowed.incidents], [[], []]);
    });

    it("refuses an oversized file without parsing it", () => {
        const f = folder({ "big.yaml": `# ${"x".repeat(300 * 1024)}\n` + incidentYaml() });
        const loaded = loadIncidentFolder(f.dir, { displayRoot: f.dir });
        assert.equal(loaded.problems.length, 1);
        assert.match(formatProblem(loaded.problems[0]), /^big\.yaml is \d+ bytes, more than 262144: keep one incident per file/);
    });

    it("shows paths relative to the display root when inside it, absolute otherwise", () => {
        assert.equal(displayPath("/repo/examples/incidents/a.yaml", "/repo"), "examples/incidents/a.yaml");
        assert.equal(displayPath("/elsewhere/a.yaml", "/repo"), "/elsewhere/a.yaml");
        assert.equal(displayPath("/repo", "/repo"), ".");
    });
});
