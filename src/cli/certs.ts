/**
 * tcpcmd certs: list, add to and check with the trust store (certs/cacerts under the
 * working directory, src/tls/folders.ts); every action says which folder it uses.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TCPClose } from '../commands/close.js';
import { WebDevSetConfig } from '../commands/config.js';
import { TCPConnect } from '../commands/connect.js';
import { TCPGetOption } from '../commands/socket-options.js';
import { TCPSetTrustStore } from '../commands/trust.js';
import { TCPErrorText } from '../errors.js';
import { failureText } from '../commands/failure-text.js';
import { defaultTrustFolder } from '../tls/folders.js';
import { certificatesInFile, loadTrustStore, type TrustedCertificate } from '../tls/trust-store.js';
import { EXIT_FAILED, EXIT_OK, type Subcommand, UsageError } from './command.js';
import { hostAndPort } from './host-port.js';

const usage = `tcpcmd certs folder [--folder DIR]
tcpcmd certs list  [--folder DIR] [FILE...]
tcpcmd certs add FILE [--name NAME] [--force] [--folder DIR]
tcpcmd certs check HOST:PORT [--folder DIR] [--only] [--timeout SECONDS]

  folder  which trust folder is used, and why (--folder, $TCP_COMMANDS_CACERTS or the default)
  list    the trusted CAs of the folder (subject, expiry, days left) and the files that are
          not certificates; given FILEs (a served certificate, say), their certificates instead
  add     validate a PEM or DER certificate file and store it in the folder as PEM
  check   connect with TLS and verify the server against the trust store

  --folder DIR   the trust folder (default: certs/cacerts under the working directory,
                 or $TCP_COMMANDS_CACERTS; relative names resolve against the working directory)
  --only         check against the folder alone, without node's bundled public roots`;

/** Where the folder comes from, in words. */
function origin(given: string | undefined): string {
  if (given !== undefined) return '--folder';
  const configured = process.env.TCP_COMMANDS_CACERTS;
  if (configured !== undefined && configured !== '') return '$TCP_COMMANDS_CACERTS';
  return 'the default: certs/cacerts under the working directory';
}

function showFolder(folder: string, given: string | undefined): number {
  const state = existsSync(folder) ? '' : ' (does not exist yet: only node\'s bundled roots are trusted)';
  console.log(`trust store ${folder} (from ${origin(given)})${state}`);
  return EXIT_OK;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** One certificate: its subject, then its expiry and days left (whole days; negative once expired). */
function showCertificate(cert: TrustedCertificate, caExpected: boolean, now: number): void {
  const expiry = cert.notAfter.toISOString().slice(0, 10);
  const daysLeft = Math.floor((cert.notAfter.getTime() - now) / DAY_MS);
  const flags = [cert.notAfter.getTime() < now ? 'EXPIRED' : '', caExpected && !cert.isCA ? 'not a CA' : ''].filter(Boolean).join(', ');
  console.log(`  ${cert.subject}\n    expires ${expiry}  file ${cert.file}  ${daysLeft} days left${flags ? `  (${flags})` : ''}`);
}

function list(folder: string, files: string[]): number {
  const now = Date.now();
  if (files.length > 0) {
    let failed = false;
    for (const file of files) {
      try {
        for (const cert of certificatesInFile(readFileSync(file), file)) showCertificate(cert, false, now);
      } catch (error) {
        console.error(`${file}: not a certificate (${(error as Error).message.split('\n')[0]})`);
        failed = true;
      }
    }
    return failed ? EXIT_FAILED : EXIT_OK;
  }
  const store = loadTrustStore(folder);
  console.log(`trust store ${store.folder}: ${store.certificates.length} certificate(s)`);
  for (const cert of store.certificates) showCertificate(cert, true, now);
  for (const problem of store.problems) console.log(`  skipped ${problem.file}: ${problem.reason}`);
  return EXIT_OK;
}

function add(folder: string, file: string, name: string | undefined, force: boolean): number {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    console.error(`cannot read ${file}: ${(error as Error).message}`);
    return EXIT_FAILED;
  }
  let certificates;
  try {
    certificates = certificatesInFile(bytes, basename(file));
  } catch (error) {
    console.error(`${file} is not a certificate (${(error as Error).message.split('\n')[0]})`);
    return EXIT_FAILED;
  }
  const target = join(folder, `${name ?? basename(file, extname(file))}.pem`);
  if (existsSync(target) && !force) {
    console.error(`${target} exists; use --force to replace it, or --name for another name`);
    return EXIT_FAILED;
  }
  // A new project has no certs/cacerts yet: the first add makes it.
  mkdirSync(folder, { recursive: true });
  writeFileSync(target, certificates.map((c) => c.pem).join(''));
  for (const cert of certificates) {
    const warning = cert.isCA ? '' : ' (warning: not a CA certificate; it will be trusted as a server certificate only)';
    console.log(`added ${cert.subject}, expires ${cert.notAfter.toISOString().slice(0, 10)}${warning}`);
  }
  console.log(`written to ${target}`);
  return EXIT_OK;
}

function check(folder: string, target: string, only: boolean, timeout: number | undefined): number {
  const { host, port } = hostAndPort(target);
  if (timeout !== undefined) WebDevSetConfig(undefined, timeout);
  const loaded = TCPSetTrustStore(folder, only);
  if (loaded < 0) {
    console.error(`cannot read the trust store ${folder}: ${TCPErrorText(loaded)}`);
    return EXIT_FAILED;
  }
  const socket = TCPConnect(host, port, true, true);
  if (socket < 0) {
    console.log(`failed: ${host}:${port}: ${failureText(socket)} (${socket}); trust store ${folder}`);
    return EXIT_FAILED;
  }
  const details = ['tlsversion', 'cipher', 'peercert'].map((option) => TCPGetOption(socket, option));
  console.log(`ok: ${host}:${port} verified (${details[0]}, ${details[1]}); server certificate ${details[2]}; trust store ${folder}`);
  TCPClose(socket);
  return EXIT_OK;
}

export const certs: Subcommand = {
  name: 'certs',
  summary: 'list, add to and check with the trust store',
  usage,
  run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        folder: { type: 'string' },
        name: { type: 'string' },
        force: { type: 'boolean', default: false },
        only: { type: 'boolean', default: false },
        timeout: { type: 'string' },
      },
    });
    const folder = values.folder === undefined ? defaultTrustFolder() : resolve(values.folder);
    const [action, argument, extra] = positionals;
    if (action === 'list') return list(folder, positionals.slice(1));
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds`);
    switch (action) {
      case 'folder':
        if (argument !== undefined) throw new UsageError(`folder takes no argument`);
        return showFolder(folder, values.folder);
      case 'add':
        if (argument === undefined || extra !== undefined) throw new UsageError('add takes one FILE');
        return add(folder, argument, values.name, values.force);
      case 'check':
        if (argument === undefined) throw new UsageError('check needs HOST:PORT');
        return check(folder, extra === undefined ? argument : `${argument}:${extra}`, values.only, timeout);
      default:
        throw new UsageError(action === undefined ? 'which action: folder, list, add or check?' : `unknown action '${action}'`);
    }
  },
};
