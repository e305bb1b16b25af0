import { isIP } from 'net';

/*
 * Address checks for ExternalService, NetworkPolicy ipBlocks and Service source ranges. Node's `net.isIP` does the parsing; the
 * range rules below are the few lines no library we depend on offers.
 */

/**
 * The family of `address` as Go's net.ParseIP reads it (the API server's IsValidIP, ValidateCIDR): 4, 6,
 * or 0 for none. Node's `net.isIP` also takes an IPv6 zone (`fe80::1%eth0`), which Go refuses.
 */
export function ipVersion(address: string): 0 | 4 | 6 {
  return address.includes('%') ? 0 : (isIP(address) as 0 | 4 | 6);
}

/** Why an address cannot stand for a service outside the cluster, or undefined when it can. */
export function unusableAddressReason(address: string): string | undefined {
  const family = ipVersion(address);
  if (family === 0) return 'is not an IP address';
  if (family === 4) {
    const [a, b] = address.split('.').map(Number);
    if (a === 0) return 'is unspecified (0.0.0.0/8)';
    if (a === 127) return 'is a loopback address: it would reach the pod itself';
    if (a === 169 && b === 254) return 'is link-local (169.254.0.0/16, e.g. cloud metadata)';
    if (a >= 224) return 'is multicast or reserved';
    return undefined;
  }
  const lower = address.toLowerCase();
  if (lower === '::' || /^0*(:0*)*$/.test(lower.replace(/::/, ':'))) return 'is unspecified (::)';
  if (lower === '::1') return 'is a loopback address: it would reach the pod itself';
  if (/^fe[89ab]/.test(lower)) return 'is link-local (fe80::/10)';
  if (/^ff/.test(lower)) return 'is multicast';
  return undefined;
}

export function ipFamily(address: string): 'IPv4' | 'IPv6' {
  return ipVersion(address) === 6 ? 'IPv6' : 'IPv4';
}

/** A CIDR block as Go's net.ParseCIDR reads it (NetworkPolicy ipBlock, loadBalancerSourceRanges): an address and a prefix length within its family. */
export function isCidr(s: string): boolean {
  const [address, prefix, ...rest] = s.split('/');
  const family = ipVersion(address ?? '');
  return rest.length === 0 && family !== 0 && /^\d{1,3}$/.test(prefix ?? '') && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The bits of an address (IPv4 or IPv6, as `net.isIP` accepts it) as a number, and its width. */
function addressBits(address: string): { value: bigint; width: number } {
  if (ipVersion(address) === 4) return { value: address.split('.').reduce((n, part) => (n << 8n) + BigInt(part), 0n), width: 32 };
  const [head, tail = ''] = address.replace(/%.*$/, '').split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  // An embedded IPv4 tail (::ffff:10.0.0.1) is two groups.
  const expand = (gs: string[]) =>
    gs.flatMap((g) =>
      g.includes('.')
        ? [(Number(g.split('.')[0]) << 8) | Number(g.split('.')[1]), (Number(g.split('.')[2]) << 8) | Number(g.split('.')[3])].map((n) =>
            n.toString(16),
          )
        : [g],
    );
  const h = expand(groups(head));
  const t = expand(groups(tail));
  const all = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return { value: all.reduce((n, g) => (n << 16n) + BigInt(`0x${g || '0'}`), 0n), width: 128 };
}

/** One key per address however it is spelled (`2001:db8::1`, `2001:DB8:0::1`): for spotting an address listed twice. */
export function addressKey(address: string): string {
  const { value, width } = addressBits(address);
  return `${width}:${value.toString(16)}`;
}

/** An IPv4-mapped IPv6 address (`::ffff:203.0.113.10`), which Go reads as IPv4 (`To4() != nil`). */
export function isIpv4Mapped(address: string): boolean {
  if (ipVersion(address) !== 6) return false;
  const { value } = addressBits(address);
  return value >> 32n === 0xffffn;
}

/**
 * True when CIDR `inner` is a strict subset of CIDR `outer` (networking ValidateIPBlock: each `except` must lie
 * inside the block, with a longer prefix). Both must be CIDRs (`isCidr`).
 */
export function isStrictSubnet(inner: string, outer: string): boolean {
  const [ia, ip] = inner.split('/');
  const [oa, op] = outer.split('/');
  const i = addressBits(ia);
  const o = addressBits(oa);
  if (i.width !== o.width || Number(ip) <= Number(op)) return false;
  const shift = BigInt(o.width - Number(op));
  return i.value >> shift === o.value >> shift;
}
