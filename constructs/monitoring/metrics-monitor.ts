import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { IssueInput } from '../core/errors';
import { componentLabels } from '../core/metadata';
import type { INetworkEndpoint, Peer } from '../networking/network-intent';
import { enter, is } from '../core/shape';
import { secondsOf } from '../core/duration';

/**
 * The label every monitor this library makes carries, and that the Monitoring
 * blueprint's Prometheus selects monitors (and its rules) by.
 */
export const SCRAPE_LABEL = 'monitoring.cluster-blueprints.io/scrape';

/** Where a workload serves Prometheus metrics. */
export interface MetricsOptions {
  /** One of the workload's container ports, by name (e.g. `'metrics'`). */
  readonly port: string;
  /** HTTP path of the metrics. @default '/metrics' */
  readonly path?: string;
  /** Scrape interval. @default - the Prometheus' own interval */
  readonly interval?: Duration;
  /**
   * The scraper, let in on the metrics port only: for namespaces whose
   * default-deny policy does not already admit it. The Monitoring blueprint's
   * `monitoring.scraper`, or for a Prometheus outside this output (e.g.
   * kube-prometheus-stack) its namespace: `Peer.namespace('monitoring')`.
   * Required in a TeamNamespace that admits no other namespace
   * (`allowFromNamespace`): its default-deny ingress would time out every scrape.
   * @default - no policy: the namespace already admits the scraper
   */
  readonly scrapedBy?: Peer | INetworkEndpoint;
}

/** How a monitor finds its targets: through a Service's port, or straight at the pods. */
export type MonitorTarget =
  /** A Service selecting the pods and publishing the metrics port under `port` (a Service port name). */
  | { readonly kind: 'service'; readonly serviceLabels: Readonly<Record<string, string>>; readonly port: string }
  /** The pods themselves, `port` a container port name. */
  | { readonly kind: 'pods'; readonly podSelector: Readonly<Record<string, string>>; readonly port: string };

/** Props of a `MetricsMonitor`. */
export interface MetricsMonitorProps extends Omit<MetricsOptions, 'scrapedBy'> {
  readonly name: string;
  readonly namespace: string;
  readonly target: MonitorTarget;
}

const DEFAULTS = { path: '/metrics' } as const;

/** The shape of the props (checked at entry). */
const METRICS_MONITOR_SHAPE = is.props<MetricsMonitorProps>(
  {
    name: is.string,
    namespace: is.string,
    target: is.object(
      {
        kind: is.oneOf(['service', 'pods'], 'target kinds'),
        serviceLabels: is.map(is.string),
        podSelector: is.map(is.string),
        port: is.string,
      },
      ['kind', 'port'],
    ),
    port: is.string,
    path: is.string,
    interval: is.instance(Duration),
  },
  ['name', 'namespace', 'target', 'port'],
);

/**
 * The issue of a scrape interval that is not whole seconds ≥ 1, or `undefined`: the one rule
 * for every scrape interval of the library (a monitor's endpoint, the Monitoring blueprint's
 * Prometheus). Judged on `secondsOf`, since cdk8s' own `toSeconds()` throws a plain Error
 * for a fraction of a second.
 */
export function scrapeIntervalIssue(field: string, interval: Duration | undefined): IssueInput | undefined {
  if (interval === undefined) return undefined;
  const s = secondsOf(interval);
  if (Number.isSafeInteger(s) && s >= 1) return undefined;
  return {
    code: 'METRICS_INVALID',
    field,
    value: s,
    message: 'must be whole seconds ≥ 1',
    fix: 'use Duration.seconds(n), e.g. Duration.seconds(30)',
  };
}

/**
 * What is wrong with metrics options, as issues (port existence is the workload's to decide);
 * `prefix` leads each field (`metrics.` for `exposeMetrics`, none for a `MetricsMonitor`'s own props).
 */
export function metricsIssues(options: MetricsOptions, prefix = 'metrics.'): IssueInput[] {
  const out: IssueInput[] = [];
  const path = options.path ?? DEFAULTS.path;
  if (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path))
    out.push({
      code: 'METRICS_INVALID',
      field: `${prefix}path`,
      value: path,
      message: 'is not an absolute URL path',
      fix: "use e.g. '/metrics'",
    });
  const interval = scrapeIntervalIssue(`${prefix}interval`, options.interval);
  if (interval) out.push(interval);
  return out;
}

/**
 * METRICS_INVALID for a target without labels to select by (missing, or `{}`), or `undefined`: its monitor
 * would select every Service (or pod) of the namespace, and scrape each one's port of that name.
 */
function emptySelectorIssue(t: MonitorTarget): IssueInput | undefined {
  const [field, labels] = t.kind === 'service' ? ['serviceLabels', t.serviceLabels] : ['podSelector', t.podSelector];
  if (labels !== undefined && Object.keys(labels).length > 0) return undefined;
  const what = t.kind === 'service' ? 'Service' : 'pod';
  return {
    code: 'METRICS_INVALID',
    field: `target.${field}`,
    value: labels,
    message: `${labels === undefined ? `is missing with kind '${t.kind}'` : 'is empty'}: the monitor would select every ${what} of the namespace`,
    fix: `select the workload's ${what} labels, e.g. { 'app.kubernetes.io/name': 'api' }`,
  };
}

/**
 * A prometheus-operator `ServiceMonitor` (when a Service publishes the
 * metrics port) or `PodMonitor` (workloads without a Service: workers, node
 * agents), in the workload's namespace, labelled for the Monitoring
 * blueprint's Prometheus. Made by `Workload.exposeMetrics()`.
 */
export class MetricsMonitor extends Construct {
  /** `ServiceMonitor` or `PodMonitor`. */
  public readonly kind: 'ServiceMonitor' | 'PodMonitor';
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: MetricsMonitorProps) {
    const { problems, props: own } = enter(scope, id, props, 'MetricsMonitor', METRICS_MONITOR_SHAPE);
    props = own; // the entry's frozen snapshot: the caller's object is not read again
    super(scope, id);
    problems.addAll(...metricsIssues(props, ''), emptySelectorIssue(props.target));
    problems.throwIfAny();
    const labels = { ...componentLabels({ name: props.name, component: 'metrics' }), [SCRAPE_LABEL]: 'true' };
    const metadata = { name: props.name, namespace: props.namespace, labels };
    const endpoint = {
      port: props.target.port,
      path: props.path ?? DEFAULTS.path,
      ...(props.interval ? { interval: `${secondsOf(props.interval)}s` } : {}),
    };
    const t = props.target;
    // Required here, not imported: the operator's schemas (and re2-wasm, which they load) cost about 150 ms of every import of the library.
    const { ServiceMonitor } =
      require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor') as typeof import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor');
    const { PodMonitor } =
      require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor') as typeof import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor');
    const model =
      t.kind === 'service'
        ? new ServiceMonitor({ metadata, spec: { selector: { matchLabels: { ...t.serviceLabels } }, endpoints: [endpoint] } })
        : new PodMonitor({ metadata, spec: { selector: { matchLabels: { ...t.podSelector } }, podMetricsEndpoints: [endpoint] } });
    this.kind = t.kind === 'service' ? 'ServiceMonitor' : 'PodMonitor';
    this.apiObject = new ApiObject(this, 'Resource', model.toJSON() as any);
  }
}
