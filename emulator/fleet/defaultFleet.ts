// The fleet the emulator starts with unless told otherwise: small, realistic, and covering the cases a
// client must handle (every platform family, an offline device, a re-onboarded name, an unmanaged device),
// and alerts grouped in incidents, so a program can go from an alert to the devices it names.
import { AlertSpec, IncidentSpec } from "./alertSpec";
import { DeviceSpec } from "./deviceSpec";

export const DEFAULT_DEVICES = {
    /** Windows 11 finance laptop, online: the everyday isolation target. */
    finLaptop: {
        id: "a1beb9c642989d916897d4ce0a770c37adc96b20",
        computerDnsName: "fin-lt-042.contoso.com",
        osPlatform: "Windows11",
        osVersion: "23H2",
        machineTags: ["Finance", "Laptop"],
        rbacGroupName: "Finance",
    },
    /** A second Windows 11 finance laptop, online. */
    finLaptop2: {
        id: "f773d5f2d89dcf86581ce3c75319706cff4c0e64",
        computerDnsName: "fin-lt-043.contoso.com",
        osPlatform: "Windows11",
        osVersion: "23H2",
        machineTags: ["Finance", "Laptop"],
        rbacGroupName: "Finance",
    },
    /** Windows 11 HR laptop, online. */
    hrLaptop: {
        id: "191a1984da8a13be25be718235d99fb871b30a00",
        computerDnsName: "hr-lt-007.contoso.com",
        osPlatform: "Windows11",
        osVersion: "22H2",
        machineTags: ["HR", "Laptop"],
        rbacGroupName: "HR",
    },
    /** Windows Server 2022 database server, online. */
    sqlServer: {
        id: "9066389dad2340a08fb88b9ff77cc15e33cd246f",
        computerDnsName: "srv-sql-01.contoso.com",
        osPlatform: "WindowsServer2022",
        osVersion: "21H2",
        machineTags: ["Tier0", "Server"],
        rbacGroupName: "Servers",
        exposureLevel: "Medium",
    },
    /** Linux web server, online: Selective isolation is not supported there. */
    linuxServer: {
        id: "830bc31ca0d89ed582088af240d00d29645b69d7",
        computerDnsName: "web-lnx-03.contoso.com",
        osPlatform: "Linux",
        osVersion: "Ubuntu 22.04",
        machineTags: ["Server", "Web"],
        rbacGroupName: "Servers",
    },
    /** macOS designer laptop, online. */
    macLaptop: {
        id: "0dd67251a444b3d0b2776e81dd382489de43a51d",
        computerDnsName: "dsg-mac-11.contoso.com",
        osPlatform: "macOS",
        osVersion: "14.5",
        machineTags: ["Design", "Laptop"],
        rbacGroupName: "Design",
    },
    /** Windows 10 laptop that has been offline for four days: its actions stay Pending. */
    offlineLaptop: {
        id: "c716721c707f2a1a35e4b7ad79e558e388d33ffa",
        computerDnsName: "fin-lt-017.contoso.com",
        osPlatform: "Windows10",
        osVersion: "22H2",
        online: false,
        lastSeen: "-4d",
        machineTags: ["Finance", "Laptop"],
        rbacGroupName: "Finance",
    },
    /** Old record of a re-onboarded workstation: same name as `reonboardedNew`, inactive for 30 days. */
    reonboardedOld: {
        id: "80989d2be3d4577c10c5c9c9921b6b0929f71ef4",
        computerDnsName: "eng-ws-21.contoso.com",
        osPlatform: "Windows10",
        osVersion: "21H2",
        online: false,
        lastSeen: "-30d",
        firstSeen: "-400d",
        machineTags: ["Engineering"],
        rbacGroupName: "Engineering",
    },
    /** Current record of the re-onboarded workstation, online. */
    reonboardedNew: {
        id: "24ed3317bb3ee5dd20711606580460541ab9d0d3",
        computerDnsName: "eng-ws-21.contoso.com",
        osPlatform: "Windows11",
        osVersion: "23H2",
        firstSeen: "-29d",
        machineTags: ["Engineering"],
        rbacGroupName: "Engineering",
    },
    /** A discovered, unmanaged Windows laptop: only `UnManagedDevice` containment applies. */
    unmanagedLaptop: {
        id: "a76f075c0370902bdaf74f4011b48bf553d1e0a4",
        computerDnsName: "guest-lt-099.contoso.com",
        osPlatform: "Windows10",
        managed: false,
        machineTags: [],
    },
} as const satisfies Record<string, DeviceSpec>;

/** The default fleet as a list, in a stable order. */
export const DEFAULT_FLEET: readonly DeviceSpec[] = Object.values(DEFAULT_DEVICES);

/** Alerts of the default fleet: one incident on the HR laptop, one on both finance laptops. */
export const DEFAULT_ALERTS = {
    /** The Qakbot loader on hr-lt-007: the one alert of incident 924601. */
    hrQakbot: {
        id: "da638700000000000001_1111111111",
        machineId: DEFAULT_DEVICES.hrLaptop.id,
        title: "Qakbot loader executed from an HR file share",
        incidentId: 924601,
        severity: "High",
        category: "Malware",
        description: "A Qakbot loader ran from \\\\hr-fs-01\\shared and contacted a known command-and-control address.",
        createdAt: "-2h",
    },
    /** A Cobalt Strike beacon on fin-lt-042 (incident 924610). */
    finBeacon: {
        id: "da638700000000000002_2222222222",
        machineId: DEFAULT_DEVICES.finLaptop.id,
        title: "Cobalt Strike beacon",
        incidentId: 924610,
        severity: "High",
        category: "CommandAndControl",
        createdAt: "-3h",
    },
    /** The same beacon on fin-lt-043 (incident 924610). */
    finBeacon2: {
        id: "da638700000000000003_3333333333",
        machineId: DEFAULT_DEVICES.finLaptop2.id,
        title: "Cobalt Strike beacon",
        incidentId: 924610,
        severity: "Medium",
        category: "CommandAndControl",
        createdAt: "-170m",
    },
} as const satisfies Record<string, AlertSpec>;

export const DEFAULT_ALERT_LIST: readonly AlertSpec[] = Object.values(DEFAULT_ALERTS);

/** Incidents of the default fleet (their alerts are the alerts with their id). */
export const DEFAULT_INCIDENTS: readonly IncidentSpec[] = [
    { incidentId: 924601, incidentName: "Qakbot spreading through HR file shares", severity: "High" },
    { incidentId: 924610, incidentName: "Cobalt Strike beacons on finance laptops", severity: "High" },
];
