// Entry of dist/sandbox.js: the embedded sandbox (simulated Kubernetes API server with its TLS
// certificates from node-forge, backend and broker), loaded through `./lazy` only when a sandbox run
// starts. Import it only from `./lazy`.
export { probeOverridesForProfile } from '../sandbox/probeOptions';
export { PROFILES, profileByName } from '../sandbox/profiles';
export { Sandbox } from '../sandbox/sandbox';
