// Reads a devices file: JSON or YAML (by extension), either a list of devices or `{ devices: [...] }`.
import { readFile } from "fs/promises";
import { parse as parseYaml } from "yaml";
import { Result, fail } from "../base/result";
import { DeviceSpec, validateDeviceSpecs } from "./deviceSpec";

export async function loadFleetFile(path: string): Promise<Result<DeviceSpec[]>> {
    let text: string;
    try {
        text = await readFile(path, "utf8");
    } catch (e) {
        return fail([`fleet.file: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? "error"}); check the path`]);
    }
    let data: unknown;
    try {
        data = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
        return fail([`fleet.file: ${path} is not valid ${/\.json$/i.test(path) ? "JSON" : "YAML"}: ${(e as Error).message}`]);
    }
    const list = typeof data === "object" && data !== null && !Array.isArray(data) ? (data as { devices?: unknown }).devices : data;
    return validateDeviceSpecs(list, `fleet.file(${path}).devices`);
}
