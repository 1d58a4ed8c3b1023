// Interrupted deployments through the real CLI: Ctrl-C while `pulumi up` waits for Defender, and the
// CLI killed (SIGKILL) in the middle of creates. What the state then holds, and the recovery the README
// documents, ending with every declared device isolated once and no isolation that no state knows of.
import { strict as assert } from "assert";
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { stackConfigCommands } from "../../scripts/engine/localStack";
import { REPO_ROOT, requirePulumiCli } from "../../testkit/cli/engine";
import { sharedFleetProgram } from "../../testkit/cli/userProgram";
import { CliWorkspace, isolations, type CliRun } from "../../testkit/cli/workspace";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(100);
    }
}

/** Processes whose environment carries this workspace's PULUMI_HOME: the CLI's plugins, orphaned or not. */
function processesOf(ws: CliWorkspace): { pid: number; command: string }[] {
    const marker = `PULUMI_HOME=${ws.env.PULUMI_HOME}\0`;
    const found: { pid: number; command: string }[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
        try {
            if (!fs.readFileSync(`/proc/${entry}/environ`, "latin1").includes(marker)) continue;
            const command = fs
                .readFileSync(`/proc/${entry}/cmdline`, "utf8")
                .split("\0")
                .filter(Boolean)
                .map((a) => path.basename(a))
                .slice(0, 2)
                .join(" ");
            found.push({ pid: Number(entry), command });
        } catch {
            /* gone, or not ours to read */
        }
    }
    return found;
}

describe("e2e: interrupted deployments", function () {
    this.timeout(5 * 60_000);
    let emulator: RunningEmulator;
    let ws: CliWorkspace;
    let program: string;
    let devices: string[];
    let stack = "";

    before(async function () {
        const cli = await requirePulumiCli(this);
        this.timeout(15 * 60_000);
        emulator = await startEmulator({
            tls: { dir: path.join(REPO_ROOT, ".state", "emulator-tls") },
            fleet: { devices: [], generate: 8 },
            actionDelays: { toInProgressMs: 500, toSucceededMs: 8_000 },
        });
        devices = emulator
            .state()
            .machines.map((m) => m.id)
            .sort();
        ws = new CliWorkspace(cli, { caCertPath: emulator.caCertPath, prefix: "e2e-interrupt-" });
        program = sharedFleetProgram();
    });
    after(async () => {
        for (const p of processesOf(ws)) {
            try {
                process.kill(p.pid, "SIGKILL");
            } catch {
                /* already gone */
            }
        }
        ws?.remove();
        await emulator?.stop();
    });

    async function newStack(name: string, declared: string[]): Promise<void> {
        stack = name;
        await ws.ok(["stack", "init", stack, "--non-interactive"], { cwd: program });
        const configFile = path.join(program, `Pulumi.${stack}.yaml`);
        for (const c of stackConfigCommands({
            stack,
            configFile,
            emulatorUrl: emulator.url,
            credentials: {
                tenantId: "00000000-0000-0000-0000-000000000001",
                clientId: "7d3f4c2a-9b1e-4f6d-8a2c-5e0b1d9c3f47",
                clientSecret: "interrupt-suite-secret",
            },
            pollIntervalSeconds: 0.2,
        })) {
            await ws.ok(c.args, { cwd: program, stdin: c.stdin });
        }
        await ws.ok(["config", "set", "--stack", stack, "devices", JSON.stringify(declared)], { cwd: program });
    }
    const flags = () => ["--stack", stack, "--non-interactive"];
    const isolatePosts = (ids: string[]) =>
        emulator.requests().filter((r) => r.method === "POST" && ids.some((id) => r.path === `/api/machines/${id}/isolate`)).length;
    const isolateActions = (id: string) => emulator.state().actions.filter((a) => a.machineId === id && a.type === "Isolate");

    /** Starts `pulumi up` in its own process group (as a terminal's foreground job), interrupted by `interrupt`. */
    function upInterrupted(declared: string[], interrupt: (child: ChildProcess) => void): Promise<CliRun> {
        let child: ChildProcess | undefined;
        const run = ws.run(["up", "--yes", "--skip-preview", ...flags()], {
            cwd: program,
            detached: true,
            onSpawn: (c) => {
                child = c;
            },
        });
        void until(`${declared.length} isolate requests`, () => isolatePosts(declared) >= declared.length)
            .then(() => sleep(500))
            .then(() => interrupt(child!));
        return run;
    }

    /** Every declared device isolated by exactly one isolate action, and state holding exactly those actions. */
    async function assertIsolatedOnce(declared: string[]): Promise<void> {
        const state = isolations(await ws.exportStack(stack, program));
        assert.deepEqual(state.map((r) => r.outputs?.machineId).sort(), [...declared].sort());
        for (const id of declared) {
            const actions = isolateActions(id);
            assert.equal(actions.length, 1, `${id}: ${actions.length} isolate actions`);
            assert.equal(emulator.machine(id)?.isolation.isolated, true, `${id} isolated`);
            assert.ok(
                state.some((r) => r.id === actions[0].id),
                `${id}: state holds the one action ${actions[0].id}`,
            );
        }
    }

    describe("Ctrl-C (SIGINT) while up waits for Defender", () => {
        let interrupted: CliRun;
        let declared: string[];
        before(async () => {
            declared = devices.slice(0, 3);
            await newStack("sigint", declared);
            interrupted = await upInterrupted(declared, (c) => process.kill(-c.pid!, "SIGINT"));
        });

        it("the CLI stops after the creates in flight finish, and records each of them", async () => {
            assert.notEqual(interrupted.code, 0, interrupted.stdout);
            assert.match(interrupted.stdout + interrupted.stderr, /\^C received; cancelling/);
            const exported = await ws.exportStack(stack, program);
            process.stdout.write(
                `      (after SIGINT: ${isolations(exported).length} isolations in state, ${exported.deployment.pending_operations?.length ?? 0} pending operations; exit ${interrupted.code})\n`,
            );
            assert.equal(exported.deployment.pending_operations?.length ?? 0, 0);
        });

        it("pulumi up afterwards sends no duplicate isolate: every device isolated once", async () => {
            await ws.ok(["up", "--yes", "--skip-preview", ...flags()], { cwd: program });
            await assertIsolatedOnce(declared);
        });
    });

    describe("SIGKILL of the CLI in the middle of creates", () => {
        let killed: CliRun;
        let declared: string[];
        let orphans: { pid: number; command: string }[] = [];
        before(async () => {
            declared = devices.slice(3, 8);
            await newStack("sigkill", declared);
            killed = await upInterrupted(declared, (c) => c.kill("SIGKILL"));
            await sleep(1000);
            orphans = processesOf(ws);
            // What a CI runner does when it cancels a job: nothing of it survives.
            for (const p of orphans) {
                try {
                    process.kill(p.pid, "SIGKILL");
                } catch {
                    /* already gone */
                }
            }
        });

        it("leaves the creates as pending operations in the checkpoint", async () => {
            assert.equal(killed.signal, "SIGKILL");
            const exported = await ws.exportStack(stack, program);
            const pending = exported.deployment.pending_operations ?? [];
            process.stdout.write(
                `      (after SIGKILL: ${isolations(exported).length} isolations in state, ${pending.length} pending operations (${[...new Set(pending.map((p) => p.type))].join(", ")}); plugins left running: ${orphans.map((o) => o.command).join("; ") || "none"})\n`,
            );
            assert.ok(pending.length > 0, "pending operations recorded");
            assert.ok(pending.every((p) => p.type === "creating"));
        });

        it("the next up stops at the dead run's lock, and changes nothing", async () => {
            const before = emulator.requests().length;
            const r = await ws.run(["up", "--yes", "--skip-preview", ...flags()], { cwd: program });
            const writes = emulator
                .requests()
                .slice(before)
                .filter((q) => q.method === "POST" && q.path.startsWith("/api/"));
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /the stack is currently locked by 1 lock\(s\)/);
            assert.equal(writes.length, 0);
        });

        it("recovery: cancel (the stale lock), refresh --clear-pending-creates, up: adoption, no duplicate isolate, nothing unknown to state", async () => {
            await ws.ok(["cancel", "--yes", ...flags()], { cwd: program });
            const refresh = await ws.ok(["refresh", "--yes", "--clear-pending-creates", ...flags()], { cwd: program });
            assert.equal((await ws.exportStack(stack, program)).deployment.pending_operations?.length ?? 0, 0, refresh.stdout);
            const postsBefore = isolatePosts(declared);
            await ws.ok(["up", "--yes", "--skip-preview", ...flags()], { cwd: program });
            assert.equal(isolatePosts(declared), postsBefore, "no isolate request: the running isolations were adopted");
            await assertIsolatedOnce(declared);
        });
    });
});
