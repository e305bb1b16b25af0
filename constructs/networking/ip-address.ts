import { isIP } from 'net';

/*
 * Address checks for ExternalService, NetworkPolicy ipBlocks and Service source ranges. Node's `net.isIP` does the parsing; the
 * range rules below are the few lines no library we depend on offers.
 */

/** Why an address cannot stand for a service outside the cluster, or undefined when it can. */
export function unusableAddressReason(address: string): string | undefined {
  const family = isIP(address);
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
  return isIP(address) === 6 ? 'IPv6' : 'IPv4';
}

/** A CIDR block as Go's net.ParseCIDR reads it (NetworkPolicy ipBlock, loadBalancerSourceRanges): an address and a prefix length within its family. */
export function isCidr(s: string): boolean {
  const [address, prefix, ...rest] = s.split('/');
  const family = isIP(address ?? '');
  return rest.length === 0 && family !== 0 && /^\d{1,3}$/.test(prefix ?? '') && Number(prefix) <= (family === 4 ? 32 : 128);
}
