import assert from "node:assert/strict";
import { fakeCredential, fakeToken } from "./support/fakeCredential";
import { actionId, collection, machine, machineAction, machineActionJson, machineJson, MACHINE_ID, OTHER_MACHINE_ID } from "./support/fixtures";
import { expectedUserAgent, summary, useHarness } from "./support/harness";
import { rejection } from "./support/rejection";

const SCOPE = "https://api.securitycenter.microsoft.com/.default";

describe("defender/client requests", () => {
    const h = useHarness();

    it("isolate: POST with exact body key case and headers, answer parsed", async () => {
        h.server.enqueue("POST", `/api/machines/${MACHINE_ID}/isolate`, { status: 201, json: machineActionJson() });
        const action = await h.client().isolate(MACHINE_ID, { comment: "incident 42", isolationType: "Full" });

        assert.deepEqual(action, { ...machineAction(), title: "Isolate device", requestSource: "PublicApi", errorHResult: 0 });
        assert.deepEqual(h.server.requests.map(summary), [
            { method: "POST", path: `/api/machines/${MACHINE_ID}/isolate`, rawQuery: "", body: '{"Comment":"incident 42","IsolationType":"Full"}' },
        ]);
        const headers = h.server.requests[0].headers;
        assert.equal(headers.authorization, `Bearer ${fakeToken(1)}`);
        assert.equal(headers["content-type"], "application/json");
        assert.equal(headers.accept, "application/json");
        assert.equal(headers["user-agent"], expectedUserAgent());
        assert.equal(headers["user-agent"], "pulumi-defender-isolation/0.1.0");
        assert.deepEqual(Object.keys(headers).sort(), [
            "accept",
            "accept-encoding",
            "authorization",
            "connection",
            "content-length",
            "content-type",
            "host",
            "user-agent",
        ]);
        assert.deepEqual(h.credential.scopes, [SCOPE]);
    });

    it('unisolate: POST with {"Comment"} only', async () => {
        h.server.enqueue("POST", `/api/machines/${MACHINE_ID}/unisolate`, { status: 201, json: machineActionJson({ type: "Unisolate", scope: null }) });
        const action = await h.client().unisolate(MACHINE_ID, "release after triage");
        assert.equal(action.type, "Unisolate");
        assert.equal(action.scope, null);
        assert.deepEqual(h.server.requests.map(summary), [
            { method: "POST", path: `/api/machines/${MACHINE_ID}/unisolate`, rawQuery: "", body: '{"Comment":"release after triage"}' },
        ]);
    });

    it("cancelAction: POST with a Comment when given, an empty object otherwise", async () => {
        const id = actionId(7);
        h.server.enqueue(
            "POST",
            `/api/machineactions/${id}/cancel`,
            { status: 200, json: machineActionJson({ id, status: "Cancelled" }) },
            { status: 200, json: machineActionJson({ id, status: "Cancelled" }) },
        );
        const client = h.client();
        assert.equal((await client.cancelAction(id, "superseded")).status, "Cancelled");
        await client.cancelAction(id);
        assert.deepEqual(h.server.requests.map(summary), [
            { method: "POST", path: `/api/machineactions/${id}/cancel`, rawQuery: "", body: '{"Comment":"superseded"}' },
            { method: "POST", path: `/api/machineactions/${id}/cancel`, rawQuery: "", body: "{}" },
        ]);
    });

    it("getAction and getMachine: GETs without a body or Content-Type", async () => {
        const id = actionId(3);
        h.server.enqueue("GET", `/api/machineactions/${id}`, { status: 200, json: machineActionJson({ id, status: "Succeeded" }) });
        h.server.enqueue("GET", `/api/machines/${MACHINE_ID}`, { status: 200, json: machineJson() });
        const client = h.client();
        assert.equal((await client.getAction(id)).status, "Succeeded");
        assert.deepEqual(await client.getMachine(MACHINE_ID), machine());
        assert.deepEqual(h.server.requests.map(summary), [
            { method: "GET", path: `/api/machineactions/${id}`, rawQuery: "", body: "" },
            { method: "GET", path: `/api/machines/${MACHINE_ID}`, rawQuery: "", body: "" },
        ]);
        for (const r of h.server.requests) {
            assert.equal(r.headers["content-type"], undefined);
            assert.equal(r.headers.authorization, `Bearer ${fakeToken(1)}`);
            assert.equal(r.headers.accept, "application/json");
        }
    });

    it("one token serves every request while it is fresh", async () => {
        h.server.fallback("GET", `/api/machines/${MACHINE_ID}`, { status: 200, json: machineJson() });
        const client = h.client();
        await Promise.all([client.getMachine(MACHINE_ID), client.getMachine(MACHINE_ID), client.getMachine(MACHINE_ID)]);
        await client.getMachine(MACHINE_ID);
        assert.equal(h.credential.calls, 1);
        assert.equal(h.server.requests.length, 4);
    });

    it("asks the credential again when the token is near its expiry", async () => {
        h.server.fallback("GET", `/api/machines/${MACHINE_ID}`, { status: 200, json: machineJson() });
        const client = h.client();
        const shortLived = fakeCredential({ lifetimeMs: 1 });
        const other = h.client({ credential: shortLived });
        await client.getMachine(MACHINE_ID);
        await other.getMachine(MACHINE_ID);
        await new Promise((r) => setTimeout(r, 5));
        await other.getMachine(MACHINE_ID);
        assert.equal(shortLived.calls, 2);
        assert.equal(h.credential.calls, 1);
    });

    it("listActions: machineId filter, exactly encoded", async () => {
        h.server.enqueue("GET", "/api/machineactions", {
            status: 200,
            json: collection([machineActionJson(), machineActionJson({ id: actionId(2), type: "Unisolate" })]),
        });
        const actions = await h.client().listActions({ machineId: MACHINE_ID });
        assert.deepEqual(
            actions.map((a) => a.id),
            [actionId(1), actionId(2)],
        );
        assert.deepEqual(h.server.requests.map(summary), [
            { method: "GET", path: "/api/machineactions", rawQuery: `$filter=machineId%20eq%20%27${MACHINE_ID}%27&$top=10000`, body: "" },
        ]);
    });

    it("listActions: type and one status go to the service; several statuses are filtered here", async () => {
        const answer = collection([
            machineActionJson({ id: actionId(1), status: "Pending" }),
            machineActionJson({ id: actionId(2), status: "Succeeded" }),
            machineActionJson({ id: actionId(3), status: "InProgress" }),
        ]);
        h.server.enqueue(
            "GET",
            "/api/machineactions",
            { status: 200, json: collection([machineActionJson({ status: "Pending" })]) },
            { status: 200, json: answer },
        );
        const client = h.client();
        await client.listActions({ machineId: MACHINE_ID, type: "Isolate", status: "Pending" });
        const inFlight = await client.listActions({ machineId: MACHINE_ID, status: ["Pending", "InProgress"] });
        assert.deepEqual(
            inFlight.map((a) => a.id),
            [actionId(1), actionId(3)],
        );
        assert.deepEqual(
            h.server.requests.map((r) => r.rawQuery),
            [
                `$filter=machineId%20eq%20%27${MACHINE_ID}%27%20and%20type%20eq%20%27Isolate%27%20and%20status%20eq%20%27Pending%27&$top=10000`,
                `$filter=machineId%20eq%20%27${MACHINE_ID}%27&$top=10000`,
            ],
        );
    });

    it("listActions: drops what the service sent outside the filter", async () => {
        h.server.enqueue("GET", "/api/machineactions", {
            status: 200,
            json: collection([machineActionJson(), machineActionJson({ id: actionId(2), machineId: OTHER_MACHINE_ID })]),
        });
        const actions = await h.client().listActions({ machineId: MACHINE_ID });
        assert.deepEqual(
            actions.map((a) => a.id),
            [actionId(1)],
        );
    });

    it("findMachinesByDnsName: exact-name filter, and only exact (case-insensitive) matches kept", async () => {
        h.server.enqueue("GET", "/api/machines", {
            status: 200,
            json: collection([
                machineJson(),
                machineJson({ id: OTHER_MACHINE_ID, computerDnsName: "FIN-LT-042.contoso.com" }),
                machineJson({ id: "b".repeat(40), computerDnsName: "fin-lt-042.contoso.com.evil.example" }),
                machineJson({ id: "c".repeat(40), computerDnsName: null }),
            ]),
        });
        const found = await h.client().findMachinesByDnsName("fin-lt-042.contoso.com");
        assert.deepEqual(
            found.map((m) => m.id),
            [MACHINE_ID, OTHER_MACHINE_ID],
        );
        assert.deepEqual(h.server.requests.map(summary), [
            { method: "GET", path: "/api/machines", rawQuery: "$filter=computerDnsName%20eq%20%27fin-lt-042.contoso.com%27&$top=10000", body: "" },
        ]);
    });

    describe("refused before any request", () => {
        const badMachineIds: Array<[string, string]> = [
            ["../x", "../x"],
            ["%2e%2e", "%2e%2e"],
            ["39 characters", MACHINE_ID.slice(1)],
            ["41 characters", `${MACHINE_ID}a`],
            ["fullwidth look-alike", `\uff11${MACHINE_ID.slice(1)}`],
            ["Cyrillic look-alike", `${MACHINE_ID.slice(0, 39)}\u0430`],
            ["40 characters with a slash", `${MACHINE_ID.slice(0, 20)}/${MACHINE_ID.slice(21)}`],
        ];
        for (const [name, id] of badMachineIds) {
            it(`machine id ${name}`, async () => {
                const client = h.client();
                const attempts = [
                    client.isolate(id, { comment: "x", isolationType: "Full" }),
                    client.unisolate(id, "x"),
                    client.getMachine(id),
                    client.listActions({ machineId: id }),
                ];
                for (const p of attempts) {
                    const e = await rejection(p);
                    assert.equal(e.kind, "invalidInput");
                    assert.match(e.message, /refused before sending: (filter\.)?machineId must be a Defender device id: exactly 40 hexadecimal characters/);
                }
                assert.equal(h.server.requests.length, 0);
                assert.equal(h.credential.calls, 0);
            });
        }

        it("action ids that are not GUIDs", async () => {
            const client = h.client();
            for (const p of [client.getAction("../../machines"), client.cancelAction("%2e%2e"), client.listActions({ ids: [actionId(1), "x"] })]) {
                assert.equal((await rejection(p)).kind, "invalidInput");
            }
            assert.match((await rejection(client.listActions({ ids: [actionId(1), "nope"] }))).message, /filter\.ids\[1\] must be a MachineAction id/);
            assert.equal(h.server.requests.length, 0);
        });

        it("a missing comment or an unknown isolation type", async () => {
            const client = h.client();
            assert.match(
                (await rejection(client.isolate(MACHINE_ID, { comment: " ", isolationType: "Full" }))).message,
                /^Defender API POST \/api\/machines\/\{machineId\}\/isolate refused before sending: comment must be a non-empty text/,
            );
            assert.match(
                (await rejection(client.isolate(MACHINE_ID, { comment: "x", isolationType: "full" as "Full" }))).message,
                /isolationType must be one of Full, Selective, UnManagedDevice; got "full"/,
            );
            assert.match((await rejection(client.unisolate(MACHINE_ID, ""))).message, /comment must be a non-empty text/);
            assert.match(
                (await rejection(client.listActions({ status: "Done" as "Pending" }))).message,
                /filter\.status must be one or more of Pending, InProgress/,
            );
            assert.match((await rejection(client.listActions({ type: "Isolate' or 'a" }))).message, /filter\.type must be an action type/);
            assert.match((await rejection(client.listActions({ top: 0 }))).message, /filter\.top must be a whole number from 1 to 100000; got 0/);
            assert.equal(h.server.requests.length, 0);
        });

        for (const name of ["fin' or computerDnsName ne '", "fin lt", "fin\u0000", "*", "a".repeat(256)]) {
            it(`DNS name ${JSON.stringify(name.slice(0, 30))}`, async () => {
                const e = await rejection(h.client().findMachinesByDnsName(name));
                assert.equal(e.kind, "invalidInput");
                assert.match(e.message, /^Defender API GET \/api\/machines refused before sending: name must be a device's DNS name/);
                assert.equal(h.server.requests.length, 0);
            });
        }
    });
});
