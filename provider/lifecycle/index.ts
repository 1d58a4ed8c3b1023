/**
 * The address every stored provider text loads (`dist/provider/lifecycle/index.js`, see
 * resource/providerText.ts): state written by any version of this package names this file, and the
 * engine runs read and delete with the text stored in state. It must never move; it only forwards to
 * the resource layer's host entry.
 */
export * from "../resource/host";
