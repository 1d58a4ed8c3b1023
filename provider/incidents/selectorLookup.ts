/**
 * Program side, read-only: the Defender client selectors read through, made from the stack's
 * `defender:*` config (the provider's own settings and rules). It only lists devices and reads alerts
 * and incidents; it never isolates or releases.
 */
import { createDefenderClient } from "../defender";
import { readSettings } from "../resource/settings";
import type { SelectorClient } from "./selectorReads";

export function selectorClientFor(config: (key: string) => string | undefined): SelectorClient {
    return createDefenderClient(readSettings(config).client);
}
