import { arr, isObject, podTemplateOf, readingObjects, selects } from '../rules/manifest-index';
import { checkArgs, is } from '../core/shape';
import { text } from '../core/value-issues';
import { BlueprintError } from '../core/errors';

/*
 * A Graphviz (DOT) picture of an environment: namespaces as clusters,
 * workloads, Services, ingress routes, HPAs/PDBs, external mappings and the
 * network paths NetworkPolicies allow. Layout is Graphviz's (rendered by
 * @viz-js/viz, Graphviz compiled to WebAssembly); nothing here places nodes.
 * Foreign YAML may hold any value anywhere: every value reaches the DOT source
 * through `text` (a map is `[map]`, never a throw), every list through `arr`.
 */

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);
/** A DOT quoted string of `s` (backslashes and quotes escaped: a name ending in '\\' must not escape the closing quote). */
const q = (s: unknown) => `"${text(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
/** Code-unit order of `text` (as `sort()` orders strings). */
const byText = (a: unknown, b: unknown) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0);
const id = (o: any) => q(`${o.kind}/${text(o.metadata.namespace ?? '')}/${o.metadata.name}`);

/** DOT source for `objects`. */
export function toDot(objects: readonly unknown[], title = 'cluster'): string {
  checkArgs('toDot', ['objects', objects, is.list(is.any)], ['title', title, is.string]);
  return readingObjects('toDot', objects, () => dotOf(objects, title));
}

function dotOf(objects: readonly any[], title: string): string {
  const lines = [
    `digraph ${q(title)} {`,
    '  rankdir=LR; compound=true; fontname="Helvetica"; node [fontname="Helvetica", fontsize=10, style=filled, fillcolor=white]; edge [fontname="Helvetica", fontsize=8];',
    `  label=${q(title)}; labelloc=t;`,
  ];
  // Objects with a kind and a name in text; a namespace that is no text stands in the diagram as written (`[map]`).
  const kube = objects.filter(
    (o) => isObject(o) && typeof o.kind === 'string' && isObject(o.metadata) && typeof o.metadata.name === 'string',
  );
  const namespaces = [...new Set(kube.map((o) => o.metadata.namespace).filter(Boolean))].sort(byText);
  const shapes: Record<string, string> = {
    Deployment: 'box',
    StatefulSet: 'box3d',
    DaemonSet: 'component',
    Job: 'cds',
    CronJob: 'cds',
    Service: 'ellipse',
    Ingress: 'house',
    HorizontalPodAutoscaler: 'note',
    PodDisruptionBudget: 'note',
  };
  for (const ns of namespaces) {
    lines.push(`  subgraph ${q(`cluster_${text(ns)}`)} {`, `    label=${q(ns)}; style=rounded; color=gray60;`);
    for (const o of kube.filter((x) => x.metadata.namespace === ns)) {
      if (WORKLOADS.has(o.kind))
        lines.push(`    ${id(o)} [label=${q(`${o.metadata.name}\n${o.kind}`)}, shape=${shapes[o.kind]}, fillcolor="#dbeafe"];`);
      else if (o.kind === 'Service') {
        const ext = o.spec?.type === 'ExternalName' || !o.spec?.selector;
        lines.push(
          `    ${id(o)} [label=${q(`${o.metadata.name}\nService${ext ? ' (external)' : o.spec?.clusterIP === 'None' ? ' (headless)' : ''}`)}, shape=ellipse, fillcolor=${ext ? '"#fde68a"' : '"#dcfce7"'}];`,
        );
      } else if (o.kind === 'Ingress')
        lines.push(
          `    ${id(o)} [label=${q(`${text(arr(o.spec?.rules)[0]?.host ?? o.metadata.name)}\nIngress`)}, shape=house, fillcolor="#fce7f3"];`,
        );
      else if (o.kind === 'HorizontalPodAutoscaler')
        lines.push(
          `    ${id(o)} [label=${q(`HPA ${text(o.spec?.minReplicas ?? 1)}–${text(o.spec?.maxReplicas)}`)}, shape=note, fillcolor="#f3f4f6"];`,
        );
      else if (o.kind === 'PodDisruptionBudget')
        lines.push(
          `    ${id(o)} [label=${q(`PDB ${o.spec?.minAvailable !== undefined ? `min ${text(o.spec.minAvailable)}` : `maxUnavail ${text(o.spec?.maxUnavailable)}`}`)}, shape=note, fillcolor="#f3f4f6"];`,
        );
    }
    lines.push('  }');
  }
  const templates = kube.filter((o) => WORKLOADS.has(o.kind)).map((o) => ({ o, labels: podTemplateOf(o)?.metadata?.labels ?? {} }));
  const edges = new Set<string>();
  const edge = (a: string, b: string, attrs: string) => edges.add(`  ${a} -> ${b} [${attrs}];`);
  for (const s of kube.filter((o) => o.kind === 'Service')) {
    for (const t of templates.filter(
      (t) => t.o.metadata.namespace === s.metadata.namespace && s.spec?.selector && selects(s.spec.selector, t.labels),
    ))
      edge(id(s), id(t.o), 'color=gray40');
    if (!s.spec?.selector && s.spec?.type !== 'ExternalName') {
      for (const slice of kube.filter(
        (o) =>
          o.kind === 'EndpointSlice' &&
          o.metadata.namespace === s.metadata.namespace &&
          o.metadata.labels?.['kubernetes.io/service-name'] === s.metadata.name,
      )) {
        for (const a of arr(slice.endpoints).flatMap((e: any) => arr(e?.addresses)))
          edges.add(
            `  ${id(s)} -> ${q(`ip:${text(a)}`)} [style=dashed];\n  ${q(`ip:${text(a)}`)} [label=${q(a)}, shape=cylinder, fillcolor="#fef3c7"];`,
          );
      }
    }
    if (s.spec?.type === 'ExternalName')
      edges.add(
        `  ${id(s)} -> ${q(`ext:${text(s.spec.externalName)}`)} [style=dashed];\n  ${q(`ext:${text(s.spec.externalName)}`)} [label=${q(s.spec.externalName)}, shape=cylinder, fillcolor="#fef3c7"];`,
      );
  }
  for (const i of kube.filter((o) => o.kind === 'Ingress')) {
    for (const p of arr(i.spec?.rules).flatMap((r: any) => arr(r?.http?.paths))) {
      const svc = kube.find(
        (o) => o.kind === 'Service' && o.metadata.namespace === i.metadata.namespace && o.metadata.name === p?.backend?.service?.name,
      );
      if (svc) edge(id(i), id(svc), `label=${q(p.path ?? '')}`);
    }
  }
  for (const h of kube.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const t = kube.find(
      (o) =>
        o.kind === h.spec?.scaleTargetRef?.kind &&
        o.metadata.namespace === h.metadata.namespace &&
        o.metadata.name === h.spec?.scaleTargetRef?.name,
    );
    if (t) edge(id(h), id(t), 'style=dotted, arrowhead=none');
  }
  for (const p of kube.filter((o) => o.kind === 'PodDisruptionBudget')) {
    for (const t of templates.filter((t) => t.o.metadata.namespace === p.metadata.namespace && selects(p.spec?.selector, t.labels)))
      edge(id(p), id(t.o), 'style=dotted, arrowhead=none');
  }
  // Allowed paths: egress rules of policies that select specific pods, to the pods or blocks they allow.
  for (const np of kube.filter((o) => o.kind === 'NetworkPolicy' && Object.keys(o.spec?.podSelector?.matchLabels ?? {}).length)) {
    const from = templates.filter((t) => t.o.metadata.namespace === np.metadata.namespace && selects(np.spec.podSelector, t.labels));
    for (const rule of arr(np.spec?.egress)) {
      for (const peer of arr(rule?.to)) {
        if (!isObject(peer)) continue;
        if (peer.namespaceSelector && !Object.keys(peer.namespaceSelector.matchLabels ?? {}).length && !peer.podSelector) {
          edges.add(`  ${q('all-namespaces')} [label="every namespace", shape=tab, fillcolor="#ede9fe"];`);
          for (const f of from) edge(id(f.o), q('all-namespaces'), 'color="#dc2626"');
          continue;
        }
        const ns = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? np.metadata.namespace;
        const targets = peer.ipBlock
          ? []
          : templates.filter((t) => t.o.metadata.namespace === ns && (!peer.podSelector || selects(peer.podSelector, t.labels)));
        const label = arr(rule.ports)
          .map((p: any) => text(p?.port))
          .join(',');
        for (const f of from) {
          if (peer.ipBlock) {
            const node = q(`cidr:${text(peer.ipBlock.cidr)}`);
            edges.add(`  ${node} [label=${q(peer.ipBlock.cidr)}, shape=cylinder, fillcolor="#fef3c7"];`);
            edge(id(f.o), node, `color="#dc2626", label=${q(label)}`);
          } else {
            for (const t of targets) if (t.o !== f.o) edge(id(f.o), id(t.o), `color="#dc2626", label=${q(label)}`);
          }
        }
      }
    }
  }
  lines.push(...[...edges].sort(), '}');
  return lines.join('\n');
}

/** Renders DOT to SVG with Graphviz compiled to WebAssembly (@viz-js/viz). */
export async function renderSvg(dot: string): Promise<string> {
  checkArgs('renderSvg', ['dot', dot, is.string]);
  const { instance } = require('@viz-js/viz') as typeof import('@viz-js/viz');
  const viz = await instance();
  const result = viz.render(dot, { format: 'svg' });
  if (result.status === 'success') return result.output;
  // What Graphviz could not read is the argument's fault: its own messages say where.
  const errors = result.errors.filter((e) => e.level === 'error').map((e) => e.message.trim());
  throw new BlueprintError({
    code: 'PROPS_INVALID',
    path: '',
    construct: 'renderSvg',
    field: 'dot',
    value: dot.length > 64 ? `${dot.slice(0, 61)}...` : dot,
    message: `is not DOT that Graphviz can draw: ${errors.join('; ') || 'rendering failed'}`,
    fix: 'pass the DOT source toDot() makes, or DOT of the Graphviz language',
  });
}
