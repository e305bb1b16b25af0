import { App } from 'cdk8s';
import { AwsSecretService, BlueprintChart, ClusterSecretStore } from '../../constructs';
import { expectCode, find, render } from '../helpers';

describe('ClusterSecretStore', () => {
  test('an AWS store, schema-valid, whose backend points declarations at it', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'cluster', { owner: 'platform' });
    const store = new ClusterSecretStore(chart, 'aws', { awsRegion: 'eu-west-1', service: AwsSecretService.PARAMETER_STORE });
    expect(store.backend().store).toBe('aws');
    const obj = find(render(app), 'ClusterSecretStore', 'aws');
    expect(obj.metadata.namespace).toBeUndefined();
    expect(obj.spec).toEqual({ provider: { aws: { service: 'ParameterStore', region: 'eu-west-1' } } });
    expectCode(() => new ClusterSecretStore(chart, 'bad', { awsRegion: 'europe' }), 'SECRET_STORE_INVALID');
  });
});
