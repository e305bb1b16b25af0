import { ServiceAccount, WebService } from '../../constructs';
import { catchBlueprintError, expectCode, find, renderChart, testChart } from '../helpers';

describe('ServiceAccount', () => {
  test('no token by default; grant() makes a namespaced Role + RoleBinding (the 001 pod reader)', () => {
    const { chart } = testChart();
    const sa = new ServiceAccount(chart, 'pod-reader', { namespace: 'ops' });
    sa.grant([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] }]);
    const objects = renderChart(chart);
    expect(objects).toMatchSnapshot();
    expect(find(objects, 'ServiceAccount', 'pod-reader').automountServiceAccountToken).toBe(false);
    expect(find(objects, 'Role', 'pod-reader-1').rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] },
    ]);
    expect(find(objects, 'RoleBinding', 'pod-reader-1').roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'pod-reader-1',
    });
  });

  test('grantClusterWide() makes cluster-scoped objects without a namespace', () => {
    const { chart } = testChart();
    new ServiceAccount(chart, 'ctl', { namespace: 'ops' }).grantClusterWide([{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }]);
    const objects = renderChart(chart);
    expect(find(objects, 'ClusterRole', 'ops-ctl-1').metadata.namespace).toBeUndefined();
    expect(find(objects, 'ClusterRoleBinding', 'ops-ctl-1').subjects[0].namespace).toBe('ops');
  });

  test('RBAC_INVALID: wildcards and empty rules', () => {
    const { chart } = testChart();
    const sa = new ServiceAccount(chart, 'x', { namespace: 'ops' });
    expectCode(() => sa.grant([{ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }]), 'RBAC_INVALID');
    expectCode(() => sa.grantClusterWide([{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }]), 'RBAC_INVALID');
    expectCode(() => sa.grant([]), 'RBAC_INVALID');
    expectCode(() => new ServiceAccount(chart, 'Bad Name', { namespace: 'ops' }), 'NAME_INVALID');
  });

  test("NAME_INVALID: a namespace is a DNS-1123 label, even where the object's name may be a subdomain", () => {
    const { chart } = testChart();
    const err = catchBlueprintError(() => new ServiceAccount(chart, 'ci.runner', { namespace: 'ops.v2' }));
    expect(err.issues.map((i) => [i.code, i.field, i.value])).toEqual([['NAME_INVALID', 'namespace', 'ops.v2']]);
    expect(new ServiceAccount(chart, 'ci.runner2', { namespace: 'ops-v2' }).name).toBe('ci.runner2');
  });

  test('workloads run as it, and SERVICE_ACCOUNT_INVALID across namespaces', () => {
    const { chart } = testChart();
    const sa = new ServiceAccount(chart, 'runner', { namespace: 'ops' });
    new WebService(chart, 'web', { namespace: 'ops', image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }], serviceAccount: sa });
    expect(find(renderChart(chart), 'Deployment', 'web').spec.template.spec.serviceAccountName).toBe('runner');
    expectCode(
      () =>
        new WebService(chart, 'other', {
          namespace: 'apps',
          image: 'app:1.0.0',
          ports: [{ name: 'http', port: 8080 }],
          serviceAccount: sa,
        }),
      'SERVICE_ACCOUNT_INVALID',
    );
  });
});
