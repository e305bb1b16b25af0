import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { checkDirectory, checkManifests, formatReport } from '../../constructs';
import { find, good, pod } from '../rules/fixture';

describe('checkManifests and checkDirectory', () => {
  test('schema findings and rule findings together, with counts', () => {
    const objects = good();
    pod(objects).containers[0].imagePullPolicyy = 'Always';
    find(objects, 'Service', 'web').spec.type = 'NodePort';
    const report = checkManifests(objects);
    expect(report.errors).toBe(1);
    expect(report.warnings).toBe(1);
    expect(report.findings.map((f) => f.rule).sort()).toEqual(['SCHEMA_UNKNOWN_FIELD', 'SEC_NODEPORT']);
    expect(formatReport(report)).toContain('1 error(s), 1 warning(s)');
  });

  test('non-YAML files, broken YAML and non-Kubernetes documents get per-file errors; the rest is graded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-check-'));
    fs.writeFileSync(path.join(dir, 'good.k8s.yaml'), Yaml.stringify(...good()));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'a: [1, 2\nb: {');
    fs.writeFileSync(path.join(dir, 'other.yaml'), 'just: a config\n');
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling.yaml'));
    const report = checkDirectory(dir);
    expect(report.fileErrors.map((e) => [e.file, e.rule])).toEqual([
      ['broken.yaml', 'FILE_YAML_BROKEN'],
      ['dangling.yaml', 'FILE_UNREADABLE'],
      ['notes.txt', 'FILE_NOT_YAML'],
    ]);
    expect(report.findings.map((f) => [f.rule, f.file])).toEqual([['SCHEMA_NOT_KUBERNETES', 'other.yaml']]);
    expect(report.objectCount).toBe(good().length + 1);
  });
});
