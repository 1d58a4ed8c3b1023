// One world (emulator + provider host) per mocha suite, the set-up most host tests share.
import { lateBound } from "./lateBound";
import { startWorld, type World, type WorldOptions } from "./world";

/**
 * Starts a world before the suite's tests and stops it after them; with `resetEach`, resets the
 * emulator before each test. The World returned stands for the one started.
 */
export function useWorld(opts: WorldOptions = {}, each: { resetEach?: boolean } = {}): World {
    let world: World | undefined;
    before(async () => {
        world = await startWorld(opts);
    });
    after(async () => {
        await world?.stop();
        world = undefined;
    });
    if (each.resetEach) beforeEach(() => world?.emulator.reset());
    return lateBound("the world", () => world);
}
