import { Color, Release } from '../../constructs';
import { expectCode, ofKind, render, teamWebService } from '../helpers';

describe('Release.surge', () => {
  test('every strategy that renders a RollingUpdate surges; recreate does not', () => {
    expect(Release.rolling().surge(4)).toBe(1);
    expect(Release.rolling({ maxSurge: 2 }).surge(4)).toBe(2);
    expect(Release.canary({ image: 'ghcr.io/acme/web:1.5.0' }).surge(4)).toBe(1);
    // Blue-green tracks render maxSurge 25% too: each surges.
    expect(Release.blueGreen({ active: Color.BLUE }).surge(4)).toBe(1);
    expect(Release.blueGreen({ active: Color.BLUE }).surge(0)).toBe(0);
    expect(Release.recreate().surge(4)).toBe(0);
  });

  test.each([NaN, -5, 1.5, '10', Symbol('s'), undefined])(
    'PROPS_INVALID: surge(%p) is no replica count (NaN gave NaN, -5 gave -1)',
    (n) => {
      expect(expectCode(() => Release.rolling().surge(n as never), 'PROPS_INVALID').field).toBe('replicas');
    },
  );

  const resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } };
  const blueGreen = Release.blueGreen({ active: Color.BLUE, idleImage: 'ghcr.io/acme/web:1.5.0', idleReplicas: 4 });

  test('QUOTA_PODS_EXCEEDED: the surge of each blue-green track counts against the quota (4+1 and 4+1 pods)', () => {
    const { app, service } = teamWebService(
      'web',
      { replicas: 4, release: blueGreen, resources },
      { quota: { pods: 8, requestsCpu: '2', limitsCpu: '4' } },
    );
    expect(service.maxPods).toBe(10);
    // The surge counted is the one rendered: both tracks roll with maxSurge 25%.
    const issue = expectCode(() => render(app), 'QUOTA_PODS_EXCEEDED');
    expect(issue.field).toBe('quota.pods');
    expect(issue.value).toBe(10);
  });

  test('the valid neighbour: a quota with room for both surges renders, each track surging 25%', () => {
    const { app } = teamWebService(
      'web',
      { replicas: 4, release: blueGreen, resources },
      { quota: { pods: 10, requestsCpu: '2', limitsCpu: '4' } },
    );
    const deployments = ofKind(render(app), 'Deployment');
    expect(deployments.map((d) => [d.metadata.name, d.spec.strategy.rollingUpdate.maxSurge])).toEqual([
      ['web-blue', '25%'],
      ['web-green', '25%'],
    ]);
  });
});
