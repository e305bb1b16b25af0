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

  describe('OBJECT_DUPLICATE: the identity synth uses (group, kind, namespace, name)', () => {
    const obj = (apiVersion: string, kind: string, name: string, namespace?: string) => ({
      apiVersion,
      kind,
      metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
    });
    const dups = (objects: unknown[], options = {}) =>
      checkManifests(objects, options)
        .findings.filter((f) => f.rule === 'OBJECT_DUPLICATE')
        .map((f) => [f.object, f.message.match(/objects\[\d+\] and already in objects\[\d+\]/)?.[0]]);

    test('the version is not part of the identity; the group, kind, namespace and name are', () => {
      const objects = [
        obj('apps/v1', 'Deployment', 'web', 'a'),
        obj('apps/v1beta1', 'Deployment', 'web', 'a'),
        obj('extensions/v1beta1', 'Deployment', 'web', 'a'),
        obj('apps/v1', 'Deployment', 'web', 'b'),
        obj('apps/v1', 'StatefulSet', 'web', 'a'),
        obj('apps/v1', 'Deployment', 'api', 'a'),
      ];
      expect(dups(objects)).toEqual([['Deployment/a/web', 'objects[1] and already in objects[0]']]);
    });

    test('a cluster-scoped kind is one object whatever namespace it (wrongly) carries', () => {
      const objects = [obj('v1', 'Namespace', 'shop'), obj('v1', 'Namespace', 'shop', 'x')];
      expect(dups(objects)).toEqual([['Namespace/x/shop', 'objects[1] and already in objects[0]']]);
    });

    test('without a namespace an object is not the one in default, unless --namespace places it there', () => {
      const objects = [obj('v1', 'ConfigMap', 'x'), obj('v1', 'ConfigMap', 'x', 'default'), obj('v1', 'ConfigMap', 'x')];
      expect(dups(objects)).toEqual([['ConfigMap/x', 'objects[2] and already in objects[0]']]);
      expect(dups(objects, { namespace: 'default' }).map(([, m]) => m)).toEqual([
        'objects[1] and already in objects[0]',
        'objects[2] and already in objects[0]',
      ]);
    });

    test('objects without a name or not Kubernetes objects are not duplicates of each other', () => {
      const unnamed = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-', namespace: 'a' } };
      expect(dups([unnamed, unnamed, 'text', 'text', { just: 'a config' }, { just: 'a config' }])).toEqual([]);
    });

    test('150,000 copies of one object: one finding per later copy, no stack overflow in the check or the report', () => {
      const report = checkManifests(
        Array.from({ length: 150_000 }, () => obj('v1', 'ConfigMap', 'x', 'a')),
        { rules: [] },
      );
      expect(report.errors).toBe(149_999);
      expect(formatReport(report)).toContain('in objects[149999] and already in objects[0]');
    });

    test('checkDirectory names the document of a v1 List item', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-check-'));
      const cm = obj('v1', 'ConfigMap', 'x', 'a');
      fs.writeFileSync(
        path.join(dir, 'list.yaml'),
        Yaml.stringify(cm, { apiVersion: 'v1', kind: 'List', items: [obj('v1', 'ConfigMap', 'y', 'a'), cm] }),
      );
      const [finding] = checkDirectory(dir).findings.filter((f) => f.rule === 'OBJECT_DUPLICATE');
      expect(finding.message).toContain('in list.yaml document 2 item 2 and already in list.yaml document 1');
    });
  });
});
