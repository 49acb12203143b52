/**
 * The 'sni' option of a TLS listener: certificate and key pairs by the server name a
 * client asks for. Options travel as text, so the form is text:
 *
 *   a.example=certA.pem,keyA.pem; *.b.example=certB.pem,keyB.pem
 *
 * (file names, relative to the working directory; ',' and ';' rather than ':' so that
 * Windows paths stay whole). '*.' matches one label, as in certificates. A name matching
 * no entry gets the listener's own 'cert' and 'key'.
 */

export interface SniEntry {
  /** Lower case; may start with '*.'. */
  name: string;
  cert: string;
  key: string;
}

/** The entries of the option's text ('' for none); throws with what is wrong. */
export function parseSni(text: string): SniEntry[] {
  const entries: SniEntry[] = [];
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const match = /^\s*([^=\s]+)\s*=\s*([^,]+?)\s*,\s*(.+?)\s*$/.exec(part);
    if (match === null) throw new Error(`'${part.trim()}' is not name=cert,key`);
    entries.push({ name: match[1]!.toLowerCase(), cert: match[2]!, key: match[3]! });
  }
  return entries;
}

/** The entry name serving `servername`: an exact name first, then a wildcard. */
export function sniLookup(entries: readonly SniEntry[], servername: string): string | undefined {
  const name = servername.toLowerCase();
  if (entries.some((e) => e.name === name)) return name;
  const dot = name.indexOf('.');
  const wildcard = dot > 0 ? `*${name.slice(dot)}` : undefined;
  return entries.find((e) => e.name === wildcard)?.name;
}
