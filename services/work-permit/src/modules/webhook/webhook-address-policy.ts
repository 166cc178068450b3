import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Addresses a webhook is never sent to (server-side request forgery): loopback, private,
 * link-local, shared (CGNAT), multicast, reserved and documentation ranges, and the cloud
 * metadata services (169.254.169.254 — AWS, GCP, Azure, Tencent; 100.100.100.200 — Alibaba
 * Cloud, inside 100.64.0.0/10; fd00:ec2::254 — AWS over IPv6, inside fc00::/7).
 */
const REFUSED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  REFUSED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  REFUSED.addSubnet(net, prefix, 'ipv6');

/** Where webhooks may go. */
export interface AddressPolicy {
  /** Only `https:` URLs (production). */
  requireHttps: boolean;
  /**
   * Host names (as written in the URL, lower case) allowed to resolve to refused addresses:
   * the development and test receivers on loopback. Empty in production.
   */
  allowedHosts: ReadonlySet<string>;
}

/** A URL or address the policy refuses. */
export class RefusedAddressError extends Error {}

/** Why `address` is refused, or null when it is a public unicast address. */
export function refusedReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 6) {
    // An IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible address is judged by its IPv4 part.
    const mapped = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return refusedReason(mapped[1]!);
    if (/^::ffff:/i.test(address)) return `${address} is an IPv4-mapped address in hexadecimal form`;
    return REFUSED.check(address, 'ipv6') ? `${address} is a loopback, private, link-local or reserved address` : null;
  }
  return REFUSED.check(address, 'ipv4') ? `${address} is a loopback, private, link-local or reserved address` : null;
}

/**
 * Checks a URL's form (scheme, no credentials); a host that is an IP literal is checked here
 * too. Names are checked after resolution, at delivery time (`guardedLookup`).
 * @returns the list of problems (empty when acceptable)
 */
export function urlProblems(raw: string, policy: AddressPolicy): string[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return ['url: must be an absolute URL such as https://hooks.example.com/onestop'];
  }
  const problems: string[] = [];
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !policy.requireHttps)) {
    problems.push(policy.requireHttps ? 'url: must use https' : 'url: must use https (or http outside production)');
  }
  if (url.username || url.password) problems.push('url: must not carry a user name or password');
  if (url.hash) problems.push('url: must not have a #fragment');
  if (raw.length > 2000) problems.push('url: at most 2000 characters');
  const host = hostOf(url);
  if (isIP(host) && !policy.allowedHosts.has(host)) {
    const reason = refusedReason(host);
    if (reason) problems.push(`url: ${reason}; webhooks are only sent to public addresses`);
  }
  return problems;
}

/** The URL's host without IPv6 brackets, lower case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * A `lookup` for node:http(s) that resolves the name, refuses it when any address it resolves
 * to is refused (unless the host is allowlisted), and hands the socket the very address it
 * checked: the connection goes to what was checked, so a name that rebinds between a check and
 * the connect cannot slip through.
 */
export function guardedLookup(host: string, policy: AddressPolicy, resolve = dnsLookup): LookupFunction {
  const allowed = policy.allowedHosts.has(host);
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = (Array.isArray(addresses) ? addresses : [addresses]) as { address: string; family: number }[];
      if (!list.length) return callback(new RefusedAddressError(`${hostname} did not resolve`), '', 0);
      if (!allowed) {
        for (const a of list) {
          const reason = refusedReason(a.address);
          if (reason) return callback(new RefusedAddressError(`${hostname} resolves to ${reason}`), '', 0);
        }
      }
      if ((options as { all?: boolean }).all) return (callback as (e: null, a: typeof list) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
