import { ApiObject } from 'cdk8s';
import {
  KUBE_SCORE_IGNORE,
  exemptApiTokenMount,
  exemptPolarisCheck,
  exemptRunAsRoot,
  exemptRuntimePodsPolicy,
  ignoreKubeLinterCheck,
  ignoreKubeScoreCheck,
} from '../../constructs';
import { testChart } from '../helpers';

function object(annotations?: Record<string, string>): ApiObject {
  const { chart } = testChart();
  return new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o', namespace: 'n', annotations } });
}
const annotationsOf = (o: ApiObject) => o.toJson().metadata.annotations;

describe('linter exemptions', () => {
  test("kube-score's list grows: a second exemption is added to the first, never replaces it, and none is listed twice", () => {
    const o = object({ [KUBE_SCORE_IGNORE]: 'pod-probes' });
    ignoreKubeScoreCheck(o, 'networkpolicy-targets-pod');
    ignoreKubeScoreCheck(o, 'networkpolicy-targets-pod');
    exemptRunAsRoot(o, 'reads root-only node files');
    expect(annotationsOf(o)[KUBE_SCORE_IGNORE]).toBe('pod-probes,networkpolicy-targets-pod,container-security-context-user-group-id');
  });

  test('a list written with spaces is read as kube-score reads it (each id trimmed)', () => {
    const o = object({ [KUBE_SCORE_IGNORE]: ' pod-probes , service-type,' });
    ignoreKubeScoreCheck(o, 'service-type');
    expect(annotationsOf(o)[KUBE_SCORE_IGNORE]).toBe('pod-probes,service-type');
  });

  test("each tool's own annotation: kube-linter's holds the reason, Polaris' holds true", () => {
    const policy = object();
    exemptRuntimePodsPolicy(policy, 'selects pods an operator creates');
    expect(annotationsOf(policy)).toEqual({
      'ignore-check.kube-linter.io/dangling-networkpolicy': 'selects pods an operator creates',
      [KUBE_SCORE_IGNORE]: 'networkpolicy-targets-pod',
    });
    const pods = object();
    exemptApiTokenMount(pods, 'calls the API');
    ignoreKubeLinterCheck(pods, 'env-value-from', 'Secrets written by an operator');
    exemptPolarisCheck(pods, 'deploymentMissingReplicas');
    expect(annotationsOf(pods)).toEqual({
      'ignore-check.kube-linter.io/automount-service-account-token': 'calls the API',
      'ignore-check.kube-linter.io/env-value-from': 'Secrets written by an operator',
      'polaris.fairwinds.com/automountServiceAccountToken-exempt': 'true',
      'polaris.fairwinds.com/deploymentMissingReplicas-exempt': 'true',
    });
  });
});
