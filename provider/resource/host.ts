/**
 * The lifecycle: what the serialized provider object delegates to, inside the provider host.
 *
 *   configure → settings (no network)      check → pure validation (no network)
 *   diff      → pure (no network)          create / read / update / delete → see each file's contract
 *
 * Everything returned is plain JSON.
 */
import { checkInputs } from "./inputs";
import { diffDeclaration } from "./diff";
import { configurationProblem, configure as configureContext, context, markStillDeclared, noteChecked, wasChecked } from "./context";
import { createIsolation } from "./create";
import { readIsolation } from "./read";
import { deleteIsolation } from "./remove";
import { explained } from "./failures";
import { currentActionId } from "./outputs";
import { updateIsolation } from "./update";
import { deviceName } from "./device";

type Props = Record<string, unknown>;

// eslint-disable-next-line @typescript-eslint/require-await -- the dynamic provider wants a promise, and a throw must reach it as a rejection
export async function configure(req: { config: { get(key: string): string | undefined } }): Promise<void> {
    configureContext((key) => req.config.get(key));
}

/**
 * Pure, and the first place an invalid configuration shows: as a check failure of the resource (the
 * engine prints it once, on that resource, and stops before any request), in full for the first
 * resource checked and as a short reference for the others.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- the dynamic provider wants a promise, and a throw must reach it as a rejection
export async function check(_olds: Props, news: Props) {
    const checked = checkInputs(news);
    const problem = configurationProblem();
    if (problem !== undefined) return { inputs: checked.inputs, failures: [{ property: "", reason: problem }, ...checked.failures] };
    if (checked.failures.length === 0) noteChecked(checked.inputs);
    return checked;
}

/**
 * Pure; it also notes, for this deployment's deletes, that a declaration staying in the program holds
 * its isolation. Only a diff of inputs this host checked counts: the engine also diffs during every
 * refresh (`pulumi destroy` and `refresh: always` included) with the inputs stored in state, and such a
 * diff says nothing about the program.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- the dynamic provider wants a promise, and a throw must reach it as a rejection
export async function diff(id: string, olds: Props, news: Props) {
    const result = diffDeclaration(olds, news);
    if (result.replaces.length === 0 && typeof id === "string" && id !== "" && wasChecked(news)) {
        markStillDeclared(id);
        markStillDeclared(currentActionId(id, olds ?? {}));
    }
    return result;
}

export async function create(inputs: Props) {
    const device = [inputs.machineId, inputs.computerDnsName].find((v): v is string => typeof v === "string") ?? "";
    return explained("create", device, () => createIsolation(context(), inputs));
}

export async function read(id: string, props: Props) {
    return explained("read", stateDevice(id, props), () => readIsolation(context(), id, props ?? {}));
}

/** Comments, waiting and guardrails: state only. A change of isolation type isolates again in place (update.ts). */
export async function update(id: string, olds: Props, news: Props) {
    const device = stateDevice(id, olds);
    return explained("update", device, () => updateIsolation(context, id, olds ?? {}, news));
}

// `delete` is a reserved word as a function name, not as an export name.
async function remove(id: string, props: Props): Promise<void> {
    return explained("delete", stateDevice(id, props), () => deleteIsolation(context(), id, props));
}

export { remove as delete };

/** How errors name the device of a resource in state; the action id when state is empty (import). */
function stateDevice(id: string, props: Props | undefined): string {
    const machineId = typeof props?.machineId === "string" ? props.machineId : "";
    const name = typeof props?.computerDnsName === "string" ? props.computerDnsName : "";
    return machineId ? deviceName({ id: machineId, computerDnsName: name }) : id;
}
