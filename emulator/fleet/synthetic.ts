// N generated devices for benchmarks: deterministic ids and names, all online and managed, so that
// actions complete; platforms rotate so platform rules are exercised too, and devices spread over 20
// groups and 10 tagged waves, so selectors have something to choose from.
import { machineIdFromSeed } from "../base/ids";
import { DeviceSpec } from "./deviceSpec";

/** Upper bound on generated devices, to keep memory and start time bounded. */
export const MAX_GENERATED_DEVICES = 100_000;

const PLATFORMS = ["Windows11", "Windows11", "Windows11", "Windows10", "WindowsServer2022", "Linux", "macOS"] as const;

export function syntheticDevices(count: number): DeviceSpec[] {
    const devices: DeviceSpec[] = [];
    for (let i = 1; i <= count; i++) {
        const n = String(i).padStart(5, "0");
        devices.push({
            id: machineIdFromSeed(`synthetic:${i}`),
            computerDnsName: `syn-${n}.fleet.contoso.com`,
            osPlatform: PLATFORMS[i % PLATFORMS.length],
            machineTags: ["Synthetic", `Wave-${i % 10}`],
            rbacGroupName: `Fleet-${String(i % 20).padStart(2, "0")}`,
        });
    }
    return devices;
}
