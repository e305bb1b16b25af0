import { renderSvg, toDot } from '../../constructs';
import { UNPRINTABLE, good } from '../rules/fixture';
import { paths, setAt } from '../object-paths';
import { deepFrozen } from '../helpers';

describe('diagram', () => {
  test('DOT has namespaces, workloads, Services, routes, HPA/PDB and allowed paths; Graphviz renders it', async () => {
    const dot = toDot(good(), 'test');
    expect(dot).toContain('subgraph "cluster_shop"');
    expect(dot).toContain('"Ingress/shop/ing" -> "Service/shop/web" [label="/"]');
    expect(dot).toContain('"Deployment/shop/web" -> "StatefulSet/shop/db" [color="#dc2626", label="5432"]');
    expect(dot).toContain('HPA 2–4');
    const svg = await renderSvg(dot);
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
  });

  test('malformed foreign YAML at any path (a map with toString/valueOf keys, a list, text where a list goes) is drawn, never a throw', async () => {
    // Frozen, and shared by every try but the object a try changes (a fresh copy): a diagram that wrote to its input
    // throws here instead of changing what the next try reads. Copying all of good() per try was most of this test.
    const base = deepFrozen(good());
    let tried = 0;
    for (const [i, o] of base.entries())
      for (const at of paths(o).filter((p) => p.length > 1))
        for (const value of [UNPRINTABLE(), ['x'], 'x']) {
          const objects = [...base];
          objects[i] = structuredClone(o);
          setAt(objects[i], at, value);
          expect(() => toDot(objects, 'test')).not.toThrow();
          tried++;
        }
    expect(tried).toBeGreaterThan(1000);
    // Graphviz parses what a hostile name makes of the DOT source: quotes and a trailing backslash are escaped.
    const objects = good();
    objects[0].metadata.name = 'a"b\\';
    objects[1].metadata.namespace = UNPRINTABLE();
    await expect(renderSvg(toDot(objects, 'x\\'))).resolves.toContain('</svg>');
    // Over a thousand diagrams and one Graphviz render: about 2 s alone, and past jest's 5 s default on a loaded 2-core host.
  }, 30_000);
});
