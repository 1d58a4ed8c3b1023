// Which isolation types a platform supports, as Microsoft documents them: Full on Windows, Linux and
// macOS; Selective on Windows and macOS only. Other platforms (iOS, Android, ...) support neither.
import { IsolationType } from "../base/runtimeOptions";

export function supportsIsolation(osPlatform: string, type: IsolationType): boolean {
    const p = osPlatform.toLowerCase();
    const windows = p.startsWith("windows");
    const mac = p === "macos";
    if (type === "Selective") return windows || mac;
    if (type === "Full") return windows || mac || p === "linux";
    return true;
}
