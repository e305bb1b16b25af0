import { App, Chart } from 'cdk8s';
import { BlueprintError, Cpu, Memory, setClusterFacts } from '../../index';
import { clusterFactsOf } from '../../constructs/core/cluster-facts';

describe('setClusterFacts', () => {
  test('declares facts read below the scope; a nearer scope overrides a fact', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    setClusterFacts(app, { production: true, existingStorageClasses: ['gp3'] });
    expect(clusterFactsOf(chart)).toEqual({ production: true, existingStorageClasses: ['gp3'] });
    setClusterFacts(chart, { production: false, nodeAllocatable: { cpu: Cpu.parse('2'), memory: Memory.parse('4Gi') } });
    expect(clusterFactsOf(chart).production).toBe(false);
    expect(clusterFactsOf(chart).existingStorageClasses).toEqual(['gp3']);
    expect(clusterFactsOf(chart).nodeAllocatable?.cpu?.toString()).toBe('2');
    expect(clusterFactsOf(app).production).toBe(true);
  });

  test('untyped facts are PROPS_INVALID / PROPS_UNKNOWN, all reported together, never a TypeError', () => {
    const app = new App();
    let error: unknown;
    try {
      setClusterFacts(app, {
        production: 'yes',
        existingStorageClasses: 'gp3',
        namespacePodSecurity: { logging: 'root' },
        requireProbe: true,
      } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BlueprintError);
    const issues = (error as BlueprintError).issues;
    expect(issues.map((i) => [i.code, i.field])).toEqual(
      expect.arrayContaining([
        ['PROPS_INVALID', 'value.production'],
        ['PROPS_INVALID', 'value.existingStorageClasses'],
        ['PROPS_INVALID', 'value.namespacePodSecurity.logging'],
        ['PROPS_UNKNOWN', 'value.requireProbe'],
      ]),
    );
    expect(clusterFactsOf(app)).toEqual({});
    expect(() => setClusterFacts({} as never, {})).toThrow(BlueprintError);
  });
});
