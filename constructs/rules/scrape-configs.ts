import { parse, stringify } from 'yaml';

/*
 * The Monitoring blueprint's own scrape jobs: the kubelets' cAdvisor (what the recording rules read), and the
 * federation of other Prometheus servers when asked. Neither fits a monitor the operator versions the library supports
 * (>=0.65.1) offer: no ServiceMonitor reaches the kubelets without a kubelet Service (which only the operator's
 * --kubelet-service flag maintains), and the ScrapeConfig CRD of 0.65.1 has neither Kubernetes node discovery nor the
 * `params` federation's `match[]` needs. prometheus-operator reads raw jobs (`additionalScrapeConfigs`) only from a
 * Secret, so this is the one Secret with values the library writes. SECRET_VALUE_IN_OUTPUT lets it through by its
 * content, never by anything a consumer can set on it: the text must be exactly what scrapeConfigs writes, for
 * federation targets that are host:port, which leaves no room for a credential (the kubelet job names the pod's
 * ServiceAccount token by its file, never by value).
 */

/** The key of the scrape-configuration Secret (and of `additionalScrapeConfigs`). */
export const SCRAPE_CONFIGS_KEY = 'scrape-configs.yml';

/** The kubelet's authenticated port, which serves /metrics/cadvisor (kubelet --port). */
export const KUBELET_PORT = 10250;

/** The cAdvisor series the recording rules read; nothing else of the kubelet is kept. */
export const CADVISOR_SERIES: readonly string[] = ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'];

/** Where the kubelet mounts the pod's ServiceAccount token and the cluster CA. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** What scrapeConfigs writes. */
export interface ScrapeConfigsOptions {
  /** Verify the kubelets' serving certificates against the cluster CA (else skip verification, as kube-prometheus does). */
  readonly verifyKubeletCertificates: boolean;
  /** Other Prometheus servers to federate (host:port); none writes no federation job. */
  readonly federate: readonly string[];
}

/** A scrape target as the blueprint accepts it: a DNS name or IP address, or a bracketed IPv6 address, and a port. */
const TARGET = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9.])?)(?::\d{1,5})?$/;

/** The kubelet cAdvisor job: every node (node discovery), https with the pod's token, only CADVISOR_SERIES of containers. */
function kubeletJob(verify: boolean): object {
  return {
    job_name: 'kubelet-cadvisor',
    scheme: 'https',
    metrics_path: '/metrics/cadvisor',
    // Each node at its kubelet endpoint (status.daemonEndpoints.kubeletEndpoint.port, 10250 unless --port moves it).
    kubernetes_sd_configs: [{ role: 'node' }],
    authorization: { credentials_file: `${SERVICE_ACCOUNT_DIR}/token` },
    // The kubelet's serving certificate is self-signed unless serverTLSBootstrap has the cluster CA sign it.
    tls_config: { ca_file: `${SERVICE_ACCOUNT_DIR}/ca.crt`, ...(verify ? {} : { insecure_skip_verify: true }) },
    relabel_configs: [{ source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' }],
    // The rules' series only, and only a container's (the pod and node cgroup totals carry container=""): what a node
    // adds to the storage sizing is two series per container.
    metric_relabel_configs: [
      { source_labels: ['__name__'], regex: CADVISOR_SERIES.join('|'), action: 'keep' },
      { source_labels: ['container'], regex: '', action: 'drop' },
    ],
  };
}

/** The federation job for `targets` (host:port): the series of the recording rules, labels kept. */
function federationJob(targets: readonly string[]): object {
  return {
    job_name: 'federate',
    honor_labels: true,
    metrics_path: '/federate',
    params: { 'match[]': ['{__name__=~"namespace:.*"}'] },
    static_configs: [{ targets: [...targets] }],
  };
}

/** The blueprint's scrape jobs: the kubelets' cAdvisor always, the federation of `federate` when there is any. */
export function scrapeConfigs(options: ScrapeConfigsOptions): string {
  return stringify([kubeletJob(options.verifyKubeletCertificates), ...(options.federate.length ? [federationJob(options.federate)] : [])]);
}

/**
 * Whether rendered Secret `s` is the blueprint's scrape configuration and nothing else: `stringData` with the one key
 * SCRAPE_CONFIGS_KEY whose text is exactly scrapeConfigs of some options (federation targets host:port), and no `data`.
 */
export function isScrapeConfigSecret(s: any): boolean {
  const values = s?.stringData;
  if (s?.data !== undefined || values === null || typeof values !== 'object') return false;
  const text = values[SCRAPE_CONFIGS_KEY];
  if (Object.keys(values).length !== 1 || typeof text !== 'string') return false;
  let jobs: unknown;
  try {
    jobs = parse(text);
  } catch {
    return false;
  }
  if (!Array.isArray(jobs) || jobs.length < 1 || jobs.length > 2) return false;
  // The options read back from the text; the text is then judged by what they write, character for character.
  const verifyKubeletCertificates = jobs[0]?.tls_config?.insecure_skip_verify !== true;
  const targets: unknown = jobs.length === 2 ? jobs[1]?.static_configs?.[0]?.targets : [];
  if (!Array.isArray(targets) || (jobs.length === 2 && targets.length === 0)) return false;
  if (!targets.every((t) => typeof t === 'string' && TARGET.test(t))) return false;
  return scrapeConfigs({ verifyKubeletCertificates, federate: targets }) === text;
}
