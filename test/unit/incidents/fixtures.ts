// Typed builders for incident files and folders written to temp dirs.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import type { IsolationType } from "../../../provider/resource/inputs";
import type { Incident, IncidentDevice } from "../../../provider/incidents/incidentFile";

export const IDS = {
    a: "1e5bc9d7e413ddd7902c2932e418702b84d0cc07",
    b: "a1beb9c642989d916897d4ce0a770c37adc96b20",
    c: "f773d5f2d89dcf86581ce3c75319706cff4c0e64",
} as const;

export interface DeviceFixture {
    machineId?: string;
    computerDnsName?: string;
    isolationType?: IsolationType;
    comment?: string;
}

export interface IncidentFixture {
    incident: string;
    title: string;
    isolate: DeviceFixture[];
    expiresAt?: string;
}

export function incidentFixture(overrides: Partial<IncidentFixture> = {}): IncidentFixture {
    return {
        incident: "INC-2031",
        title: "Cobalt Strike beacon on finance laptops",
        isolate: [{ machineId: IDS.a }],
        ...overrides,
    };
}

export function incidentYaml(overrides: Partial<IncidentFixture> = {}): string {
    return stringify(incidentFixture(overrides));
}

/** An Incident as the parser returns it, for the pure planning tests. */
export function incident(overrides: Partial<Omit<Incident, "devices">> & { devices?: Partial<IncidentDevice>[] } = {}): Incident {
    const { devices, ...rest } = overrides;
    return {
        id: "INC-2031",
        title: "Cobalt Strike beacon on finance laptops",
        file: "incidents/inc-2031.yaml",
        line: 1,
        ...rest,
        devices: (devices ?? [{ machineId: IDS.a }]).map((d, i) => ({
            isolationType: "Full",
            path: `isolate[${i}]`,
            line: 4 + i,
            ...d,
        })),
    };
}

/** A fresh temp folder holding `files` (name → text); `remove()` deletes it. */
export function tempFolder(files: Record<string, string> = {}): {
    dir: string;
    write(name: string, text: string): void;
    remove(name: string): void;
    cleanup(): void;
} {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-"));
    const write = (name: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    };
    for (const [name, text] of Object.entries(files)) write(name, text);
    return {
        dir,
        write,
        remove: (name) => fs.rmSync(path.join(dir, name)),
        cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}
