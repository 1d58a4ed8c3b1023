/**
 * Text an attacker chooses: the hostname of a compromised device (Defender reports it as
 * computerDnsName), a requestor, an incident title. Every output must show these inertly.
 */
export const HOSTILE = {
    ansiClear: "fin-lt-042\x1b[2J\x1b[1;1Hall devices released",
    oscTitle: "web-01\x1b]0;owned\x07",
    c1Csi: "srv-\u009b31mred",
    bidi: "fin-lt-\u202egpj.exe",
    newline: "fin-lt-042\n# APPROVED",
    heading: "# No changes",
    link: "[release all](https://evil.example/login)",
    image: "![x](https://evil.example/pixel.png)",
    html: "</pre><h1>Preview: no changes</h1><pre>",
    autolink: "https://evil.example/approve",
    pipe: "a | b | c",
    backticks: "``code`` ends`",
    entity: "&lt;script&gt;",
};

/** A character a terminal acts on, raw: C0 and C1 controls, DEL, bidi overrides and isolates, separators. */
// eslint-disable-next-line no-control-regex
export const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
