import * as path from 'path';
import { ApiObject, App, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import {
  BlueprintChart,
  EnvValue,
  SecretBackend,
  SecretDeclaration,
  StatefulService,
  TeamNamespace,
  VerticalAutoscaler,
  WebService,
} from '../../constructs';
import { POSTGRES } from '../helpers';

/** The CRD's documents (crds/vpa-v1.yaml), read at the first build. */
let vpaCrd: any[] | undefined;

/**
 * A small consumer app: a CRD and its custom resource (the VPA must wait for the CRD),
 * a Secret from stack config (`dbPassword`), a data holder and a plain web service.
 */
export function consumerApp(): App {
  const app = new App();
  SecretBackend.use(app, SecretBackend.deployTool());
  const chart = new BlueprintChart(app, 'shop', { owner: 'shop-team' });
  // What cdk8s' Include builds from the file (the same objects, ids and paths), from its documents read once:
  // Include reads through Yaml.load, which starts a node process for every read (about 0.2 s), and the suites
  // build this app a dozen times.
  const crd = new Construct(chart, 'vpa-crd');
  for (const obj of (vpaCrd ??= Yaml.load(path.join(__dirname, '..', '..', 'crds', 'vpa-v1.yaml'))))
    new ApiObject(crd, `${obj.metadata.name}-${obj.kind.toLowerCase()}`, structuredClone(obj));
  const team = new TeamNamespace(chart, 'shop', { holdsData: true });
  const credentials = new SecretDeclaration(chart, 'db-credentials', {
    namespace: team,
    keys: ['password'],
    configKeys: { password: 'dbPassword' },
  });
  const db = new StatefulService(chart, 'db', {
    namespace: team,
    ...POSTGRES,
    writablePaths: ['/tmp', '/var/run/postgresql'],
    env: { PGDATA: '/var/lib/postgresql/data/pgdata', POSTGRES_PASSWORD: EnvValue.fromSecret(credentials, 'password') },
    claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '1Gi' }],
  });
  new VerticalAutoscaler(chart, 'db-vpa', { target: db });
  new WebService(chart, 'web', { namespace: team, image: 'nginxinc/nginx-unprivileged:1.27.2', ports: [{ name: 'http', port: 8080 }] });
  return app;
}
