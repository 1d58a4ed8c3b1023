/**
 * diff: pure, over the state (old outputs) and the checked new inputs.
 *
 * - Which device is the isolation itself: a change replaces the resource, delete before create
 *   (release the old device, then isolate the new one).
 *   Naming the same device another way (its id instead of its name, or the other way round) is not a
 *   change of device: state holds both the id and the name, so that is an update, not a release.
 * - A change of isolation type is an UPDATE in place: the device is isolated again with the new type
 *   while the old isolation stays in force, so it is never released on the way (see update.ts). A
 *   delete-before-replace would release it first and leave it released when the new isolate fails.
 * - Comments, waiting and guardrail settings only shape future calls: an update of state, no API call.
 * - The serialized provider (`__provider`) is ignored: it is a loader of the installed package, so a
 *   new version of this package never replaces or updates a resource by itself.
 * - During preview an unknown device or type may be a change: reported as a replacement.
 */
import { isUnknown } from "./inputs";

export interface DiffResult {
    changes: boolean;
    replaces: string[];
    deleteBeforeReplace: boolean;
}

const UPDATABLE = ["comment", "releaseComment", "waitForCompletion", "completionTimeoutSeconds", "protectedMachineTags"] as const;

const sameName = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();

function sameDevice(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
    if (news.machineId !== undefined) return !isUnknown(news.machineId) && sameName(news.machineId, olds.machineId);
    if (news.computerDnsName !== undefined) return !isUnknown(news.computerDnsName) && sameName(news.computerDnsName, olds.computerDnsName);
    return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

export function diffDeclaration(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
    const replaces: string[] = [];
    if (!sameDevice(olds, news)) replaces.push(news.machineId !== undefined ? "machineId" : "computerDnsName");
    const newType = news.isolationType ?? "Full";
    const updates: string[] = UPDATABLE.filter((k) => news[k] !== undefined && !deepEqual(news[k], olds[k]));
    if (isUnknown(newType) || newType !== (olds.isolationType ?? "Full")) updates.push("isolationType");

    return {
        changes: replaces.length > 0 || updates.length > 0,
        replaces,
        deleteBeforeReplace: true,
    };
}
