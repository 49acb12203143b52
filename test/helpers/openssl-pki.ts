/**
 * Certificates made with the openssl command at test time (never committed keys), for
 * the server-side TLS tests (issue 25): a CA, another CA nobody trusts, server
 * certificates for localhost, a.example and b.example, a second localhost certificate
 * (a renewal: another serial number), one that expires in 5 days, a client certificate
 * the CA signs and one the other CA signs. Each as <name>.pem and <name>.key in `dir`;
 * the CA alone in `dir`/cacerts (a trust store folder).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslPki {
  dir: string;
  /** A folder with the CA only. */
  cacerts: string;
  file(name: string): string;
  /** The serial number of <name>.pem, as node:tls reports it (upper-case hex). */
  serial(name: string): string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function ca(dir: string, name: string, subject: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '30', '-subj', subject,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

function leaf(dir: string, name: string, issuer: string, commonName: string, serial: number, days: number, usage: 'serverAuth' | 'clientAuth', dns: string[] = []): void {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${commonName}`]);
  const altNames = [...dns.map((d) => `DNS:${d}`), ...(usage === 'serverAuth' ? ['IP:127.0.0.1'] : [])];
  const ext = [`extendedKeyUsage=${usage}`, 'basicConstraints=CA:FALSE', ...(altNames.length > 0 ? [`subjectAltName=${altNames.join(',')}`] : [])];
  writeFileSync(join(dir, `${name}.ext`), `${ext.join('\n')}\n`);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', String(serial),
    '-days', String(days), '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
}

export function makeOpensslPki(): OpensslPki {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-openssl-pki-'));
  ca(dir, 'ca', '/CN=tcp-commands Server Test CA');
  ca(dir, 'other-ca', '/CN=Unknown CA');
  const serials: Record<string, number> = {};
  const make = (name: string, issuer: string, cn: string, days: number, usage: 'serverAuth' | 'clientAuth', dns: string[] = []): void => {
    serials[name] = 0x1000 + Object.keys(serials).length;
    leaf(dir, name, issuer, cn, serials[name]!, days, usage, dns);
  };
  make('server', 'ca', 'localhost', 30, 'serverAuth', ['localhost']);
  make('renewed', 'ca', 'localhost', 60, 'serverAuth', ['localhost']);
  make('a', 'ca', 'a.example', 30, 'serverAuth', ['a.example']);
  make('b', 'ca', 'b.example', 30, 'serverAuth', ['b.example']);
  make('expiring', 'ca', 'localhost', 5, 'serverAuth', ['localhost']);
  make('client', 'ca', 'good client', 30, 'clientAuth');
  make('rogue', 'other-ca', 'rogue client', 30, 'clientAuth');
  const cacerts = join(dir, 'cacerts');
  mkdirSync(cacerts);
  execFileSync('cp', [join(dir, 'ca.pem'), join(cacerts, 'ca.pem')]);
  return {
    dir,
    cacerts,
    file: (name) => join(dir, name),
    serial: (name) => serials[name]!.toString(16).toUpperCase(),
  };
}
