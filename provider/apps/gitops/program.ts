/**
 * The incident program: the incident folder → one DeviceIsolation per declared device, and stack
 * outputs per incident.
 *
 * All or nothing: the folder is read and checked in full before the first resource is declared. On any
 * problem the program throws one error listing them all, and Pulumi changes nothing (a failed program
 * never deletes, so no device is released because a file was unreadable).
 *
 * One resource per device: devices named by computerDnsName are looked up in Defender (read-only, see
 * nameResolution.ts) and declared by machineId, so incidents naming one device two ways share it.
 *
 * Selectors (`select:`) are resolved the same way, read-only, when the program runs (selectorReads.ts,
 * selectorResolution.ts): each device they choose is one more declaration by machineId. What they
 * chose is logged and written to the `selection` output of its incident, which the next run reads back
 * (previousSelection.ts) to hold a device that stopped matching (`whenDeselected: keep`).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DeviceIsolation } from "../../resource/deviceIsolation";
import { planDevices, type Plan } from "../../incidents/devicePlan";
import { deviceLimitProblem } from "../../incidents/guardrails";
import { loadIncidentFolder } from "../../incidents/incidentFolder";
import { expiryWarnings } from "../../incidents/expiryNotice";
import { lookUpDeviceIds, lookUpDeviceNames } from "../../incidents/nameLookup";
import { resolveDeviceNames, type IdLookup, type NameLookup } from "../../incidents/nameResolution";
import { PLAN_ROWS, previewPlanMarkdown, type DeviceOutlook } from "../../incidents/previewPlan";
import { isExpired } from "../../incidents/expiry";
import type { Incident } from "../../incidents/incidentFile";
import { largestSelectors, selectionLines, selectionOutput, type SelectionOutput } from "../../incidents/selectionReport";
import { readSelectors, type PreviousSelection, type SelectorClient } from "../../incidents/selectorReads";
import { resolveSelections, withSelectedDevices, type ResolvedSelection } from "../../incidents/selectorResolution";
import { readPreviousSelection } from "./previousSelection";
import { newDevicesFirst, readDeclaredDevices } from "./declarationOrder";
import { selectorClientFor } from "../../incidents/selectorLookup";
import { formatConfigProblems, readProgramConfig, resolveProgramOptions, type ConfigProblem, type IncidentProgramOptions } from "./options";
import { describeProblems, type IncidentProblem } from "../../incidents/problems";
import { engineParallelism, parallelismWarning } from "./parallelism";
import { engineText } from "../../base/engineText";

/**
 * One device of one incident, in the stack outputs. Values from the resource are outputs at the leaves,
 * so a preview still shows every incident and device, with only the not-yet-known values unknown.
 */
export interface IncidentDeviceOutput {
    /** The DeviceIsolation resource name. */
    name: string;
    machineId: pulumi.Input<string> | null;
    computerDnsName: pulumi.Input<string> | null;
    /** The isolation applied to the device (Full wins when incidents differ), or the one asked for when not declared. */
    isolationType: pulumi.Input<string>;
    /** The isolate action's status, or "NotDeclared" when no open incident lists the device (the update releases it). */
    status: pulumi.Input<string>;
    machineActionId: pulumi.Input<string> | null;
}

export interface IncidentOutput {
    title: string;
    /** The incident file, as shown in messages. */
    file: string;
    /** ISO-8601 in UTC, or null when the incident does not expire. */
    expiresAt: string | null;
    expired: boolean;
    devices: IncidentDeviceOutput[];
    /** What the incident's selectors chose (null without selectors, or when expired). */
    selection: SelectionOutput | null;
}

export interface IncidentProgramResult {
    /** Per incident id, open or expired: export it as a stack output. */
    incidents: Record<string, IncidentOutput>;
    /** Devices declared (isolated) by this update. */
    deviceCount: number;
    /** The declared resources, by resource name. */
    resources: Record<string, DeviceIsolation>;
}

export const NOT_DECLARED = "NotDeclared";

/**
 * Thrown when the configuration or the incident folder has problems; nothing has been declared.
 *
 * Its stack is its message alone. The SDK prints a RunError's message without frames, but also formats
 * the whole error for its trace (`util.inspect` with colours), and Node 20's marking of node_modules
 * frames loops on a frame such as `node_modules/@pulumi/resource.ts:1687:22` (the SDK's source maps)
 * until the string overflows: about 30 s before the error reached the terminal.
 */
export class IncidentProgramError extends pulumi.RunError {
    constructor(
        message: string,
        readonly problems: readonly (IncidentProblem | ConfigProblem)[],
    ) {
        super(message);
        this.name = "IncidentProgramError";
        this.stack = `${this.name}: ${message}`;
    }
}

/** Where the program reads Defender and its own last deployment. */
export interface ProgramSources {
    /**
     * Resolves computerDnsName declarations to device ids (one resource per device).
     * @default none: devices keep the name they are declared by, and each resource resolves its own at create
     */
    lookUpNames?: NameLookup;
    /** Reads what selectors need from Defender (read-only); required when an open incident has `select:`. */
    selectorClient?: () => SelectorClient | Promise<SelectorClient>;
    /** The selections of the stack's last deployment. @default none: as on a first deployment */
    previousSelection?: () => Promise<PreviousSelection>;
    /** The device ids the stack's last deployment declared, declared last (declarationOrder.ts). @default none: the plan's order */
    declaredBefore?: () => Promise<ReadonlySet<string>>;
    /** Names the devices declared by id in the preview's plan (display only; a failure leaves their ids). @default none */
    lookUpIds?: IdLookup;
}

const nothingDeclared = (what: string, e: unknown, fix: string) =>
    `${what}: ${e instanceof Error ? e.message : String(e)}. Nothing was declared: no device is isolated or released until this works (${fix}).`;

/** Resolves the selectors of the open incidents; the incidents come back with their selected devices. */
async function resolveSelectors(
    incidents: Incident[],
    now: Date,
    sources: ProgramSources,
    protectedTags: readonly string[],
): Promise<{ incidents: Incident[]; selections: Map<string, ResolvedSelection>; problems: IncidentProblem[] }> {
    const open = incidents.filter((i) => i.selection && !isExpired(i.expiresAt, now));
    if (open.length === 0) return { incidents, selections: new Map(), problems: [] };
    if (!sources.selectorClient) {
        const message = `${open.map((i) => i.id).join(", ")} select${open.length === 1 ? "s" : ""} devices in Defender, and this program was given no way to read Defender. Nothing was declared.`;
        throw new IncidentProgramError(message, []);
    }
    let previous: PreviousSelection;
    try {
        previous = (await sources.previousSelection?.()) ?? new Map();
    } catch (e) {
        throw new IncidentProgramError(
            nothingDeclared("Could not read what the selectors chose at the last deployment (the stack's outputs)", e, "check access to the stack's backend"),
            [],
        );
    }
    const openIds = new Set(open.map((i) => i.id.toLowerCase()));
    const relevant = new Map([...previous].filter(([id]) => openIds.has(id)));
    let reads;
    try {
        reads = await readSelectors(open, relevant, await sources.selectorClient());
    } catch (e) {
        const fix =
            "check the defender:* configuration and the application's Machine.Read.All, Alert.Read.All and, for defenderIncident, Incident.Read.All permissions; a rate limit clears within the hour";
        throw new IncidentProgramError(nothingDeclared("Could not read the devices the selectors choose in Defender", e, fix), []);
    }
    const { selections } = resolveSelections(open, reads, relevant, { protectedTags });
    return { incidents: incidents.map((i) => withSelectedDevices(i, selections.get(i.id))), selections, problems: reads.problems };
}

/**
 * `sources` may be a NameLookup alone (the program's earlier signature).
 *
 * Every preview and update warns about each expired incident; every preview also prints its plan (one
 * Markdown table: per incident, each device's name, id, type and what happens to it).
 */
export async function incidentProgram(input: IncidentProgramOptions = {}, sourcesOrLookup: ProgramSources | NameLookup = {}): Promise<IncidentProgramResult> {
    const sources: ProgramSources = typeof sourcesOrLookup === "function" ? { lookUpNames: sourcesOrLookup } : sourcesOrLookup;
    const lookUpNames = sources.lookUpNames;
    // Read while the folder is read and resolved; only the order depends on it, so a failure keeps the plan's order.
    const heldBefore: Promise<ReadonlySet<string>> = sources.declaredBefore
        ? sources.declaredBefore().catch(() => new Set<string>())
        : Promise.resolve(new Set());
    const { options, problems: configProblems } = resolveProgramOptions(input);
    if (configProblems.length > 0) throw new IncidentProgramError(formatConfigProblems(configProblems), configProblems);

    const folder = loadIncidentFolder(path.resolve(options.projectRoot, options.incidentsDir), {
        allowEmpty: options.allowEmpty,
        displayRoot: options.projectRoot,
    });
    const problems: IncidentProblem[] = [...folder.problems];
    let incidentsRead = folder.incidents;
    if (problems.length === 0 && lookUpNames) {
        let named;
        try {
            named = await resolveDeviceNames(folder.incidents, lookUpNames);
        } catch (e) {
            const message = `Could not look up the devices named by computerDnsName in Defender: ${engineText(e instanceof Error ? e.message : String(e))}. Nothing was declared: no device is isolated or released until the lookup works (check the defender:* configuration), or declare those devices by machineId.`;
            throw new IncidentProgramError(message, []);
        }
        incidentsRead = named.incidents;
        problems.push(...named.problems);
    }
    let selections = new Map<string, ResolvedSelection>();
    if (problems.length === 0) {
        const selected = await resolveSelectors(incidentsRead, options.now, sources, options.protectedTags);
        incidentsRead = selected.incidents;
        selections = selected.selections;
        problems.push(...selected.problems);
    }
    const plan = planDevices(incidentsRead, options.now);
    problems.push(...plan.problems);
    if (problems.length === 0) {
        const limit = deviceLimitProblem(plan.devices.length, options.maxDevices, folder.folder);
        if (limit) {
            const largest = largestSelectors(selections.values());
            problems.push(largest.length > 0 ? { ...limit, message: `${limit.message}; the largest selectors: ${largest.join("; ")}` } : limit);
        }
    }
    for (const [id, s] of selections) for (const line of selectionLines(id, s)) void pulumi.log.info(line);
    if (problems.length > 0) throw new IncidentProgramError(describeProblems(folder.folder, problems), problems);

    const crowded = parallelismWarning(plan.devices.length, options.waitForCompletion, engineParallelism());
    if (crowded) void pulumi.log.warn(crowded);
    const resources: Record<string, DeviceIsolation> = {};
    const held = await heldBefore;
    for (const d of newDevicesFirst(plan.devices, held)) {
        resources[d.name] = new DeviceIsolation(d.name, {
            ...(d.machineId ? { machineId: d.machineId } : {}),
            ...(d.computerDnsName ? { computerDnsName: d.computerDnsName } : {}),
            comment: d.comment,
            isolationType: d.isolationType,
            releaseComment: d.releaseComment,
            waitForCompletion: options.waitForCompletion,
            protectedMachineTags: options.protectedTags,
        });
    }

    const dryRun = pulumi.runtime.isDryRun();
    const names = dryRun ? await namesOfIdDevices(plan, sources.lookUpIds) : undefined;
    for (const warning of expiryWarnings(plan, names)) void pulumi.log.warn(warning);
    if (dryRun) void pulumi.log.info(previewPlanMarkdown({ plan, outlook: await previewOutlook(resources), names }));

    // Titles, file names and device names are the incident author's or Defender's text: the engine prints
    // outputs in the CI log and pulumi/actions pastes them into the PR comment's HTML, so they go out inert.
    const incidents: Record<string, IncidentOutput> = {};
    for (const incident of plan.incidents) {
        incidents[incident.id] = {
            title: engineText(incident.title),
            file: engineText(incident.file),
            expiresAt: incident.expiresAt ? incident.expiresAt.toISOString() : null,
            expired: incident.expired,
            selection: selections.has(incident.id) ? selectionOutput(selections.get(incident.id) as ResolvedSelection) : null,
            devices: incident.devices.map((d): IncidentDeviceOutput => {
                const r = resources[d.name];
                return r
                    ? {
                          name: d.name,
                          machineId: r.machineId,
                          computerDnsName: r.computerDnsName.apply((n) => (typeof n === "string" ? engineText(n) : n)),
                          isolationType: r.isolationType,
                          status: r.status,
                          machineActionId: r.machineActionId,
                      }
                    : {
                          name: d.name,
                          machineId: d.machineId ?? null,
                          computerDnsName: d.computerDnsName === undefined ? null : engineText(d.computerDnsName),
                          isolationType: d.isolationType,
                          status: NOT_DECLARED,
                          machineActionId: null,
                      };
            }),
        };
    }
    return { incidents, deviceCount: plan.devices.length, resources };
}

/**
 * The program as the root Pulumi project runs it: options from stack config (`<project>:<key>`), a
 * relative incidentsDir resolved against projectRoot (the folder of Pulumi.yaml), and device names
 * looked up in Defender with the stack's `defender:*` config.
 */
export async function incidentProgramFromConfig(
    config: Readonly<Record<string, string>>,
    project: string,
    projectRoot?: string,
): Promise<IncidentProgramResult> {
    const { options, problems } = readProgramConfig(config, project);
    if (problems.length > 0) throw new IncidentProgramError(formatConfigProblems(problems), problems);
    return incidentProgram(
        { ...options, ...(projectRoot ? { projectRoot } : {}) },
        {
            lookUpNames: defenderNameLookup(config),
            lookUpIds: defenderIdLookup(config),
            selectorClient: () => selectorClientFor((key) => config[key]),
            previousSelection: readPreviousSelection,
            declaredBefore: readDeclaredDevices,
        },
    );
}

/** Device names of ids, with the stack's defender:* config. */
export function defenderIdLookup(config: Readonly<Record<string, string>>): IdLookup {
    return (ids) => lookUpDeviceIds((key) => config[key], ids);
}

/**
 * The names of the devices incidents list by id only, for the plan: when there are at most PLAN_ROWS
 * of them (a read per 50); none when the lookup fails (the plan shows ids).
 */
async function namesOfIdDevices(plan: Plan, lookUpIds: IdLookup | undefined): Promise<Map<string, string> | undefined> {
    const ids = [...new Set(plan.incidents.flatMap((i) => i.devices).flatMap((d) => (d.machineId && !d.computerDnsName ? [d.machineId] : [])))];
    if (!lookUpIds || ids.length === 0 || ids.length > PLAN_ROWS) return undefined;
    try {
        return await lookUpIds(ids);
    } catch (e) {
        void pulumi.log.info(
            `The plan shows devices declared by id without their names: reading their names failed (${e instanceof Error ? e.message : String(e)}).`,
        );
        return undefined;
    }
}

/**
 * What the preview says of each resource. The engine answers a preview's registration with the state's
 * values for a resource it leaves unchanged, the resource's id alone for an update, and nothing for a
 * create; the SDK shows "not known" as an output whose `isKnown` is false. That flag is not part of the
 * SDK's typed surface, so its absence is handled: the plan then says "not known".
 */
async function previewOutlook(resources: Record<string, DeviceIsolation>): Promise<Map<string, DeviceOutlook>> {
    type Probe = { isKnown?: Promise<boolean>; promise?: () => Promise<unknown> };
    const known = (o: unknown) => (o as Probe).isKnown;
    const value = async (o: unknown) => {
        const v = await (o as Probe).promise?.();
        return typeof v === "string" ? v : undefined;
    };
    const entries = await Promise.all(
        Object.entries(resources).map(async ([name, r]): Promise<[string, DeviceOutlook]> => {
            const [idKnown, actionKnown] = await Promise.all([known(r.id), known(r.machineActionId)]);
            if (idKnown === undefined || actionKnown === undefined) return [name, { change: "unknown" }];
            if (actionKnown) {
                const [status, actionId, computerDnsName] = await Promise.all([value(r.status), value(r.machineActionId), value(r.computerDnsName)]);
                return [name, { change: "unchanged", status, actionId, computerDnsName }];
            }
            return [name, { change: idKnown ? "update" : "isolate" }];
        }),
    );
    return new Map(entries);
}

/** Names looked up with the stack's defender:* config (the same keys the provider reads). */
export function defenderNameLookup(config: Readonly<Record<string, string>>): NameLookup {
    return async (names) => {
        const found = await lookUpDeviceNames((key) => config[key], names);
        return new Map([...found].map(([name, machines]) => [name, machines.map((m) => ({ id: m.id, lastSeen: m.lastSeen }))]));
    };
}
