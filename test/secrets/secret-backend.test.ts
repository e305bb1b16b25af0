import { App } from 'cdk8s';
import { BlueprintChart, ClusterSecretStore, SecretBackend, SecretBackendKind, SecretDeclaration, TeamNamespace } from '../../constructs';
import { find, issuesWithCode, render, teamChart } from '../helpers';

describe('SecretBackend.use', () => {
  test('may follow other charts: the natural order store chart, then use(app, store.backend()), then declarations works', () => {
    const app = new App();
    const cluster = new BlueprintChart(app, 'cluster', { owner: 'platform' });
    const store = new ClusterSecretStore(cluster, 'aws', { awsRegion: 'eu-west-1' });
    SecretBackend.use(app, store.backend());
    const chart = new BlueprintChart(app, 'shop', { owner: 'shop' });
    const team = new TeamNamespace(chart, 'shop');
    const db = new SecretDeclaration(chart, 'db', { namespace: team, keys: ['password'] });
    expect(db.backend?.store).toBe('aws');
    expect(find(render(app), 'ExternalSecret', 'db').spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws' });
  });

  test('a declaration built before the backend is chosen is SECRET_BACKEND_MISSING at synth, saying use came too late (never a plain Error)', () => {
    const { app, team } = teamChart();
    new SecretDeclaration(team, 'db', { namespace: team, keys: ['password'] });
    SecretBackend.use(app, SecretBackend.deployTool());
    const [issue] = issuesWithCode(() => render(app), 'SECRET_BACKEND_MISSING');
    expect(issue.field).toBe('backend');
    expect(issue.message).toContain('SecretBackend.use came after it');
  });

  test("a backend chosen on a chart overrides the app's for the declarations below it", () => {
    const { app, team } = teamChart();
    SecretBackend.use(app, SecretBackend.externalSecrets({ store: 'vault' }));
    const other = new BlueprintChart(app, 'other', { owner: 'o' });
    SecretBackend.use(other, SecretBackend.deployTool());
    expect(new SecretDeclaration(other, 'b', { namespace: team, keys: ['k'] }).backend?.kind).toBe(SecretBackendKind.DEPLOY_TOOL);
    expect(new SecretDeclaration(team, 'a', { namespace: team, keys: ['k'] }).backend?.store).toBe('vault');
  });
});
