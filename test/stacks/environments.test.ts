import { ENVIRONMENTS, buildEnvironment, environment } from '../../stacks/environments';
import { renderApp, validateManifests } from '../../constructs';
import { expectCode, ofKind } from '../helpers';

describe.each(Object.keys(ENVIRONMENTS))('environment %s', (name) => {
  const objects = renderApp(buildEnvironment(environment(name))).flatMap((r) => r.objects);

  test('every object is schema-valid', () => {
    expect(validateManifests(objects)).toEqual([]);
  });

  test('every team namespace is governed: quota, LimitRange, default deny, PSA labels', () => {
    const namespaces = ofKind(objects, 'Namespace');
    expect(namespaces.length).toBeGreaterThanOrEqual(2);
    for (const ns of namespaces) {
      const n = ns.metadata.name;
      const inNs = objects.filter((o) => o.metadata.namespace === n);
      expect(ofKind(inNs, 'ResourceQuota')).toHaveLength(1);
      expect(ofKind(inNs, 'LimitRange')).toHaveLength(1);
      expect(ofKind(inNs, 'NetworkPolicy').some((p) => JSON.stringify(p.spec) === JSON.stringify({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }))).toBe(true);
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    }
  });
});

test('ENVIRONMENT_UNKNOWN names the known environments', () => {
  const issue = expectCode(() => environment('qa'), 'ENVIRONMENT_UNKNOWN');
  expect(issue.fix).toContain('dev');
});
