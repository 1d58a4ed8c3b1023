/**
 * Program side, read-only: the Defender client selectors read through, made from the stack's
 * `defender:*` config (the provider's own settings and rules). It only lists devices and reads alerts
 * and incidents; it never isolates or releases.
 */
import type { SelectorClient } from "./selectorReads";

/** Loaded when a selector is read, not with the program: the client brings @azure/identity and axios. */
export async function selectorClientFor(config: (key: string) => string | undefined): Promise<SelectorClient> {
    const { createDefenderClient } = await import("../defender");
    const { readSettings } = await import("../resource/settings");
    return createDefenderClient(readSettings(config).client);
}
