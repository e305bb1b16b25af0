import { Worker } from '../../constructs';
import { expectCode, renderChart, testChart } from '../helpers';

const image = 'ghcr.io/acme/app:1.0.0';
const worker = (runAsUser: number) => () => {
  const { chart } = testChart();
  new Worker(chart, 'w', { namespace: 'team', image, runAsUser });
  return chart;
};

describe('pod user and group ids (IsValidUserID / IsValidGroupID, MaxInt32 on Kubernetes 1.28)', () => {
  test.each([2 ** 31, 2 ** 32, 0, 1.5, -1])('runAsUser %p is SECURITY_INVALID', (uid) => {
    expect(expectCode(worker(uid), 'SECURITY_INVALID')).toMatchObject({ field: 'runAsUser', value: uid });
  });

  test('the largest id is accepted, and rendered as user, group and fsGroup', () => {
    const max = 2 ** 31 - 1;
    const pod = renderChart(worker(max)()).find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: max, runAsGroup: max, fsGroup: max });
  });
});
