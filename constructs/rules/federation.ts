import { parse, stringify } from 'yaml';

/*
 * The Monitoring blueprint's federation scrape configuration. prometheus-operator reads
 * `additionalScrapeConfigs` only from a Secret (and the ScrapeConfig CRD of the operator
 * versions the library supports, >=0.65.1, has no `params` for `match[]`), so this is the one
 * Secret with values the library writes. SECRET_VALUE_IN_OUTPUT lets it through by its content,
 * never by anything a consumer can set on it: the text must be exactly what
 * federationScrapeConfig writes for targets that are host:port, which leaves no room for a credential.
 */

/** The key of the federation Secret (and of `additionalScrapeConfigs`). */
export const FEDERATION_KEY = 'federate.yml';

/** A scrape target as the blueprint accepts it: a DNS name or IP address, or a bracketed IPv6 address, and a port. */
const TARGET = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9.])?)(?::\d{1,5})?$/;

/** The federation scrape configuration for `targets` (host:port): the series of the recording rules, labels kept. */
export function federationScrapeConfig(targets: readonly string[]): string {
  return stringify([
    {
      job_name: 'federate',
      honor_labels: true,
      metrics_path: '/federate',
      params: { 'match[]': ['{__name__=~"namespace:.*"}'] },
      static_configs: [{ targets: [...targets] }],
    },
  ]);
}

/**
 * Whether rendered Secret `s` is a federation scrape configuration and nothing else: `stringData` with the one key
 * FEDERATION_KEY whose text is exactly federationScrapeConfig of host:port targets, and no `data`.
 */
export function isFederationSecret(s: any): boolean {
  const values = s?.stringData;
  if (s?.data !== undefined || values === null || typeof values !== 'object') return false;
  const keys = Object.keys(values);
  const text = values[FEDERATION_KEY];
  if (keys.length !== 1 || typeof text !== 'string') return false;
  let targets: unknown;
  try {
    targets = parse(text)?.[0]?.static_configs?.[0]?.targets;
  } catch {
    return false;
  }
  return (
    Array.isArray(targets) &&
    targets.length > 0 &&
    targets.every((t) => typeof t === 'string' && TARGET.test(t)) &&
    federationScrapeConfig(targets) === text
  );
}
