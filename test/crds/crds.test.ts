import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/* What a real API server demands of the CRDs this package ships. */
const dir = path.join(__dirname, '../../crds');
const crds = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => [f, d.toJS()] as const));

test.each(crds)('%s: a protected group carries api-approved.kubernetes.io', (_f, crd) => {
  const group: string = crd.spec.group;
  if (group.endsWith('.k8s.io') || group.endsWith('.kubernetes.io') || group === 'k8s.io' || group === 'kubernetes.io')
    expect(crd.metadata.annotations?.['api-approved.kubernetes.io']).toMatch(/^https:\/\/github\.com\/kubernetes\//);
});

test.each(crds)('%s: a status subresource has a status in the schema, so the controller’s writes are not pruned', (_f, crd) => {
  for (const v of crd.spec.versions) {
    expect(v.schema.openAPIV3Schema.type).toBe('object');
    if (v.subresources?.status) expect(v.schema.openAPIV3Schema.properties.status).toBeDefined();
  }
  expect(crd.spec.versions.filter((v: any) => v.storage)).toHaveLength(1);
});
