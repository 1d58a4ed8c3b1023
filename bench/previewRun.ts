/**
 * A GitOps preview at scale: a generated incident folder, the repo's own program (dist/provider/apps/gitops/
 * main.js) run as `pulumi preview` runs it (setMocks, preview mode, stack config), then check and diff
 * of every declared device through the real provider host, against a prior state where every tenth
 * comment differs. Nothing is created and no Defender API call may happen.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { syntheticDevices } from "../emulator";
import { programFromModule, runProgram } from "../testkit/host/registration";
import { REPO_ROOT, RESOURCE_TYPE, startWorld } from "../testkit/world";
import { apiRecorder } from "../testkit/requests/apiLog";
import type { RunOptions } from "./createRun";
import { peakRssMb } from "./processMemory";
import type { PreviewResult } from "./results";
import type { PreviewScenario } from "./scenarios";

const PROGRAM = path.join(REPO_ROOT, "dist/provider/apps/gitops/main.js");
const PROJECT = "defender-incidents";

/** A folder of `incidents` files declaring `devices` synthetic devices between them. */
export function writeIncidentFolder(devices: number, incidents: number): { dir: string; cleanup(): void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-incidents-"));
    const fleet = syntheticDevices(devices);
    const perFile = Math.ceil(devices / incidents);
    for (let i = 0; i < incidents; i++) {
        const slice = fleet.slice(i * perFile, (i + 1) * perFile);
        if (slice.length === 0) break;
        const id = `INC-${5000 + i}`;
        const lines = [`incident: ${id}`, `title: Ransomware wave ${i + 1}`, "isolate:", ...slice.map((d) => `  - machineId: ${d.id}`)];
        fs.writeFileSync(path.join(dir, `${id.toLowerCase()}.yaml`), `${lines.join("\n")}\n`);
    }
    return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function runPreviewScenario(s: PreviewScenario, opts: RunOptions = {}): Promise<PreviewResult> {
    const log = opts.log ?? (() => undefined);
    const recorder = apiRecorder();
    const folder = writeIncidentFolder(s.devices, s.incidents);
    const world = await startWorld({ emulator: { requestLogLimit: 0, onRequest: recorder.onRequest }, callTimeoutMs: 120_000 });
    try {
        const start = performance.now();
        const run = await runProgram(programFromModule(PROGRAM), {
            project: PROJECT,
            preview: true,
            // An identity, as every stack has one (the program refuses to run without); with more devices
            // declared by id than its plan shows, the preview reads nothing from Defender.
            config: {
                incidentsDir: folder.dir,
                maxDevices: String(s.devices),
                "defender:tenantId": "00000000-0000-0000-0000-00000000be01",
                "defender:clientId": "00000000-0000-0000-0000-00000000be02",
                "defender:clientSecret": "bench-preview-secret",
            },
            timeoutMs: 120_000,
        });
        const resources = run.resources.filter((r) => r.type === RESOURCE_TYPE);
        const programMs = performance.now() - start;
        log(`${s.name}: program declared ${resources.length} devices in ${(programMs / 1000).toFixed(1)} s; check and diff`);

        const checkStart = performance.now();
        const checked = await Promise.all(resources.map((r) => world.host.check(r.urn, {}, r.inputs, { preview: true })));
        const checkMs = performance.now() - checkStart;

        const diffStart = performance.now();
        const diffs = await Promise.all(
            resources.map((r, i) => {
                const inputs = checked[i].inputs;
                const state = {
                    ...inputs,
                    comment: i % 10 === 0 ? "an older comment" : inputs.comment,
                    computerDnsName: `syn-${String(i + 1).padStart(5, "0")}.fleet.contoso.com`,
                    machineActionId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
                    status: "Succeeded",
                    requestor: "bench",
                    creationDateTimeUtc: "2030-01-01T00:00:00.0000000Z",
                    lastUpdateDateTimeUtc: "2030-01-01T00:00:10.0000000Z",
                };
                return world.host.diff(state.machineActionId, r.urn, state, inputs, { preview: true, oldInputs: { ...inputs, comment: state.comment } });
            }),
        );
        const diffMs = performance.now() - diffStart;
        return {
            kind: "preview",
            scenario: s.name,
            devices: s.devices,
            incidents: s.incidents,
            wallMs: performance.now() - start,
            programMs,
            checkMs,
            diffMs,
            resources: resources.length,
            checkFailures: checked.filter((c) => c.failures.length > 0).length,
            changed: diffs.filter((d) => d.changes === "DIFF_SOME").length,
            apiCalls: recorder.requests().length,
            hostPeakRssMb: peakRssMb(world.host.pid),
            providerBytes: Buffer.byteLength([resources[0]?.inputs.__provider].find((p): p is string => typeof p === "string") ?? ""),
        };
    } finally {
        await world.stop();
        folder.cleanup();
    }
}
