import { ExternalService, IngressRoutes, PodDisruptionBudget, ServiceAccount, TeamNamespace, renderApp } from '../../constructs';
import { catchBlueprintError, testChart } from '../helpers';

/*
 * Every construct that lives in a namespace takes it as the TeamNamespace of the app or by name
 * (NAMESPACE_SHAPE, namespaceName): passing the team object no longer fails to compile for some of them.
 */

const CONSTRUCTS: [string, (chart: any, ns: TeamNamespace | string) => { readonly namespace: string }][] = [
  [
    'ExternalService.fromHostName',
    (c, ns) => ExternalService.fromHostName(c, 'db', { namespace: ns, hostName: 'db.example.com', ports: [{ name: 'pg', port: 5432 }] }),
  ],
  [
    'ExternalService.fromAddresses',
    (c, ns) =>
      ExternalService.fromAddresses(c, 'mq', { namespace: ns, addresses: ['203.0.113.10'], ports: [{ name: 'amqps', port: 5671 }] }),
  ],
  ['IngressRoutes', (c, ns) => new IngressRoutes(c, 'routes', { namespace: ns, hosts: ['shop.example.com'], tlsSecretName: 'tls' })],
  ['ServiceAccount', (c, ns) => new ServiceAccount(c, 'sa', { namespace: ns })],
  [
    'PodDisruptionBudget',
    (c, ns) => new PodDisruptionBudget(c, 'pdb', { namespace: ns, name: 'web', selector: { app: 'web' }, minAvailable: 1 }),
  ],
];

test.each(CONSTRUCTS)('%s takes the TeamNamespace or its name, and renders the same namespace', (_name, make) => {
  const byTeam = testChart();
  const team = new TeamNamespace(byTeam.chart, 'shop');
  expect(make(byTeam.chart, team).namespace).toBe('shop');
  expect(make(testChart().chart, 'shop').namespace).toBe('shop');
  // An IngressRoutes without routes and TLS source does not render; the others render on their own.
  if (_name === 'IngressRoutes') return;
  const rendered = renderApp(byTeam.app).flatMap((r) => r.objects);
  expect(
    rendered.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== undefined).every((o) => o.metadata.namespace === 'shop'),
  ).toBe(true);
});

test.each(CONSTRUCTS)('%s: a namespace that is neither is PROPS_INVALID', (_name, make) => {
  const issue = catchBlueprintError(() => make(testChart().chart, 42 as never)).issues.find((i) => i.field === 'namespace');
  expect(issue?.code).toBe('PROPS_INVALID');
});
