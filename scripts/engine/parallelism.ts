/**
 * The engine's parallelism for commands that isolate or release devices: `--parallel` (or
 * PULUMI_PARALLEL) on `pulumi up`, `destroy`, `refresh` and `preview`.
 *
 * The engine runs at most that many resource operations at once, and a create or delete that waits
 * for Defender's action holds its slot for the whole wait. The engine's default is 4 per CPU (8 on a
 * two-core runner), so with waits the engine, not Defender, sets the pace: 150 waited isolations took
 * 3 times what the API allows. Defender starts at most 1,500 isolations (and 1,500 releases) an hour
 * per application, so with this many slots no operation the API would accept waits for one; fewer
 * would hold back isolations whenever the actions in flight outnumber the slots. Nothing in
 * `Pulumi.yaml` or the stack config sets it: the commands do.
 */
export const ENGINE_PARALLELISM = 1500;

/** `["--parallel", "1500"]`: what the project's own commands (the demo, the documented ones) carry. */
export function parallelFlags(): string[] {
    return ["--parallel", String(ENGINE_PARALLELISM)];
}
