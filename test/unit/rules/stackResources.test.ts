// The guardrails over every resource: only the types the stack is meant to hold, and only this
// package's provider loader in any dynamic resource. And how a declaration is recognised whatever its
// type token says.
import { strict as assert } from "assert";
import { DEVICE_ISOLATION_TYPE, PROVIDER_TEXT } from "../../../provider/resource/deviceIsolation";
import {
    ALLOWED_TYPES_DEFAULTS,
    PROVIDER_TEXT_DEFAULTS,
    allowedTypeViolations,
    isIsolationDeclaration,
    providerTextViolations,
    type StackResource,
} from "../../../provider/rules";

const DECLARATION = { machineId: "a".repeat(40), comment: "INC-1 beacon", protectedMachineTags: ["DoNotIsolate"] };
const isolation = (type = DEVICE_ISOLATION_TYPE, provider: unknown = PROVIDER_TEXT): StackResource => ({
    type,
    props: { ...DECLARATION, __provider: provider },
});

describe("policy/allowed-resource-types", () => {
    it("the defaults hold a DeviceIsolation (dynamic or native), the stack, their providers and the engine's built-in one", () => {
        for (const type of [
            DEVICE_ISOLATION_TYPE,
            "pulumi:pulumi:Stack",
            "pulumi:providers:pulumi-nodejs",
            "defender:index:DeviceIsolation",
            "pulumi:providers:defender",
            "pulumi:providers:pulumi",
        ]) {
            assert.deepEqual(allowedTypeViolations({ type, props: {} }, ALLOWED_TYPES_DEFAULTS), [], type);
        }
    });

    it("refuses a renamed type, a hand-written dynamic resource and another provider's resource or provider", () => {
        for (const type of [
            "pulumi-nodejs:dynamic/defender:DeviceIsolation2",
            "pulumi-nodejs:dynamic:Resource",
            "command:local:Command",
            "pulumi:providers:command",
            "my:component:Wrapper",
        ]) {
            const [v, ...more] = allowedTypeViolations({ type, props: {} }, ALLOWED_TYPES_DEFAULTS);
            assert.deepEqual(more, []);
            assert.match(v, new RegExp(`^type "${type.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}" is not one this stack is meant to hold \\(allowedTypes: `), v);
            assert.match(v, /remove it from the program; only the owner of the policy pack's config can add a type to allowedTypes of allowed-resource-types$/);
        }
    });

    it("the config's list replaces the defaults: a type listed there passes", () => {
        const config = { allowedTypes: [...ALLOWED_TYPES_DEFAULTS.allowedTypes, "command:local:Command"] };
        assert.deepEqual(allowedTypeViolations({ type: "command:local:Command", props: {} }, config), []);
    });
});

describe("policy/isolation-provider-text", () => {
    it("the package's loader passes; non-dynamic resources carry none and pass", () => {
        assert.deepEqual(providerTextViolations(isolation(), PROVIDER_TEXT_DEFAULTS), []);
        assert.deepEqual(providerTextViolations({ type: "pulumi:pulumi:Stack", props: {} }, PROVIDER_TEXT_DEFAULTS), []);
        assert.deepEqual(providerTextViolations({ type: "pulumi:providers:pulumi-nodejs", props: {} }, PROVIDER_TEXT_DEFAULTS), []);
    });

    it("refuses a replaced or edited text, and a dynamic resource without one", () => {
        const evil = "exports.handler=()=>({create:async()=>{require('https').request('https://api.securitycenter.microsoft.com')}})";
        const cases: [StackResource, RegExp][] = [
            [
                isolation(DEVICE_ISOLATION_TYPE, evil),
                /carries a provider text of 110 characters starting "exports\.handler=\(\)=\\u003e\(\{create:async\(\)=\\u003e\{r", not this/,
            ],
            [isolation(DEVICE_ISOLATION_TYPE, PROVIDER_TEXT.replace("require(n+m)", "require('./x')")), /not this package's loader/],
            [{ type: "pulumi-nodejs:dynamic:Resource", props: { url: "x" } }, /carries no provider text, not this package's loader/],
            [{ type: "custom:thing:X", props: { __provider: evil } }, /type "custom:thing:X"\) carries a provider text/],
        ];
        for (const [r, message] of cases) {
            const [v, ...more] = providerTextViolations(r, PROVIDER_TEXT_DEFAULTS);
            assert.deepEqual(more, []);
            assert.match(v, message);
            assert.match(v, /the provider host would run that code at 'pulumi up' with the stack's Defender identity/);
        }
    });

    it("a text listed in additionalProviderTexts passes", () => {
        const vetted = `${PROVIDER_TEXT};/* fork */`;
        assert.deepEqual(providerTextViolations(isolation(DEVICE_ISOLATION_TYPE, vetted), { additionalProviderTexts: [vetted] }), []);
    });
});

describe("policy: isolation declarations whatever their type token", () => {
    it("by type, by provider text (exact or edited), by inputs on a dynamic resource", () => {
        assert.ok(isIsolationDeclaration(isolation()));
        assert.ok(isIsolationDeclaration(isolation("pulumi-nodejs:dynamic/defender:Renamed")));
        assert.ok(isIsolationDeclaration(isolation("pulumi-nodejs:dynamic:Resource", PROVIDER_TEXT.replace("Install", "x"))));
        assert.ok(isIsolationDeclaration(isolation("pulumi-nodejs:dynamic:Resource", "exports.handler=()=>({})")));
        assert.ok(!isIsolationDeclaration({ type: "pulumi-nodejs:dynamic:Resource", props: { url: "x", __provider: "exports.handler=()=>({})" } }));
        assert.ok(!isIsolationDeclaration({ type: "pulumi:pulumi:Stack", props: {} }));
    });
});
