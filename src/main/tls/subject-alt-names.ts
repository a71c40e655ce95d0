import { isIP } from 'node:net';
import { derImplicit, derSequence } from './der.js';

/**
 * The subjectAltName extension's value (RFC 5280 §4.2.1.6): each host as a dNSName ([2] IA5String) or, for
 * an address, an iPAddress ([7] the 4 or 16 bytes). Clients match the host they called against these, not
 * against the subject's common name.
 */
export function subjectAltNames(hosts: readonly string[]): Buffer {
  return derSequence(
    ...hosts.map((host) =>
      isIP(withoutZone(host)) === 0
        ? derImplicit(2, Buffer.from(host, 'ascii'))
        : derImplicit(7, ipAddressBytes(host)),
    ),
  );
}

/** An IPv6 zone (`fe80::1%eth0`) names the local interface; a certificate holds the address alone. */
function withoutZone(host: string): string {
  return host.replace(/%.*$/, '');
}

/** `127.0.0.1` → 4 bytes; `::1`, `2001:db8::1`, `::ffff:192.0.2.1` → 16 bytes. */
export function ipAddressBytes(text: string): Buffer {
  const address = withoutZone(text);
  const family = isIP(address);
  if (family === 4) return Buffer.from(address.split('.').map(Number));
  if (family !== 6) throw new RangeError(`'${text}' is not an IP address`);
  // An embedded IPv4 tail becomes two groups, so every part below is a 16-bit group.
  const lastColon = address.lastIndexOf(':');
  const tail = address.slice(lastColon + 1);
  const v4 = isIP(tail) === 4 ? tail.split('.').map(Number) : undefined;
  const text6 =
    v4 === undefined
      ? address
      : `${address.slice(0, lastColon + 1)}${((v4[0] ?? 0) * 256 + (v4[1] ?? 0)).toString(16)}:${((v4[2] ?? 0) * 256 + (v4[3] ?? 0)).toString(16)}`;
  const [head = '', rest] = text6.split('::');
  const groupsOf = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const before = groupsOf(head);
  const after = rest === undefined ? [] : groupsOf(rest);
  const groups = [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
  const bytes = Buffer.alloc(16);
  for (const [index, group] of groups.entries()) bytes.writeUInt16BE(group, index * 2);
  return bytes;
}
