import { Construct, IConstruct } from 'constructs';
import {
  BackupPolicy,
  BackupSchedule,
  BlueprintChart,
  ClusterIssuer,
  ClusterIssuerProps,
  ClusterSecretStore,
  ClusterSecretStoreProps,
  BlueprintError,
  ComputeResources,
  IRoutable,
  IngressRoutes,
  PodSecurityLevel,
  PreemptionPolicy,
  PriorityClass,
  QuotaLimits,
  QuotaPreset,
  ReclaimPolicy,
  StorageClass,
  TeamAccessProps,
  TeamNamespace,
} from '../constructs';
import { ClusterFacts, addClusterFacts, clusterFactsOf } from '../constructs/core/cluster-facts';
import { Problems, fieldRoot } from '../constructs/core/errors';
import { NameRule, dns1123LabelOf, isLabelValue, nameIssue } from '../constructs/core/names';
import { checkArgs, createdBy, enterPartial, is } from '../constructs/core/shape';
import { COMPUTE_SHAPE, resolveCompute } from '../constructs/core/resources';
import { Descheduler } from './descheduler';
import { ingressHostIssue } from '../constructs/networking/ingress-routes';
import { Monitoring } from './monitoring';

const PLATFORM_CONTEXT = 'cluster-blueprints.io/platform';

/** Pinned defaults of the platform's storage. */
const DEFAULTS = {
  provisioner: 'ebs.csi.aws.com',
  /** EBS general-purpose SSD, only for the EBS driver: the key and its value mean nothing, or are refused, elsewhere. */
  ebsParameters: { type: 'gp3' },
} as const;

/** A team of the platform. */
export interface PlatformTeam {
  readonly name: string;
  /** @default QuotaPreset.SMALL */
  readonly quota?: QuotaPreset | QuotaLimits;
  /** Groups bound to view/edit/admin. @default - no bindings */
  readonly access?: TeamAccessProps;
  /** @default false */
  readonly holdsData?: boolean;
  /**
   * Back up the whole namespace with the platform's `backups`, when it has any (a Velero Schedule `team-<name>`). Set
   * false where the team's data holders declare their own backups (`StatefulService.backUp()`): two Schedules would
   * copy the same volumes twice.
   * @default - the team's `holdsData`
   */
  readonly backUp?: boolean;
}

/** A public route to a team's service. */
export interface PlatformRoute {
  readonly path: string;
  readonly backend: IRoutable;
  /** Service port name. @default - the backend's first port */
  readonly port?: string;
}

/** Props of `ClusterPlatform`. */
export interface ClusterPlatformProps {
  /** The environment's name: `app.kubernetes.io/part-of: platform-<environment>` on every object; `prod` and `production` also declare `production`. */
  readonly environment: string;
  /**
   * A production environment. Declared (here or by the environment's name), the platform declares it on every chart
   * it creates as the cluster facts `production` and, when true, `requireProbes`: serving workloads in its teams must
   * keep two pods or more (HA_SINGLE_REPLICA), every container that serves a port needs a readiness probe and every
   * long-running one a liveness probe, and its namespaces are labelled `cluster-blueprints.io/environment:
   * production`. Charts built beside the platform read the facts of their own scope: declare them there with
   * `setClusterFacts(app, …)`. A different value of either fact declared above the platform is refused
   * (`CLUSTER_FACTS_CONFLICT`) rather than silently overridden.
   * @default - true when `environment` is `prod` or `production` (in any case); otherwise undeclared: the platform's
   *   charts read the cluster facts declared above them (`setClusterFacts`), else not production
   */
  readonly production?: boolean;
  /**
   * The teams: each gets its chart `team-<name>` and a governed `TeamNamespace` `<name>` (names are DNS labels,
   * each given once). An empty list makes a platform of the cluster parts and monitoring alone.
   */
  readonly teams: readonly PlatformTeam[];
  /** Allocatable CPU/memory of one node, for NODE_TOO_SMALL. @default - unknown */
  readonly nodeAllocatable?: ComputeResources;
  /** CSI provisioner for the storage classes. @default 'ebs.csi.aws.com' */
  readonly provisioner?: string;
  /**
   * Parameters of the storage classes `data` and `scratch`, handed to the provisioner as they are. Each driver reads
   * its own keys (EBS `type`, Azure Disk `skuName`, GCE PD `type: pd-balanced`…), and some refuse a key they do not
   * know: choose them with the provisioner. A StorageClass's parameters cannot be changed once it exists (changing
   * them replaces the classes).
   * @default - `{ type: 'gp3' }` for `ebs.csi.aws.com`; none for any other provisioner (the driver's own defaults)
   * @see https://kubernetes.io/docs/concepts/storage/storage-classes/#parameters
   */
  readonly storageParameters?: Readonly<Record<string, string>>;
  /** Zones storage may be created in. @default - any */
  readonly zones?: readonly string[];
  /** Public host for ingress routes. @default - no ingress */
  readonly host?: string;
  /** Scrape targets Prometheus is sized for. @default 200 */
  readonly monitoringTargets?: number;
  /** Prometheus replicas. @default 1 */
  readonly monitoringReplicas?: number;
  /** Federate these Prometheus servers. @default - none */
  readonly federate?: readonly string[];
  /** @default '*\/15 * * * *' */
  readonly deschedulerSchedule?: string;
  /**
   * The External Secrets Operator store the platform's Secrets are read from.
   * @default - none: the environment names a store that exists in the cluster
   */
  readonly secretStore?: ClusterSecretStoreProps;
  /**
   * The cert-manager ClusterIssuer that issues the ingress certificates.
   * @default - none: routes' TLS Secrets must come from elsewhere
   */
  readonly certificateIssuer?: ClusterIssuerProps;
  /**
   * Velero backups of the data in the namespaces the platform creates: the Prometheus of `monitoring`
   * (`Monitoring.backUp`, a Schedule `monitoring-prometheus`) and every team that `holdsData` (a Schedule
   * `team-<name>` of its namespace, unless the team sets `backUp: false`). Velero must run in the cluster (its
   * namespace, `veleroNamespace`, is not the platform's). `false` backs up nothing: in production the check then
   * warns BACKUP_MISSING for every data holder there, the Prometheus included.
   * @default - in production (the platform's `production`, or the cluster facts above it): BackupSchedule's defaults,
   *   daily at 03:00 UTC, kept 30 days, in Velero's default storage location; otherwise none
   * @see https://velero.io/docs/main/api-types/schedule/
   */
  readonly backups?: BackupPolicy | false;
}

/** What route() reads of its argument before the IngressRoutes it makes checks the route. */
const PLATFORM_ROUTE_SHAPE = is.object({ path: is.string, backend: is.object({ namespace: is.string }, ['namespace']), port: is.string }, [
  'path',
  'backend',
]);

/** The shape of the props (checked at entry; each part checks its own props). */
const CLUSTER_PLATFORM_SHAPE = is.props<ClusterPlatformProps>(
  {
    environment: is.string,
    production: is.boolean,
    teams: is.list(
      is.props<PlatformTeam>({ name: is.string, quota: is.any, access: is.any, holdsData: is.boolean, backUp: is.boolean }, ['name']),
    ),
    nodeAllocatable: COMPUTE_SHAPE,
    provisioner: is.string,
    storageParameters: is.map(is.string),
    zones: is.list(is.string),
    host: is.string,
    monitoringTargets: is.number,
    monitoringReplicas: is.number,
    federate: is.list(is.string),
    deschedulerSchedule: is.string,
    secretStore: is.object({}),
    certificateIssuer: is.object({}),
    // The policy's fields are checked by the Schedules it makes (BACKUP_*), under backups.<field>.
    backups: is.either(is.oneOf([false], 'false'), is.object({})),
  },
  ['environment', 'teams'],
);

/** Namespaces the platform makes itself: a team of the same name would render each of their objects twice. */
const PLATFORM_NAMESPACES = ['monitoring', 'descheduler'];

/** The props of a team that reach its TeamNamespace under the same names. */
const TEAM_FIELDS = new Set(['name', 'quota', 'access', 'holdsData']);

/**
 * Builds the platform's parts one after another into `problems`: a part's
 * `BlueprintError` is recorded instead of stopping the others. `own` names the
 * platform prop a part's field comes from (`targets` → `monitoringTargets`);
 * such an issue is reported as the platform's, others keep the part's path.
 */
function partsOf(problems: Problems) {
  return {
    attempt<T>(build: () => T, own?: (field: string) => string | undefined): T | undefined {
      try {
        return build();
      } catch (e) {
        if (!(e instanceof BlueprintError)) throw e;
        for (const issue of e.issues) {
          const field = own?.(issue.field);
          problems.add(field === undefined ? issue : { ...issue, field, path: undefined, construct: undefined });
        }
        return undefined;
      }
    },
  };
}

/**
 * Records the issues of `nodeAllocatable` (its quantities); returns whether the charts can take it. Judged here, as
 * every chart would throw on it, outside the parts, and hide every other problem of the platform.
 */
function nodeAllocatableOk(problems: Problems, props: ClusterPlatformProps): boolean {
  resolveCompute(problems, 'nodeAllocatable', props.nodeAllocatable);
  // Its shape issues (recorded at entry) count too: the charts' own entry checks would refuse the same value.
  return !problems.issues.some((i) => fieldRoot(i.field) === 'nodeAllocatable');
}

/** Records the issues of `environment` and `host`; returns whether `environment` is usable. */
function ownPropIssues(problems: Problems, props: ClusterPlatformProps, environmentGiven: boolean): boolean {
  const partOf = `platform-${props.environment}`;
  // An environment of the wrong shape is reported already: no second issue on it.
  const envOk =
    environmentGiven &&
    problems.check(!isLabelValue(partOf), {
      code: 'NAME_INVALID',
      field: 'environment',
      value: props.environment,
      message: `makes the label value '${partOf}' (app.kubernetes.io/part-of of every object), which is not a valid label value`,
      fix: "use at most 54 characters of letters, digits, '-', '_' and '.', ending with a letter or digit, e.g. 'prod'",
    });
  // The host of every route, judged now rather than at the first route().
  if (props.host !== undefined) problems.addAll(ingressHostIssue('host', props.host));
  return envOk;
}

/** Environment names that declare production by themselves. */
const PRODUCTION_NAMES = new Set(['prod', 'production']);

/**
 * The cluster facts the platform declares on its charts (`production`, and `requireProbes` with it), or undefined when
 * it declares none; each one that differs from the fact declared above the platform (`above`) is recorded instead.
 */
function platformFacts(problems: Problems, props: ClusterPlatformProps, above: ClusterFacts): ClusterFacts | undefined {
  const byName = PRODUCTION_NAMES.has(props.environment.toLowerCase());
  const production = props.production ?? (byName ? true : undefined);
  if (production === undefined) return undefined;
  const field = props.production === undefined ? 'environment' : 'production';
  const why = props.production === undefined ? `environment '${props.environment}' declares production` : `production is ${production}`;
  const own: ClusterFacts = production ? { production, requireProbes: true } : { production };
  let ok = true;
  for (const fact of ['production', 'requireProbes'] as const) {
    const declared = above[fact];
    if (own[fact] === undefined || declared === undefined || declared === own[fact]) continue;
    ok = false;
    problems.add({
      code: 'CLUSTER_FACTS_CONFLICT',
      field,
      value: field === 'environment' ? props.environment : production,
      message: `makes the platform declare the cluster fact ${fact}: ${own[fact]} (${why}), but setClusterFacts declares ${fact}: ${declared} above it`,
      fix:
        fact === 'production'
          ? `declare production once: set production: ${declared} on the platform, or ${production} in setClusterFacts`
          : 'a production platform requires probes: remove requireProbes: false from setClusterFacts, or set production: false on the platform',
    });
  }
  return ok ? own : undefined;
}

/**
 * Records the issues of the team names (each a namespace name, the chart's owner label and the chart's id, so a
 * DNS-1123 label; not a namespace of the platform; each once); returns, per team, whether its name is usable.
 */
function teamNameIssues(problems: Problems, teams: readonly PlatformTeam[]): boolean[] {
  return teams.map((t, i) => {
    const field = `teams[${i}].name`;
    const issue = nameIssue(NameRule.DNS1123_LABEL, field, t.name);
    if (issue) {
      problems.add(issue);
      return false;
    }
    return (
      problems.check(PLATFORM_NAMESPACES.includes(t.name), {
        code: 'NAME_INVALID',
        field,
        value: t.name,
        message: 'is a namespace the platform makes itself',
        fix: `give the team another name than ${PLATFORM_NAMESPACES.join(' or ')}`,
      }) &&
      problems.check(teams.findIndex((x) => x.name === t.name) < i, {
        code: 'NAME_INVALID',
        field,
        value: t.name,
        message: 'is given to two teams',
        fix: 'give each team its own name',
      })
    );
  });
}

/**
 * A multi-team platform (the scenarios of the notes): governed team
 * namespaces, priority classes, storage classes (`storage.data`, reclaimPolicy
 * Retain, is the `defaultStorageClass` of every team: a claim made there that
 * names no class keeps its volume when the claim goes), a monitoring stack, the
 * descheduler, and ingress routes added with `route()`. Each part lives in
 * its own chart: `cluster` (cluster-scoped objects), `monitoring`, and
 * `team-<name>` per team. A production platform (`production`, or an
 * environment named `prod`) declares the production cluster facts on them,
 * and backs up the data of its namespaces with Velero Schedules (`backups`).
 *
 * The platform owns what it creates: `charts` lists its charts, and
 * `ClusterPlatform.of(c)` finds the platform of any construct inside them.
 * The charts stay siblings of the platform in the tree on purpose: their
 * paths name the output files, the objects and the Pulumi resources, so
 * moving them under the platform would replace live objects.
 */
export class ClusterPlatform extends Construct {
  /** The platform that created the chart `construct` lives in, if any. */
  public static of(construct: IConstruct): ClusterPlatform | undefined {
    checkArgs('ClusterPlatform.of', ['construct', construct, is.construct]);
    const owner = construct.node.tryGetContext(PLATFORM_CONTEXT);
    return owner instanceof ClusterPlatform ? owner : undefined;
  }

  public readonly clusterChart: BlueprintChart;
  /** Every chart the platform created, in creation order: `cluster`, `monitoring`, then one per team. */
  public readonly charts: readonly BlueprintChart[];
  public readonly teams: ReadonlyMap<string, TeamNamespace>;
  public readonly teamCharts: ReadonlyMap<string, BlueprintChart>;
  public readonly priorities: {
    readonly critical: PriorityClass;
    readonly high: PriorityClass;
    readonly standard: PriorityClass;
    readonly batch: PriorityClass;
  };
  /**
   * `data` (reclaimPolicy Retain): the default class of every team's claims and of Prometheus's; `scratch`
   * (Delete): for claims that name it, whose data may go with them.
   */
  public readonly storage: { readonly data: StorageClass; readonly scratch: StorageClass };
  public readonly monitoring: Monitoring;
  public readonly descheduler: Descheduler;
  /** The ClusterSecretStore, when `secretStore` is set. */
  public readonly secretStore?: ClusterSecretStore;
  /** The ClusterIssuer, when `certificateIssuer` is set. */
  public readonly issuer?: ClusterIssuer;
  /**
   * The backup policy of the platform (`backups` resolved), for the data holders teams add:
   * `ledger.backUp(platform.backupPolicy)`; undefined when the platform backs up nothing.
   */
  public readonly backupPolicy?: BackupPolicy;
  /** The Velero Schedules the platform made: monitoring's, then one per team backed up. */
  public readonly backups: readonly BackupSchedule[];
  private readonly props: ClusterPlatformProps;
  private readonly ingresses = new Map<string, IngressRoutes>();

  constructor(scope: Construct, id: string, props: ClusterPlatformProps) {
    // A prop of the wrong shape is reported and left out (enterPartial), so that the platform's other props, teams and
    // parts are still judged: the platform is where several mistakes at once are likeliest. The two required props
    // get neutral stand-ins then (no environment label, no teams), which add no issue of their own.
    const { problems, props: own } = enterPartial(scope, id, props, 'ClusterPlatform', CLUSTER_PLATFORM_SHAPE);
    const environmentGiven = typeof own.environment === 'string';
    props = { ...own, environment: own.environment ?? '', teams: own.teams ?? [] }; // the caller's object is not read again
    super(scope, id);
    this.props = props;
    // The platform's own props first, under their own names; then each part is built on its own, so that a bad
    // team or store does not hide the problems of the others, and every issue is thrown together at the end.
    const envOk = ownPropIssues(problems, props, environmentGiven);
    const allocatableOk = nodeAllocatableOk(problems, props);
    // Read from the scope: the platform's own node has no facts, its charts are siblings of it.
    const facts = platformFacts(problems, props, clusterFactsOf(this));
    const teamOk = teamNameIssues(problems, props.teams);
    const parts = partsOf(problems);
    const charts: BlueprintChart[] = [];
    this.charts = charts;
    const chart = (name: string, owner: string) => {
      // A bad environment is already reported: the charts go on without it so that the parts are still judged.
      const partOf = envOk ? `platform-${props.environment}` : undefined;
      // A bad nodeAllocatable (reported above) would throw here and hide the rest: the charts go on without it.
      const nodeAllocatable = allocatableOk ? props.nodeAllocatable : undefined;
      const c = createdBy(this, () => new BlueprintChart(scope, name, { owner, partOf, nodeAllocatable }));
      // The ownership edge: every construct in the chart finds its platform (context set before any child exists).
      c.node.setContext(PLATFORM_CONTEXT, this);
      // Declared before any child exists: the namespaces and workloads read them as they are built.
      if (facts) addClusterFacts(c, facts);
      charts.push(c);
      return c;
    };
    this.clusterChart = chart('cluster', 'platform');
    this.priorities = {
      critical: new PriorityClass(this.clusterChart, 'platform-critical', {
        value: 100_000,
        description: 'Platform services: monitoring, ingress.',
      }),
      // Also the data holders' (dataDefault): a user-facing scale-up at a higher class would preempt a database
      // replica before the autoscaler adds a node; at the same value it preempts none.
      high: new PriorityClass(this.clusterChart, 'high', {
        value: 10_000,
        dataDefault: true,
        description: 'User-facing services, and the data holders they keep.',
      }),
      standard: new PriorityClass(this.clusterChart, 'standard', { value: 1_000, globalDefault: true, description: 'Everything else.' }),
      batch: new PriorityClass(this.clusterChart, 'batch', {
        value: 100,
        preemptionPolicy: PreemptionPolicy.NEVER,
        description: 'Batch work that never preempts.',
      }),
    };
    const { certificateIssuer, secretStore } = props;
    if (certificateIssuer) this.issuer = parts.attempt(() => new ClusterIssuer(this.clusterChart, 'issuer', certificateIssuer));
    if (secretStore) this.secretStore = parts.attempt(() => new ClusterSecretStore(this.clusterChart, 'secret-store', secretStore));
    const provisioner = props.provisioner ?? DEFAULTS.provisioner;
    // gp3 is an EBS volume type: another driver refuses the key (Azure Disk) or finds no disk type of that name (GCE PD).
    const parameters = props.storageParameters ?? (provisioner === DEFAULTS.provisioner ? DEFAULTS.ebsParameters : undefined);
    const storageClass = (name: string, reclaimPolicy: ReclaimPolicy) =>
      parts.attempt(
        () => new StorageClass(this.clusterChart, name, { provisioner, parameters, reclaimPolicy, zones: props.zones }),
        // provisioner, parameters and zones are the platform's props (parameters under the name storageParameters).
        (field) =>
          field === 'provisioner' || fieldRoot(field) === 'zones'
            ? field
            : fieldRoot(field) === 'parameters'
              ? `storage${field[0].toUpperCase()}${field.slice(1)}`
              : undefined,
      );
    const data = storageClass('data', ReclaimPolicy.RETAIN);
    // Both classes take the same provisioner and zones: a problem of theirs is reported once, by 'data'.
    this.storage = { data: data!, scratch: (data && storageClass('scratch', ReclaimPolicy.DELETE))! };

    const monitoringChart = chart('monitoring', 'platform');
    const monitoringNs = new TeamNamespace(monitoringChart, 'monitoring', {
      quota: QuotaPreset.MEDIUM,
      holdsData: true,
      access: { admin: ['platform'] },
      defaultStorageClass: this.storage.data,
    });
    // Monitoring is judged even when the data class failed (without a class: the platform throws anyway).
    const dataClass = this.storage.data;
    const monitoringFields: Readonly<Record<string, string>> = { targets: 'monitoringTargets', replicas: 'monitoringReplicas' };
    this.monitoring = parts.attempt(
      () =>
        new Monitoring(monitoringChart, 'Monitoring', {
          namespace: monitoringNs,
          targets: props.monitoringTargets ?? 200,
          replicas: props.monitoringReplicas,
          storageClass: dataClass,
          federate: props.federate,
          priorityClass: this.priorities.critical,
        }),
      (field) => monitoringFields[field] ?? (fieldRoot(field) === 'federate' ? field : undefined),
    )!;
    this.descheduler = parts.attempt(
      () =>
        new Descheduler(monitoringChart, 'Descheduler', {
          namespace: new TeamNamespace(monitoringChart, 'descheduler', { quota: QuotaPreset.SMALL }),
          schedule: props.deschedulerSchedule,
          // Not critical: a run can wait for the autoscaler, and must not preempt the data holders (at high) to start.
          priorityClass: this.priorities.high,
        }),
      (field) => (field === 'schedule' ? 'deschedulerSchedule' : undefined),
    )!;

    const teams = new Map<string, TeamNamespace>();
    const teamCharts = new Map<string, BlueprintChart>();
    for (const [i, t] of props.teams.entries()) {
      // A name already refused (invalid, taken, given twice) would only fail again in the chart and the namespace.
      if (!teamOk[i]) continue;
      parts.attempt(
        () => {
          const c = chart(`team-${t.name}`, t.name);
          const ns = new TeamNamespace(c, t.name, {
            quota: t.quota ?? QuotaPreset.SMALL,
            access: t.access,
            holdsData: t.holdsData,
            podSecurity: { enforce: PodSecurityLevel.RESTRICTED },
            // A claim that names no class keeps its data (Retain), not the cluster default's fate (EKS gp2: Delete).
            defaultStorageClass: this.storage.data,
          });
          // Prometheus scrapes every team: its own pods, not every tool a cluster installs beside it in monitoring.
          ns.allowFromNamespace(monitoringNs.name, this.monitoring?.podSelector);
          teams.set(t.name, ns);
          teamCharts.set(t.name, c);
        },
        (field) => (TEAM_FIELDS.has(fieldRoot(field)) ? `teams[${i}].${field}` : undefined),
      );
    }
    this.teams = teams;
    this.teamCharts = teamCharts;

    // Production data is backed up unless the platform is told otherwise: the facts declared here, else those above.
    const production = facts?.production ?? clusterFactsOf(this).production ?? false;
    const policy = props.backups === false ? undefined : (props.backups ?? (production ? {} : undefined));
    this.backupPolicy = policy;
    const schedules: BackupSchedule[] = [];
    this.backups = schedules;
    if (policy) {
      // Every Schedule takes the same policy: a problem of it is reported once, by the first.
      let policyOk = true;
      const backUp = (build: () => BackupSchedule) => {
        if (!policyOk) return;
        // backUp() checks the policy as its argument `policy`; the Schedule reads the same fields by their names.
        const schedule = parts.attempt(build, (field) => `backups${field === 'policy' ? '' : `.${field.replace(/^policy\./, '')}`}`);
        if (schedule) schedules.push(schedule);
        else policyOk = false;
      };
      if (this.monitoring) backUp(() => this.monitoring.backUp(policy));
      for (const t of props.teams) {
        const ns = teams.get(t.name);
        if (ns && (t.backUp ?? t.holdsData ?? false))
          backUp(
            () =>
              new BackupSchedule(teamCharts.get(t.name)!, 'backup', {
                ...policy,
                name: dns1123LabelOf(`team-${t.name}`),
                namespaces: [ns],
              }),
          );
      }
    }
    problems.throwIfAny();
  }

  /** A team's namespace; unknown names fail with the list of teams. */
  public team(name: string): TeamNamespace {
    const t = this.teams.get(name);
    if (!t)
      throw new BlueprintError({
        code: 'TEAM_UNKNOWN',
        path: this.node.path,
        construct: 'ClusterPlatform',
        field: 'team',
        value: name,
        message: 'is not a team of this platform',
        fix: `use one of ${[...this.teams.keys()].join(', ')}`,
      });
    return t;
  }

  /** Routes `host/path` to a team's service (one Ingress per namespace, created on first use). */
  public route(route: PlatformRoute): IngressRoutes {
    // The backend's namespace is read first; the IngressRoutes judges the rest of the route.
    checkArgs('ClusterPlatform.route', ['route', route, PLATFORM_ROUTE_SHAPE]);
    const ns = route.backend.namespace;
    if (!this.props.host) {
      throw new BlueprintError({
        code: 'INGRESS_INVALID',
        path: this.node.path,
        construct: 'ClusterPlatform',
        field: 'host',
        value: undefined,
        message: 'is not set, so there is nothing to route from',
        fix: 'set host on the platform',
      });
    }
    let ingress = this.ingresses.get(ns);
    if (!ingress) {
      ingress = new IngressRoutes(this.teamCharts.get(ns) ?? this.clusterChart, `ingress-${ns}`, {
        namespace: ns,
        name: 'public',
        host: this.props.host,
        issuer: this.issuer,
      });
      this.ingresses.set(ns, ingress);
    }
    ingress.addRoute(route);
    return ingress;
  }
}
