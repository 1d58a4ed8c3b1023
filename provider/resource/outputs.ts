/**
 * The resource's state: plain JSON only (strings, numbers, booleans, arrays), never undefined, so
 * nothing can fail to marshal after Defender has acted. It keeps the declaration too, because
 * read, update and delete receive only this state.
 */
import { isActionId, type Machine, type MachineAction } from "../defender";
import { DEFAULT_COMPLETION_TIMEOUT_SECONDS, DEFAULT_RELEASE_COMMENT, type Declaration, type IsolationType } from "./inputs";

export interface IsolationOutputs {
    [key: string]: string | number | boolean | string[];
    machineId: string;
    computerDnsName: string;
    isolationType: IsolationType;
    comment: string;
    releaseComment: string;
    waitForCompletion: boolean;
    completionTimeoutSeconds: number;
    protectedMachineTags: string[];
    machineActionId: string;
    status: string;
    requestor: string;
    creationDateTimeUtc: string;
    lastUpdateDateTimeUtc: string;
}

export function toOutputs(decl: Declaration, machine: Pick<Machine, "id" | "computerDnsName">, action: MachineAction): IsolationOutputs {
    return {
        machineId: machine.id,
        computerDnsName: machine.computerDnsName ?? "",
        isolationType: decl.isolationType,
        comment: decl.comment,
        releaseComment: decl.releaseComment,
        waitForCompletion: decl.waitForCompletion,
        completionTimeoutSeconds: decl.completionTimeoutSeconds,
        protectedMachineTags: [...decl.protectedMachineTags],
        ...actionOutputs(action),
    };
}

export function actionOutputs(action: MachineAction) {
    return {
        machineActionId: action.id,
        status: action.status,
        requestor: action.requestor ?? "",
        creationDateTimeUtc: action.creationDateTimeUtc ?? "",
        lastUpdateDateTimeUtc: action.lastUpdateDateTimeUtc ?? "",
    };
}

/** The declaration as recorded in state, tolerant of state written by older versions. */
export function declarationFromState(state: Record<string, unknown>): Declaration & { machineId: string } {
    const str = (k: string, d = "") => (typeof state[k] === "string" ? state[k] : d);
    return {
        machineId: str("machineId"),
        computerDnsName: str("computerDnsName"),
        comment: str("comment"),
        isolationType: str("isolationType", "Full") as IsolationType,
        releaseComment: str("releaseComment") || DEFAULT_RELEASE_COMMENT,
        waitForCompletion: typeof state.waitForCompletion === "boolean" ? state.waitForCompletion : true,
        completionTimeoutSeconds: typeof state.completionTimeoutSeconds === "number" ? state.completionTimeoutSeconds : DEFAULT_COMPLETION_TIMEOUT_SECONDS,
        protectedMachineTags: Array.isArray(state.protectedMachineTags) ? state.protectedMachineTags.filter((t): t is string => typeof t === "string") : [],
    };
}

/**
 * The isolate action this resource holds now: `machineActionId` (a change of isolation type moves it to
 * the new isolate, while the resource id stays the first one), else the resource id.
 */
export function currentActionId(id: string, state: Record<string, unknown>): string {
    return typeof state.machineActionId === "string" && isActionId(state.machineActionId) ? state.machineActionId : id;
}
