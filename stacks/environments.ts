import { App } from 'cdk8s';
import { BlueprintChart, BlueprintError, QuotaLimits, QuotaPreset, TeamAccessProps, TeamNamespace } from '../constructs';

/** One team of an environment. */
export interface TeamConfig {
  readonly name: string;
  readonly quota: QuotaPreset | QuotaLimits;
  readonly access?: TeamAccessProps;
  readonly holdsData?: boolean;
}

/** Everything that differs between environments. */
export interface EnvironmentConfig {
  readonly name: string;
  readonly teams: readonly TeamConfig[];
}

export const dev: EnvironmentConfig = {
  name: 'dev',
  teams: [
    { name: 'payments', quota: QuotaPreset.SMALL, access: { edit: ['payments-devs'], view: ['sre'] } },
    { name: 'catalog', quota: QuotaPreset.SMALL, access: { edit: ['catalog-devs'], view: ['sre'] } },
  ],
};

export const ENVIRONMENTS: Readonly<Record<string, EnvironmentConfig>> = { dev };

/** Looks up an environment by name; unknown names fail with the list of known ones. */
export function environment(name: string): EnvironmentConfig {
  const env = ENVIRONMENTS[name];
  if (!env) {
    throw new BlueprintError({ code: 'ENVIRONMENT_UNKNOWN', path: '', field: 'env', value: name, message: 'is not a known environment', fix: `use one of ${Object.keys(ENVIRONMENTS).join(', ')}` });
  }
  return env;
}

/** Builds the cdk8s app of one environment: one chart per team. */
export function buildEnvironment(config: EnvironmentConfig, outdir?: string): App {
  const app = new App({ outdir });
  for (const team of config.teams) {
    const chart = new BlueprintChart(app, `team-${team.name}`, { owner: team.name, partOf: `platform-${config.name}` });
    new TeamNamespace(chart, team.name, { quota: team.quota, access: team.access, holdsData: team.holdsData });
  }
  return app;
}
