import * as fs from 'fs';
import { FIELDS_FILE, SOURCE, installedSource, render, sourceDir } from '../../scripts/gen-k8s-fields';
import { removeTemporary } from '../../scripts/npm-pack';

const fields: Record<string, Record<string, string>> = JSON.parse(fs.readFileSync(FIELDS_FILE, 'utf8'));

// The generator reads @kubernetes/client-node 0.20.0 (Kubernetes 1.28), fetched with `npm pack` when not installed:
// compared by `npm run test:generated` (in CI), or whenever it is at hand offline.
const source = installedSource() ?? process.env.K8S_CLIENT_NODE_DIR ?? (process.env.CB_GENERATED_TEST ? sourceDir() : undefined);
afterAll(removeTemporary);
(source ? test : test.skip)(
  `k8s-fields.json is what scripts/gen-k8s-fields.ts generates from ${SOURCE.pkg} ${SOURCE.version}${source ? '' : ' (run by `npm run test:generated`)'}`,
  () => {
    expect(fs.readFileSync(FIELDS_FILE, 'utf8')).toBe(render(source));
  },
);

test('the field list is Kubernetes 1.28: fields added in 1.29 and 1.30 are absent, 1.28 ones present', () => {
  // 1.29+: a 1.28 API server refuses these under strict field validation.
  expect(fields.V1ServiceSpec.trafficDistribution).toBeUndefined();
  expect(fields.V1SecurityContext.appArmorProfile).toBeUndefined();
  expect(fields.V1PodSecurityContext.appArmorProfile).toBeUndefined();
  expect(fields.V1LifecycleHandler.sleep).toBeUndefined();
  expect(fields.V1VolumeMount.recursiveReadOnly).toBeUndefined();
  expect(fields.V1JobSpec.managedBy).toBeUndefined();
  expect(fields.V1PersistentVolumeClaimSpec.volumeAttributesClassName).toBeUndefined();
  expect(fields.V1PodAffinityTerm.matchLabelKeys).toBeUndefined();
  // In 1.28 (topologySpreadConstraints matchLabelKeys is beta since 1.27; podFailurePolicy since 1.25).
  expect(fields.V1TopologySpreadConstraint.matchLabelKeys).toBeDefined();
  expect(fields.V1JobSpec.podFailurePolicy).toBeDefined();
  expect(fields.V1ContainerResizePolicy).toBeDefined();
});
