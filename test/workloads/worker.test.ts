import { Worker, TeamNamespace, QuotaPreset } from '../../constructs';
import { find, ofKind, renderChart, testChart } from '../helpers';

describe('Worker', () => {
  test('a Deployment and PDB without a Service or probes, same security defaults', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'jobs', { quota: QuotaPreset.SMALL });
    const w = new Worker(chart, 'consumer', { namespace: team, image: 'ghcr.io/acme/consumer:3.2.1', replicas: 2 });
    const objects = renderChart(chart);
    expect(ofKind(objects, 'Service')).toHaveLength(0);
    const pod = find(objects, 'Deployment', 'consumer').spec.template.spec;
    expect(pod.containers[0].readinessProbe).toBeUndefined();
    expect(pod.containers[0].lifecycle).toBeUndefined();
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(find(objects, 'PodDisruptionBudget', 'consumer').spec.maxUnavailable).toBe(1);
    expect(w.maxPods).toBe(3);
    expect(objects.filter((o) => o.metadata.name === 'consumer')).toMatchSnapshot();
  });
});
