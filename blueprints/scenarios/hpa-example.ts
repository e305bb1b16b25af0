import { Construct } from 'constructs';
import { CheckedConstruct, ConfigMap, Probe, TeamNamespace, Volume, WebService } from '../../constructs';
import { is } from '../../constructs/core/shape';

/** Props of `HpaExample`. */
export interface HpaExampleProps {
  readonly namespace: TeamNamespace;
  /** @default 10 */
  readonly maxReplicas?: number;
  /** @default 1 (2 or more in production) */
  readonly minReplicas?: number;
  /**
   * The notes use the untagged `k8s.gcr.io/hpa-example`; pin what you verified.
   * @default 'registry.k8s.io/hpa-example:1.0'
   */
  readonly image?: string;
}

/** The shape of the props (checked at entry). */
const HPA_EXAMPLE_SHAPE = is.props<HpaExampleProps>(
  {
    namespace: is.instance(TeamNamespace),
    maxReplicas: is.number,
    minReplicas: is.number,
    image: is.string,
  },
  ['namespace'],
);

/**
 * Apache's listeners, moved from 80 to 8080: the image's `ports.conf` says
 * `Listen 80`, which a non-root user with no capabilities cannot bind.
 */
const PORTS_CONF = 'Listen 8080\n';

/** The image's default site (DocumentRoot /var/www/html, logs to the container's stdout/stderr), on 8080. */
const DEFAULT_SITE = `<VirtualHost *:8080>
  ServerAdmin webmaster@localhost
  DocumentRoot /var/www/html
  ErrorLog \${APACHE_LOG_DIR}/error.log
  CustomLog \${APACHE_LOG_DIR}/access.log combined
</VirtualHost>
`;

/**
 * hpa-example (003 §4-10): a 200m CPU request and an HPA that targets 50%
 * CPU (i.e. 100m per pod) between 1 and 10 replicas.
 *
 * The image is `php:5-apache` plus an index.php. Apache's `Listen 80` and its
 * `<VirtualHost *:80>` site are replaced from a ConfigMap with 8080, so it runs
 * as non-root with every capability dropped and no sysctl (the Service still
 * answers on 80). It writes its pid and lock files under /var/run/apache2 and
 * /var/lock/apache2 (it exits when it cannot), so both are scratch volumes;
 * Apache keeps running as that user instead of switching to www-data.
 */
export class HpaExample extends CheckedConstruct<HpaExampleProps> {
  public readonly service: WebService;

  constructor(scope: Construct, id: string, props: HpaExampleProps) {
    super(scope, id, props, 'HpaExample', HPA_EXAMPLE_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const apacheConfig = new ConfigMap(this, 'ApacheConfig', {
      namespace: props.namespace.name,
      name: 'apache-config',
      files: { 'ports.conf': PORTS_CONF, '000-default.conf': DEFAULT_SITE },
    });
    const config = Volume.fromConfigMap(apacheConfig);
    this.service = new WebService(this, 'Service', {
      namespace: props.namespace,
      name: 'hpa-example',
      image: props.image ?? 'registry.k8s.io/hpa-example:1.0',
      ports: [{ name: 'http', port: 8080 }],
      servicePorts: [{ name: 'http', port: 80, targetPort: 'http' }],
      resources: { requests: { cpu: '200m', memory: '64Mi' }, limits: { cpu: '400m', memory: '128Mi' } },
      autoscaling: { minReplicas: props.minReplicas ?? 1, maxReplicas: props.maxReplicas ?? 10, cpuUtilization: 50 },
      readiness: Probe.http('/', 'http'),
      liveness: Probe.tcp('http', { periodSeconds: 20 }),
      mounts: [
        { volume: config, path: '/etc/apache2/ports.conf', subPath: 'ports.conf' },
        { volume: config, path: '/etc/apache2/sites-enabled/000-default.conf', subPath: '000-default.conf' },
      ],
      writablePaths: ['/tmp', '/var/run/apache2', '/var/lock/apache2'],
    });
  }
}
