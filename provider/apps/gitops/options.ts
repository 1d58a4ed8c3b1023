/**
 * The incident program's options, their defaults, and how they are read from stack config.
 *
 * Config keys live in the project's namespace (`pulumi config set maxDevices 80`); the root
 * Pulumi.yaml declares them with the same defaults and descriptions.
 */
import { DEFAULT_MAX_DEVICES as POLICY_MAX_DEVICES, MAX_MAX_DEVICES as POLICY_MAX_MAX_DEVICES, PROTECTED_DEVICES_DEFAULTS } from "../../rules";
import { isWholeIn, wholeNumberText } from "../../base/ranges";
import { describeValue, quote } from "../../base/text";
import { didYouMean } from "../../incidents/problems";

export interface IncidentProgramOptions {
    /** Folder of incident files; relative paths resolve against the project folder. @default "examples/incidents" */
    incidentsDir?: string;
    /** Most devices the folder may declare; more fails the preview, with the count. @default 50 */
    maxDevices?: number;
    /** Devices carrying any of these Defender machine tags (case-insensitive) are refused at create. @default ["DoNotIsolate"] */
    protectedTags?: string[];
    /** Each isolation and release waits for Defender to finish the action. @default true */
    waitForCompletion?: boolean;
    /** Accept an incident folder with no incident file: declares no device, so every device is released. @default false */
    allowEmpty?: boolean;
    /** The time expiries are measured against. @default the time the program starts */
    now?: Date;
    /**
     * The folder a relative incidentsDir is resolved against: the project's root (the folder of
     * Pulumi.yaml), which is not the program's working directory when Pulumi.yaml's `main` names a
     * file in another folder. @default process.cwd()
     */
    projectRoot?: string;
}

export type ResolvedProgramOptions = Required<IncidentProgramOptions>;

export const DEFAULT_INCIDENTS_DIR = "examples/incidents";
/** The policy pack's defaults, so the program and the pack agree out of the box. */
export const DEFAULT_MAX_DEVICES = POLICY_MAX_DEVICES;
/** Far beyond any incident, low enough to stop a generated folder from isolating a fleet. */
export const MAX_MAX_DEVICES = POLICY_MAX_MAX_DEVICES;
export const DEFAULT_PROTECTED_TAGS: readonly string[] = PROTECTED_DEVICES_DEFAULTS.protectedTags;

/** The program's config keys, in the order Pulumi.yaml lists them. */
export const CONFIG_KEYS = ["incidentsDir", "maxDevices", "protectedTags", "waitForCompletion", "allowEmpty"] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

export interface ConfigProblem {
    key: string;
    message: string;
    fix: string;
}

export function formatConfigProblems(problems: readonly ConfigProblem[]): string {
    return [
        "Invalid incident program configuration. Nothing was declared: no device is isolated or released until it is fixed.",
        ...problems.map((p) => `  - ${p.key}: ${p.message}: ${p.fix}`),
    ].join("\n");
}

const set = (key: string, example: string) => `pulumi config set ${key} ${example}`;

/** Fills defaults and checks ranges; every problem at once. */
export function resolveProgramOptions(options: IncidentProgramOptions): { options: ResolvedProgramOptions; problems: ConfigProblem[] } {
    const problems: ConfigProblem[] = [];
    const resolved: ResolvedProgramOptions = {
        incidentsDir: options.incidentsDir ?? DEFAULT_INCIDENTS_DIR,
        maxDevices: options.maxDevices ?? DEFAULT_MAX_DEVICES,
        protectedTags: [...(options.protectedTags ?? DEFAULT_PROTECTED_TAGS)],
        waitForCompletion: options.waitForCompletion ?? true,
        allowEmpty: options.allowEmpty ?? false,
        now: options.now ?? new Date(),
        projectRoot: options.projectRoot ?? process.cwd(),
    };
    if (typeof resolved.incidentsDir !== "string" || resolved.incidentsDir.trim() === "") {
        problems.push({ key: "incidentsDir", message: "is empty", fix: set("incidentsDir", "incidents") });
    }
    const max = resolved.maxDevices;
    const range = { min: 1, max: MAX_MAX_DEVICES };
    if (!isWholeIn(max, range.min, range.max)) {
        problems.push({
            key: "maxDevices",
            message: `must be ${wholeNumberText(range)}, got ${describeValue(max)}`,
            fix: set("maxDevices", String(DEFAULT_MAX_DEVICES)),
        });
    }
    const tags = resolved.protectedTags;
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== "string" || t.trim() === "")) {
        problems.push({
            key: "protectedTags",
            message: "must be a list of non-empty machine tag names",
            fix: `${set("--path 'protectedTags[0]'", "DoNotIsolate")}, or [] in Pulumi.<stack>.yaml to protect no tag`,
        });
    } else {
        resolved.protectedTags = tags.map((t) => t.trim());
    }
    for (const key of ["waitForCompletion", "allowEmpty"] as const) {
        if (typeof resolved[key] !== "boolean")
            problems.push({ key, message: `must be true or false, got ${describeValue(resolved[key])}`, fix: set(key, "true") });
    }
    if (!(resolved.now instanceof Date) || Number.isNaN(resolved.now.getTime())) {
        problems.push({ key: "now", message: "must be a valid Date", fix: "pass a Date, or leave it out for the current time" });
    }
    return { options: resolved, problems };
}

function parseBoolean(text: string): boolean | undefined {
    const t = text.trim().toLowerCase();
    return t === "true" ? true : t === "false" ? false : undefined;
}

/** A JSON list of strings (what Pulumi stores for an array key), or a comma-separated list. */
function parseTags(text: string): string[] | undefined {
    const t = text.trim();
    if (t.startsWith("[") || t.startsWith("{")) {
        try {
            const v: unknown = JSON.parse(t);
            return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined;
        } catch {
            return undefined;
        }
    }
    if (t === "") return undefined;
    return t.split(",").map((x) => x.trim());
}

/**
 * Reads the program's options from stack config: `config` maps full keys (`<project>:maxDevices`, as
 * `pulumi.runtime.allConfig()` returns them) to their text. Keys of the project's namespace that the
 * program does not know are problems too: a mistyped `maxDevice` must not silently fall back to 50.
 */
export function readProgramConfig(config: Readonly<Record<string, string>>, project: string): { options: IncidentProgramOptions; problems: ConfigProblem[] } {
    const problems: ConfigProblem[] = [];
    const options: IncidentProgramOptions = {};
    const prefix = `${project}:`;
    for (const full of Object.keys(config)) {
        if (!full.startsWith(prefix)) continue;
        const key = full.slice(prefix.length);
        if ((CONFIG_KEYS as readonly string[]).includes(key)) continue;
        const hint = didYouMean(key, CONFIG_KEYS);
        problems.push({
            key,
            message: "is not a setting of this program",
            fix: hint
                ? `did you mean ${hint}? pulumi config rm ${key}`
                : `known settings are ${CONFIG_KEYS.join(", ")}; remove it with pulumi config rm ${key}`,
        });
    }
    const get = (key: ConfigKey) => config[`${prefix}${key}`];

    const dir = get("incidentsDir");
    if (dir !== undefined) options.incidentsDir = dir.trim();

    const max = get("maxDevices");
    if (max !== undefined) {
        if (/^\s*\d+\s*$/.test(max)) options.maxDevices = Number(max);
        else
            problems.push({
                key: "maxDevices",
                message: `must be a whole number, got ${quote(max)}`,
                fix: set("maxDevices", String(DEFAULT_MAX_DEVICES)),
            });
    }

    const tags = get("protectedTags");
    if (tags !== undefined) {
        const parsed = parseTags(tags);
        if (parsed) options.protectedTags = parsed;
        else
            problems.push({
                key: "protectedTags",
                message: `must be a list of machine tag names, got ${quote(tags)}`,
                fix: `${set("--path 'protectedTags[0]'", "DoNotIsolate")} (a JSON list such as ["DoNotIsolate","Tier0"]; [] protects no tag)`,
            });
    }

    for (const key of ["waitForCompletion", "allowEmpty"] as const) {
        const text = get(key);
        if (text === undefined) continue;
        const value = parseBoolean(text);
        if (value === undefined) problems.push({ key, message: `must be true or false, got ${quote(text)}`, fix: set(key, "true") });
        else options[key] = value;
    }
    return { options, problems };
}
