// The provider's messages when Defender's text is hostile: a compromised device reports a crafted
// hostname, an earlier isolation carries a crafted requestor. Log lines and errors quote them inert:
// no terminal control, no HTML for the pull request comment that shows the engine's output.
import { strict as assert } from "assert";
import { startWorld, type World } from "../../../testkit/world";
import { RAW_CONTROL } from "../../../testkit/hostileText";

const NAME = "fin-lt-666\x1b[2J\x1b]0;owned\x07</pre><h1>ok</h1>";
const REQUESTOR = "soc\u202e@contoso.com<img src=x>";
const ID_A = "beef".repeat(10);
const ID_B = "cafe".repeat(10);

describe("provider: messages quote Defender's hostile text inert", function () {
    this.timeout(60_000);
    let world: World;

    before(async () => {
        world = await startWorld();
        world.emulator.addMachine({ id: ID_A, computerDnsName: NAME, osPlatform: "Windows11", machineTags: ["DoNotIsolate"] });
        world.emulator.addMachine({ id: ID_B, computerDnsName: NAME.replace("666", "667"), osPlatform: "Windows11" });
        world.emulator.isolateOutOfBand(ID_B, { requestor: REQUESTOR });
    });
    after(() => world?.stop());

    it("an error naming the device (a protected tag refused at create)", async () => {
        await assert.rejects(world.create("protected", { machineId: ID_A, comment: "INC-1 beacon", protectedMachineTags: ["DoNotIsolate"] }), (e: Error) => {
            assert.match(e.message, /protected machine tag/);
            assert.doesNotMatch(e.message, RAW_CONTROL, e.message);
            assert.doesNotMatch(e.message, /<|>/, e.message);
            assert.match(e.message, /fin-lt-666\\x1b\[2J\\x1b\]0;owned\\x07\\u003c\/pre\\u003e/);
            return true;
        });
    });

    it("a log line naming the device and who requested its isolation (an adoption)", async () => {
        const line = world.nextLine(/adopting/);
        await world.create("adopted", { machineId: ID_B, comment: "INC-1 beacon" });
        const text = await line;
        assert.doesNotMatch(text, RAW_CONTROL, text);
        assert.doesNotMatch(text.replace(/^info: \[runtime\] /, ""), /<|>/, text);
        assert.match(text, /soc\\u202e@contoso\.com\\u003cimg src=x\\u003e/);
    });
});
