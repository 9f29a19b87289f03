import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './sim.js';

export interface TestPki {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  /** A CA that did not sign the server's certificate. */
  otherCa: string;
  /** Signed by the same CA, but for another host (upsd.other.example) only. */
  otherHostCert: string;
  otherHostKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A throwaway CA and a server certificate for localhost / 127.0.0.1, made with openssl. */
export function makeTestPki(): TestPki {
  const dir = tempDir('pki-');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=station-agent test CA'], dir);
  openssl(['req', '-x509', ...ec, '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '2', '-subj', '/CN=some other CA'], dir);
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext'], dir);
  openssl(['req', ...ec, '-keyout', 'other-host.key', '-out', 'other-host.csr', '-subj', '/CN=upsd.other.example'], dir);
  writeFileSync(join(dir, 'other-san.ext'), 'subjectAltName=DNS:upsd.other.example\n');
  openssl(['x509', '-req', '-in', 'other-host.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'other-host.crt', '-days', '2', '-extfile', 'other-san.ext'], dir);
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    otherCa: join(dir, 'other-ca.crt'),
    otherHostCert: join(dir, 'other-host.crt'),
    otherHostKey: join(dir, 'other-host.key'),
  };
}
