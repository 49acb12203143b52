/**
 * serve()'s warning of a served certificate near its expiry: at start and then once a
 * day, each certificate file it serves (`cert`, the `sni` ones) within 14 days of its
 * end is reported through `log` and the 'tcp-commands:certificate' diagnostics channel.
 * A renewal read by reloadCertificates() stops the warning at the next check (a reload
 * checks at once). Files are read again at each check: it is the file a reload would
 * serve that matters.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CertificateMessage, publishCertificateEvent } from '../diagnostics/channels.js';
import { certificateFile } from '../tls/folders.js';

export const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The certificates within `EXPIRY_WARNING_DAYS` of their end among `files` (PEM text is skipped: no file to renew). */
export function expiringCertificates(files: readonly string[], now = Date.now()): CertificateMessage[] {
  const found: CertificateMessage[] = [];
  for (const file of files) {
    if (file.includes('-----BEGIN')) continue;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(readFileSync(certificateFile(file))); // the first certificate: the server's own
    } catch {
      continue; // an unreadable file is reported where it is served
    }
    const end = Date.parse(cert.validTo);
    const daysLeft = Math.floor((end - now) / DAY_MS);
    if (daysLeft <= EXPIRY_WARNING_DAYS) {
      found.push({ event: 'expiring', file, subject: cert.subject.replace(/\n/g, ', '), validTo: new Date(end).toISOString(), daysLeft });
    }
  }
  return found;
}

/** Checks now and every day until stopped; the timer does not keep the process alive. */
export class ExpiryWatch {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly files: () => readonly string[],
    private readonly log: (message: string) => void,
  ) {
    this.check();
    this.timer = setInterval(() => this.check(), DAY_MS).unref();
  }

  check(): void {
    for (const message of expiringCertificates(this.files())) {
      const when = message.daysLeft < 0 ? 'expired' : `expires in ${message.daysLeft} day(s)`;
      this.log(`serve: certificate ${message.file} (${message.subject}) ${when}, on ${message.validTo}`);
      publishCertificateEvent(message);
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
