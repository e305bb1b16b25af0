import { Construct } from 'constructs';
import {
  BatchJob,
  CheckedConstruct,
  EnvValue,
  JobPattern,
  PodField,
  Probe,
  ResourceField,
  ResourcePreset,
  ScheduledJob,
  StatefulService,
  StorageClass,
  TeamNamespace,
  Volume,
  WebService,
} from '../../constructs';
import { is } from '../../constructs/core/shape';

/** Props of `RandomGenerator`. */
export interface RandomGeneratorProps {
  readonly namespace: TeamNamespace;
  /** @default 'k8spatterns/random-generator:1.0' */
  readonly image?: string;
  /** Replicas of the service (PDB minAvailable 2 needs at least 3). @default 3 */
  readonly replicas?: number;
  /** StorageClass of the `logs` claim. */
  readonly storageClass: StorageClass | string;
}

/**
 * The batch runner: every image build since April 2019 keeps the class at
 * `/opt/RandomRunner.class`. It appends to its output file, so that file lives
 * in the writable scratch volume (`/tmp`), not on the read-only root.
 */
const RUNNER = ['java', '-cp', '/opt', 'RandomRunner', '/tmp/numbers.txt', '10000'];

/**
 * Probes every build of the image answers. The image tags were built from
 * Spring Boot 2.1.x as well as later poms, and the `/actuator/health/liveness`
 * and `/readiness` groups exist only from 2.3, so both use endpoints 2.1 has:
 * liveness the actuator's `/actuator/health`, as upstream's HealthProbe example
 * does (the app's `/toggle-live` flips it), and readiness the app's own `/info`
 * (it reads the environment; `/` would append to LOG_FILE on every probe).
 */
const READINESS = Probe.http('/info', 'http');
const LIVENESS = Probe.http('/actuator/health', 'http', { periodSeconds: 20 });

/** The shape of the props (checked at entry). */
const RANDOM_GENERATOR_SHAPE = is.props<RandomGeneratorProps>(
  {
    namespace: is.instance(TeamNamespace),
    image: is.string,
    replicas: is.number,
    storageClass: is.either(is.instance(StorageClass), is.string),
  },
  ['namespace', 'storageClass'],
);

/**
 * The random-generator examples of Kubernetes Patterns (002): a batch Job, a
 * CronJob every 3 minutes, a service with a PDB `minAvailable: 2`, a
 * StatefulSet `rg` with a 10Mi `logs` claim, Downward API env and volume, and
 * an init container rendering a config template into a shared volume.
 */
export class RandomGenerator extends CheckedConstruct<RandomGeneratorProps> {
  public readonly job: BatchJob;
  public readonly cron: ScheduledJob;
  public readonly service: WebService;
  public readonly stateful: StatefulService;

  constructor(scope: Construct, id: string, props: RandomGeneratorProps) {
    super(scope, id, props, 'RandomGenerator', RANDOM_GENERATOR_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const ns = props.namespace;
    const image = props.image ?? 'k8spatterns/random-generator:1.0';
    const batch = { namespace: ns, image, resources: ResourcePreset.MICRO } as const;
    this.job = new BatchJob(this, 'Job', {
      ...batch,
      name: 'random-generator-job',
      command: RUNNER,
      pattern: JobPattern.fixedCompletions(5, 2),
    });
    this.cron = new ScheduledJob(this, 'CronJob', {
      ...batch,
      name: 'random-generator-cron',
      schedule: '*/3 * * * *',
      command: RUNNER,
    });
    // One generated config file: bounded like every scratch directory.
    const config = Volume.emptyDir('config-directory', { sizeLimit: '16Mi' });
    const podinfo = Volume.downwardApi('pod-info');
    this.service = new WebService(this, 'Service', {
      namespace: ns,
      name: 'random-generator',
      image,
      replicas: props.replicas ?? 3,
      ports: [{ name: 'http', port: 8080 }],
      resources: ResourcePreset.SMALL,
      disruptionBudget: { minAvailable: 2 },
      readiness: READINESS,
      liveness: LIVENESS,
      env: {
        PATTERN: 'Downward API',
        POD_IP: EnvValue.fromField(PodField.POD_IP),
        NODE_NAME: EnvValue.fromField(PodField.NODE_NAME),
        MEMORY_LIMIT: EnvValue.fromResource(ResourceField.LIMITS_MEMORY, { divisor: '1Mi' }),
      },
      mounts: [
        { volume: podinfo, path: '/pod-info' },
        { volume: config, path: '/config', readOnly: true },
      ],
      initContainers: [
        {
          name: 'init-config',
          image: 'busybox:1.36',
          resources: ResourcePreset.MICRO,
          command: ['sh', '-c', 'echo "pattern=Init Container\nlog.level=info" > /config/app.properties'],
          mounts: [{ volume: config, path: '/config' }],
        },
      ],
    });
    this.stateful = new StatefulService(this, 'Stateful', {
      namespace: ns,
      name: 'rg',
      image,
      replicas: 2,
      ports: [{ name: 'http', port: 8080 }],
      resources: ResourcePreset.SMALL,
      env: { LOG_FILE: '/opt/logs/random.log' },
      readiness: READINESS,
      liveness: LIVENESS,
      claims: [{ name: 'logs', mountPath: '/opt/logs', size: '10Mi', storageClass: props.storageClass }],
    });
  }
}
