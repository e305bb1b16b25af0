import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { INetworkPolicyPeer, INetworkPolicyPort, INetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { BlueprintError, IssueInput, Problems } from '../core/errors';
import { componentLabels } from '../core/metadata';
import { modelObject } from '../core/model-object';
import { NameRule, dns1123LabelOf, nameIssue, selectorLabelIssues } from '../core/names';
import { portNumOrNameIssue } from '../core/ports';
import { isCidr, isStrictSubnet } from './ip-address';
import { checkArgs, is } from '../core/shape';

/** Transport protocols. */
export enum Protocol {
  TCP = 'TCP',
  UDP = 'UDP',
  SCTP = 'SCTP',
}

/** A port on the wire. */
export interface NetworkPort {
  readonly port: number | string;
  /** @default Protocol.TCP */
  readonly protocol?: Protocol;
}

/**
 * INTENT_INVALID for each port a NetworkPolicy would refuse (networking
 * ValidateNetworkPolicyPort): a number outside 1–65535 (IsValidPortNum), a
 * name that is not an IANA service name (IsValidPortName), a protocol other
 * than TCP, UDP and SCTP.
 */
function networkPortIssues(field: string, ports: readonly NetworkPort[] | undefined): IssueInput[] {
  const protocols: readonly unknown[] = Object.values(Protocol);
  return (ports ?? []).flatMap((p, i) => {
    const out: IssueInput[] = [];
    const portIssue = portNumOrNameIssue('INTENT_INVALID', `${field}[${i}].port`, p.port);
    if (portIssue) out.push(portIssue);
    if (p.protocol !== undefined && !protocols.includes(p.protocol))
      out.push({
        code: 'INTENT_INVALID',
        field: `${field}[${i}].protocol`,
        value: p.protocol,
        message: 'is not a NetworkPolicy protocol (TCP, UDP or SCTP)',
        fix: 'use Protocol.TCP, Protocol.UDP or Protocol.SCTP',
      });
    return out;
  });
}

/**
 * INTENT_INVALID for an ipBlock the API server refuses (networking
 * ValidateIPBlock): the block and every exception parse as CIDRs, and each
 * exception is a strict subset of the block. Peer.cidr and the catalogue rule
 * INTENT_INVALID (any NetworkPolicy) share it; fields are relative to the ipBlock.
 */
export function ipBlockIssues(cidr: unknown, except: readonly unknown[]): IssueInput[] {
  const bad = [['cidr', cidr] as const, ...except.map((e, i) => [`except[${i}]`, e] as const)].filter(
    ([, c]) => typeof c !== 'string' || !isCidr(c),
  );
  const outside =
    typeof cidr === 'string' && isCidr(cidr)
      ? except.flatMap((e, i) => (typeof e === 'string' && isCidr(e) && !isStrictSubnet(e, cidr) ? [[`except[${i}]`, e] as const] : []))
      : [];
  return [
    ...bad.map(([field, value]) => ({
      code: 'INTENT_INVALID',
      field,
      value,
      message: 'is not a CIDR block',
      fix: "use e.g. '10.20.0.0/16' or '203.0.113.7/32'",
    })),
    ...outside.map(([field, value]) => ({
      code: 'INTENT_INVALID',
      field,
      value,
      message: `is not a strict subset of the block ${String(cidr)}: the API server refuses the NetworkPolicy`,
      fix: `give a smaller block inside ${String(cidr)}, e.g. the addresses to keep out of it`,
    })),
  ];
}

/**
 * INTENT_INVALID for each port name toward addresses (ipBlock peers): a
 * NetworkPolicyPort name is resolved against a container port of the pod on the
 * other end (networking NetworkPolicyPort: "named port on a pod"), and an address
 * outside the cluster has none, so the egress rule admits nothing.
 */
function namedPortToAddressIssues(field: string, ports: readonly NetworkPort[] | undefined): IssueInput[] {
  return (ports ?? []).flatMap((p, i) =>
    typeof p.port === 'string'
      ? [
          {
            code: 'INTENT_INVALID',
            field: `${field}[${i}].port`,
            value: p.port,
            message:
              'is a port name toward addresses (an ipBlock): a NetworkPolicy resolves a port name against a container port of the pod on the other end, and an address has none, so the egress rule would admit nothing',
            fix: 'a named port needs a pod on the other end; give the number (e.g. 443 for https)',
          },
        ]
      : [],
  );
}

/** Throws the issues of `ports`, if any, as from `where` at `path` (`toAddresses`: the ports are on ipBlock peers). */
function checkPorts(where: string, path: string, field: string, ports: readonly NetworkPort[] | undefined, toAddresses = false): void {
  const problems = new Problems(path, where);
  problems.addAll(...networkPortIssues(field, ports));
  if (toAddresses) problems.addAll(...namedPortToAddressIssues(field, ports));
  problems.throwIfAny();
}

/**
 * Throws NAME_INVALID unless `namespace` is a namespace name (a DNS-1123 label, as the namespace selector matches it),
 * and LABEL_INVALID for each label of `podLabels` the API server refuses in a selector.
 */
function checkPeerArgs(where: string, field: string, namespace: string, podLabels?: Readonly<Record<string, string>>): void {
  const problems = new Problems('', where);
  problems.addAll(nameIssue(NameRule.DNS1123_LABEL, field, namespace), ...selectorLabelIssues('podLabels', podLabels));
  problems.throwIfAny();
}

/** Something with pods that network intents can open paths to or from. */
export interface INetworkEndpoint extends IConstruct {
  readonly name: string;
  readonly namespace: string;
  /** Labels selecting its pods. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The ports its pods listen on (what callers are allowed to reach). */
  readonly listenPorts: readonly NetworkPort[];
}

function isEndpoint(x: unknown): x is INetworkEndpoint {
  return typeof x === 'object' && x !== null && 'podSelector' in x && 'listenPorts' in x && 'namespace' in x;
}

/** The shape of an `INetworkEndpoint` given to `Peer.workload`. */
/** The shape of an `INetworkEndpoint` (its construct-ness is `is.construct`'s). */
export const ENDPOINT_SHAPE = is.object(
  { name: is.string, namespace: is.string, podSelector: is.map(is.string), listenPorts: is.list(is.any) },
  ['name', 'namespace', 'podSelector'],
);

/** The ports of the Kubernetes API server: 443 behind managed control planes, 6443 on kubeadm's. */
const KUBE_API_SERVER_PORTS: readonly NetworkPort[] = [{ port: 443 }, { port: 6443 }];

/** The shape of a list of `NetworkPort`s (a closed shape: a misspelt key is refused). */
const PORTS_SHAPE = is.list(is.props<NetworkPort>({ port: is.either(is.number, is.string), protocol: is.string }, ['port']));

/** The other end of a network path. */
export class Peer {
  /** Pods of another workload (in any namespace). */
  public static workload(endpoint: INetworkEndpoint): Peer {
    checkArgs('Peer.workload', ['endpoint', endpoint, ENDPOINT_SHAPE]);
    return new Peer(
      endpoint.name,
      { podSelector: { matchLabels: { ...endpoint.podSelector } }, namespaceSelector: nsSelector(endpoint.namespace) },
      endpoint.listenPorts,
      endpoint,
    );
  }
  /**
   * Every pod of a namespace, or only those with `podLabels` (e.g. a Prometheus server's pods in
   * `monitoring`, not every tool installed beside it).
   */
  public static namespace(name: string, podLabels?: Readonly<Record<string, string>>): Peer {
    checkArgs('Peer.namespace', ['name', name, is.string], ['podLabels', podLabels, is.map(is.string), 'optional']);
    checkPeerArgs('Peer.namespace', 'name', name, podLabels);
    if (!podLabels) return new Peer(`ns-${name}`, { namespaceSelector: nsSelector(name) }, []);
    // Named after the namespace and the selector's values (`monitoring-prometheus`), as the policies that open a path to it
    // are; values that are not a DNS label as they stand (`Main`, `a_b`) get a hash, so that distinct selectors stay distinct.
    const values = [...new Set(Object.values(podLabels))].filter((x) => x !== '').join('-');
    return new Peer(
      `${name}-${dns1123LabelOf(values || JSON.stringify(podLabels))}`,
      { namespaceSelector: nsSelector(name), podSelector: { matchLabels: { ...podLabels } } },
      [],
    );
  }
  /** Every pod of every namespace (e.g. Prometheus scraping). */
  public static allNamespaces(): Peer {
    return new Peer('all-namespaces', { namespaceSelector: {} }, []);
  }
  /** An ingress controller's pods, by its namespace (and optionally pod labels). */
  public static ingressController(namespace = 'ingress-nginx', podLabels?: Readonly<Record<string, string>>): Peer {
    checkArgs('Peer.ingressController', ['namespace', namespace, is.string], ['podLabels', podLabels, is.map(is.string), 'optional']);
    checkPeerArgs('Peer.ingressController', 'namespace', namespace, podLabels);
    return new Peer(
      `ingress-${namespace}`,
      { namespaceSelector: nsSelector(namespace), ...(podLabels ? { podSelector: { matchLabels: { ...podLabels } } } : {}) },
      [],
    );
  }
  /** Addresses outside the cluster, on these ports. */
  public static cidr(cidr: string, ports: readonly NetworkPort[] = [], except: readonly string[] = []): Peer {
    checkArgs('Peer.cidr', ['cidr', cidr, is.string], ['ports', ports, PORTS_SHAPE], ['except', except, is.list(is.string)]);
    checkPorts('Peer.cidr', '', 'ports', ports, true);
    const issues = ipBlockIssues(cidr, except);
    if (issues.length) throw new BlueprintError(issues.map((i) => ({ ...i, path: '' })));
    return new Peer(
      `cidr-${cidr.replace(/[^0-9a-f]+/gi, '-').replace(/-+$/, '')}`,
      { ipBlock: { cidr, ...(except.length ? { except: [...except] } : {}) } },
      ports,
    );
  }
  /**
   * The Kubernetes API server, for pods that call it with a ServiceAccount
   * token (controllers, operators, discovery). NetworkPolicy judges the
   * control plane's own addresses (the `kubernetes` Service's ClusterIP is
   * translated before policies apply), which are not known at synth time: so
   * any address, IPv4 or IPv6 (or `cidr`, when the control plane's range is known) on the
   * API server's ports, 443 (managed control planes) and 6443 (kubeadm and
   * most self-managed ones). A workload that mounts its token in a
   * TeamNamespace gets this path by itself; an operator-run pod (e.g.
   * Prometheus) is given it with `allowTo(Peer.kubeApiServer())`.
   */
  public static kubeApiServer(cidr?: string): Peer {
    checkArgs('Peer.kubeApiServer', ['cidr', cidr, is.string, 'optional']);
    // The label stays the CIDR's (`cidr-0-0-0-0-0`): the policies written by hand before this peer existed keep their names.
    const peer = Peer.cidr(cidr ?? '0.0.0.0/0', KUBE_API_SERVER_PORTS);
    if (cidr !== undefined) return peer;
    // Any address is both families: on an IPv6 (or IPv6-first dual-stack) cluster the API server's address is an IPv6 one.
    return new Peer(peer.label, peer.spec, peer.ports, undefined, [{ ipBlock: { cidr: '::/0' } }]);
  }
  /** A named outside service at several CIDR blocks (see `ExternalService.allowFrom`). */
  public static external(name: string, cidrs: readonly string[], ports: readonly NetworkPort[]): Peer {
    checkArgs('Peer.external', ['name', name, is.string], ['cidrs', cidrs, is.list(is.string)], ['ports', ports, PORTS_SHAPE]);
    checkPorts('Peer.external', '', 'ports', ports, true);
    if (cidrs.length === 0)
      throw new BlueprintError({
        code: 'INTENT_INVALID',
        path: '',
        field: 'cidrs',
        value: [],
        message: 'is empty',
        fix: 'give at least one CIDR block of the outside service',
      });
    const [first, ...rest] = cidrs.map((c) => Peer.cidr(c));
    return new Peer(
      `ext-${name}`,
      first.spec,
      ports,
      undefined,
      rest.map((p) => p.spec),
    );
  }
  private constructor(
    /** A name-safe label for object names. */
    public readonly label: string,
    public readonly spec: INetworkPolicyPeer,
    /** Ports on the peer, used when it is the destination. */
    public readonly ports: readonly NetworkPort[],
    public readonly endpoint?: INetworkEndpoint,
    private readonly more: readonly INetworkPolicyPeer[] = [],
  ) {}

  /** Every peer entry (one per CIDR block for external services). */
  public get specs(): INetworkPolicyPeer[] {
    return [this.spec, ...this.more];
  }
}

function nsSelector(namespace: string) {
  return { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
}

function portsJson(ports: readonly NetworkPort[]): INetworkPolicyPort[] | undefined {
  return ports.length ? ports.map((p) => ({ protocol: p.protocol ?? Protocol.TCP, port: p.port })) : undefined;
}

/**
 * The name of a policy (a DNS-1123 subdomain, at most 253 characters): a longer
 * one is shortened with a hash of it, so that distinct paths keep distinct names.
 */
function policyName(a: string, dir: string, b: string): string {
  const name = `allow-${a}-${dir}-${b}`;
  return name.length <= 253 ? name : dns1123LabelOf(name);
}

/**
 * How a workload is named from `namespace`: its name there, `<name>.<namespace>`
 * (its Service's DNS name) from another. Two workloads of one name in two
 * namespaces are two paths; neither a workload name nor a namespace holds a '.',
 * so the qualified label never equals another workload's.
 */
function endpointLabel(endpoint: INetworkEndpoint, namespace: string): string {
  return endpoint.namespace === namespace ? endpoint.name : `${endpoint.name}.${endpoint.namespace}`;
}

function addPolicy(owner: INetworkEndpoint, id: string, name: string, spec: Omit<INetworkPolicySpec, 'podSelector'>): ApiObject {
  if (owner.node.tryFindChild(id)) {
    throw new BlueprintError({
      code: 'INTENT_DUPLICATE',
      path: owner.node.path,
      field: 'peer',
      value: id,
      message: 'is already allowed',
      fix: 'declare each path once',
    });
  }
  return modelObject(
    owner as unknown as Construct,
    id,
    () =>
      new NetworkPolicy({
        metadata: { name, namespace: owner.namespace, labels: componentLabels({ name: owner.name, component: 'network-policy' }) },
        spec: { podSelector: { matchLabels: { ...owner.podSelector } }, ...spec },
      }),
  );
}

/** What an intent created: the policies, one at each end that is ours. */
export interface IntentResult {
  readonly policies: readonly ApiObject[];
}

/**
 * The arguments of an intent method of `owner`: a peer (a `Peer` or one of our workloads) and optional ports
 * (`egress`: toward the peer, whose ports are names only when it has pods).
 */
function checkIntentArgs(
  owner: IConstruct,
  method: string,
  peer: unknown,
  ports: readonly NetworkPort[] | undefined,
  egress = false,
): void {
  checkArgs(method, ['peer', peer, is.either(is.instance(Peer), ENDPOINT_SHAPE)], ['ports', ports, PORTS_SHAPE, 'optional']);
  const toAddresses = egress && peer instanceof Peer && peer.specs.every((spec) => spec.ipBlock !== undefined);
  checkPorts(method, owner.node.path, 'ports', ports, toAddresses);
}

/**
 * Opens `peer → target` (ingress on the target, and egress on the peer when
 * the peer is one of our workloads): exactly the policies that path needs in
 * default-deny namespaces.
 */
export function allowInto(target: INetworkEndpoint, from: Peer | INetworkEndpoint, ports?: readonly NetworkPort[]): IntentResult {
  checkIntentArgs(target, 'allowFrom', from, ports);
  const peer = isEndpoint(from) ? Peer.workload(from) : from;
  const reach = ports ?? target.listenPorts;
  // A rule without ports admits every port: never the silent result of a workload that declares none.
  if (reach.length === 0)
    throw new BlueprintError({
      code: 'INTENT_INVALID',
      path: target.node.path,
      field: 'ports',
      value: [],
      message: `are not given, and ${target.name} declares no port to default to: the policy would open every port of its pods to ${peer.label}`,
      fix: `declare the ports ${target.name} listens on (ports: [{ name: 'http', port: 8080 }]), or give the intent its ports`,
    });
  const source = peer.endpoint ? endpointLabel(peer.endpoint, target.namespace) : peer.label;
  const policies = [
    addPolicy(target, `AllowFrom-${source}`, policyName(target.name, 'from', source), {
      policyTypes: ['Ingress'],
      ingress: [{ from: peer.specs, ports: portsJson(reach) }],
    }),
  ];
  if (peer.endpoint) {
    const toTarget = Peer.workload(target);
    const to = endpointLabel(target, peer.endpoint.namespace);
    policies.push(
      addPolicy(peer.endpoint, `AllowTo-${to}`, policyName(peer.endpoint.name, 'to', to), {
        policyTypes: ['Egress'],
        egress: [{ to: [toTarget.spec], ports: portsJson(reach) }],
      }),
    );
  }
  return { policies };
}

/** The ports of each policy `allowIntoAtRender` made: every caller's, read when the policy renders. */
const portsAtRender = new WeakMap<ApiObject, (() => readonly NetworkPort[])[]>();

/**
 * Opens `from → target` on ports known only when the app renders (the container
 * ports an Ingress routes to: routes, and the sidecars declaring ports, may come
 * later): one policy for the pair, each call adding `ports`, the union rendered
 * once, each port once. A policy for the pair declared by hand (`allowFrom`)
 * stands instead: it decides the ports. `from` is outside the output (no egress
 * side), e.g. `Peer.ingressController()`.
 */
export function allowIntoAtRender(target: INetworkEndpoint, from: Peer, ports: () => readonly NetworkPort[]): IntentResult {
  const id = `AllowFrom-${from.label}`;
  const existing = target.node.tryFindChild(id);
  if (existing instanceof ApiObject) {
    portsAtRender.get(existing)?.push(ports);
    return { policies: [existing] };
  }
  const sources = [ports];
  const metadata = {
    name: policyName(target.name, 'from', from.label),
    namespace: target.namespace,
    labels: componentLabels({ name: target.name, component: 'network-policy' }),
  };
  const policy = modelObject(target as unknown as Construct, id, { model: NetworkPolicy, metadata, body: ['spec'] }, () => {
    const reach = new Map<string, NetworkPort>();
    for (const p of sources.flatMap((source) => source())) reach.set(`${p.port}/${p.protocol ?? Protocol.TCP}`, p);
    // A rule without ports admits every port: each caller gives at least one.
    if (reach.size === 0) throw new Error(`${target.node.path}/${id}: no port to open`);
    return new NetworkPolicy({
      metadata,
      spec: {
        podSelector: { matchLabels: { ...target.podSelector } },
        policyTypes: ['Ingress'],
        ingress: [{ from: from.specs, ports: portsJson([...reach.values()]) }],
      },
    });
  });
  portsAtRender.set(policy, sources);
  return { policies: [policy] };
}

/** The API server path each workload was given automatically, by construct id, with its egress rules. */
const automaticPaths = new WeakMap<INetworkEndpoint, { id: string; to: string[]; ports: string; policy: ApiObject }>();

/** Opens `source → peer` (egress on the source, and ingress on the peer when it is one of our workloads). */
export function allowOutOf(source: INetworkEndpoint, to: Peer | INetworkEndpoint, ports?: readonly NetworkPort[]): IntentResult {
  checkIntentArgs(source, 'allowTo', to, ports, true);
  if (isEndpoint(to)) return allowInto(to, source, ports);
  const reach = ports ?? to.ports;
  const id = `AllowTo-${to.label}`;
  const egress = [{ to: to.specs, ports: portsJson(reach) }];
  // The path the workload already has (allowApiServer), declared again by hand (e.g. its IPv4 half,
  // Peer.cidr('0.0.0.0/0', [443, 6443]), as written before the peer existed): covered, not a second one.
  const automatic = automaticPaths.get(source);
  const covered =
    automatic?.id === id &&
    automatic.ports === JSON.stringify(portsJson(reach)) &&
    to.specs.every((spec) => automatic.to.includes(JSON.stringify(spec)));
  if (covered) return { policies: [automatic.policy] };
  if (automatic?.id === id)
    throw new BlueprintError({
      code: 'INTENT_DUPLICATE',
      path: source.node.path,
      field: 'peer',
      value: id,
      message:
        'is already allowed: the workload mounts its ServiceAccount token, so it has the path to the API server (Peer.kubeApiServer())',
      fix: 'remove this allowTo: the automatic path covers the API server on 443 and 6443',
    });
  return {
    policies: [addPolicy(source, id, policyName(source.name, 'to', to.label), { policyTypes: ['Egress'], egress })],
  };
}

/**
 * Opens `source → the Kubernetes API server` (`Peer.kubeApiServer()`): for a
 * workload whose pods mount a ServiceAccount token in a namespace that denies
 * egress by default, where every API call would otherwise time out. Declaring
 * the same path again by hand returns this one.
 */
export function allowApiServer(source: INetworkEndpoint): IntentResult {
  const peer = Peer.kubeApiServer();
  const result = allowOutOf(source, peer);
  automaticPaths.set(source, {
    id: `AllowTo-${peer.label}`,
    to: peer.specs.map((spec) => JSON.stringify(spec)),
    ports: JSON.stringify(portsJson(peer.ports)),
    policy: result.policies[0],
  });
  return result;
}
