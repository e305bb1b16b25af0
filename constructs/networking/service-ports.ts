import { IssueInput } from '../core/errors';
import { isDns1123Label } from '../core/names';
import { portNumberIssue } from '../core/ports';
import { isSet, text } from '../core/value-issues';

/** A Service port as the library renders it. */
export interface RenderedServicePort {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
}

/**
 * The issues (`code`) of a Service's ports as the API server sees them
 * (core validation ValidateService / validateServicePort): a name is required
 * when there is more than one port, each name is a DNS-1123 label used once,
 * each number is 1–65535, and no two ports share (port, protocol).
 * EndpointSlice ports (validateEndpointPorts: DNS-1123 label names, unique)
 * are held to less. `fieldOf(i, key)` names the prop the i-th port came from.
 * With `sourceChecked`, the names and numbers were checked where they came
 * from (container ports): only the pairs are.
 */
export function servicePortIssues(
  code: string,
  ports: readonly RenderedServicePort[],
  fieldOf: (i: number, key: 'name' | 'port') => string,
  sourceChecked = false,
): IssueInput[] {
  const out: IssueInput[] = [];
  const names = new Map<string, number>();
  const pairs = new Map<string, number>();
  for (const [i, p] of ports.entries()) {
    if (!sourceChecked) {
      if (p.name === '' && ports.length > 1)
        out.push({
          code,
          field: fieldOf(i, 'name'),
          value: p.name,
          message: 'is empty; a Service with more than one port needs a name for each',
          fix: "name each port, e.g. 'postgres'",
        });
      else if (p.name !== '' && !isDns1123Label(p.name))
        out.push({
          code,
          field: fieldOf(i, 'name'),
          value: p.name,
          message: 'is not a valid Service port name (DNS-1123 label)',
          fix: "use at most 63 lower-case letters, digits and '-', e.g. 'http'",
        });
      else if (p.name !== '' && names.has(p.name))
        out.push({
          code,
          field: fieldOf(i, 'name'),
          value: p.name,
          message: `names two ports of the Service (also ${fieldOf(names.get(p.name)!, 'name')})`,
          fix: 'give each port its own name',
        });
      if (p.name !== '' && !names.has(p.name)) names.set(p.name, i);
      const number = portNumberIssue(code, fieldOf(i, 'port'), p.port, 'use a real port number');
      if (number) out.push(number);
    }
    const pair = `${text(p.port)}/${text(p.protocol)}`;
    const first = pairs.get(pair);
    if (first !== undefined)
      out.push({
        code,
        field: fieldOf(i, 'port'),
        value: p.port,
        message: `repeats ${pair} of ${fieldOf(first, 'port')}: a Service cannot publish the same port and protocol twice`,
        fix: 'give each Service port its own number (a Service port may target any container port)',
      });
    else pairs.set(pair, i);
  }
  return out;
}

/** The fields of a Service spec that only some Service types take. */
export interface ServiceTypeFields {
  readonly type?: string;
  readonly clusterIP?: string;
  readonly externalIPs?: readonly string[];
  readonly externalTrafficPolicy?: string;
  readonly loadBalancerSourceRanges?: readonly string[];
  readonly allocateLoadBalancerNodePorts?: boolean;
  readonly sessionAffinity?: string;
  readonly sessionAffinityConfig?: unknown;
}

/**
 * The fields of a Service spec the API server refuses for its type (core
 * validation ValidateService): externalTrafficPolicy on a Service that is not
 * externally accessible (apiservice.ExternallyAccessible: a ClusterIP Service
 * without externalIPs), a non-empty loadBalancerSourceRanges and
 * allocateLoadBalancerNodePorts off a LoadBalancer, sessionAffinityConfig
 * without ClientIP affinity, a headless (clusterIP None) NodePort or LoadBalancer. WebService (over its props, of the
 * same names) and the catalogue rule SERVICE_INVALID (any Service) share it.
 */
export function serviceTypeIssues(spec: ServiceTypeFields): IssueInput[] {
  const out: IssueInput[] = [];
  const type = spec.type ?? 'ClusterIP';
  const misplaced = (field: string, set: boolean, allowed: boolean, only: string) => {
    if (set && !allowed)
      out.push({
        code: 'SERVICE_INVALID',
        field,
        value: type,
        message: `applies to ${only} Services only, not ${text(type)}`,
        fix: `remove ${field}, or change the Service type (serviceType)`,
      });
  };
  const lb = type === 'LoadBalancer';
  const nonEmpty = (v: readonly unknown[] | undefined) => Array.isArray(v) && v.length > 0;
  // The API server checks `len(...) > 0`: an empty list is as good as unset.
  const externallyAccessible = lb || type === 'NodePort' || (type === 'ClusterIP' && nonEmpty(spec.externalIPs));
  misplaced(
    'externalTrafficPolicy',
    isSet(spec.externalTrafficPolicy),
    externallyAccessible,
    'NodePort, LoadBalancer and ClusterIP-with-externalIPs',
  );
  misplaced('loadBalancerSourceRanges', nonEmpty(spec.loadBalancerSourceRanges), lb, 'LoadBalancer');
  misplaced('allocateLoadBalancerNodePorts', isSet(spec.allocateLoadBalancerNodePorts), lb, 'LoadBalancer');
  if (isSet(spec.sessionAffinityConfig) && spec.sessionAffinity !== 'ClientIP')
    out.push({
      code: 'SERVICE_INVALID',
      field: 'sessionAffinityConfig',
      value: spec.sessionAffinity ?? 'None',
      message: `is set with sessionAffinity ${spec.sessionAffinity ?? 'None'}, which the API server refuses (it applies to ClientIP affinity only)`,
      fix: 'set sessionAffinity: ClientIP, or drop sessionAffinityConfig',
    });
  if (spec.clusterIP === 'None' && (type === 'NodePort' || lb))
    out.push({
      code: 'SERVICE_INVALID',
      field: 'clusterIP',
      value: 'None',
      message: `is None (headless) on a ${type} Service, which the API server refuses: a ${type} Service needs a cluster IP`,
      fix: `drop clusterIP: None, or make the Service type ClusterIP`,
    });
  return out;
}
