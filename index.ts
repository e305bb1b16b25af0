// The public API of cluster-blueprints: what other projects import, and nothing else.
// Code inside this repository (tests, stacks, cli) imports internals by path.
// etc/cluster-blueprints.api.md records this surface; after changing it run `npm run api`.

// Errors and quantities
export { BlueprintError, type BlueprintIssue, type IssueInput, type IssueSink } from './constructs/core/errors';
export {
  ByteQuantity,
  Cpu,
  type CpuInput,
  Memory,
  type MemoryInput,
  type ParseContext,
  Quantity,
  type QuantityUnit,
  Storage,
  type StorageInput,
} from './constructs/core/quantity';
export { type ComputeResources, type ContainerCompute, type ResolvedCompute } from './constructs/core/resources';
export { BlueprintChart, type BlueprintChartProps } from './constructs/core/blueprint-chart';
export { type Check, addCheck } from './constructs/core/checks';
export { type ClusterFacts, setClusterFacts } from './constructs/core/cluster-facts';
export { AccessMode } from './constructs/core/access-mode';
export { CheckedConstruct } from './constructs/core/checked-construct';
export { type ObjectShape, type Shape } from './constructs/core/shape';
export { NamedObject } from './constructs/core/named-object';
export { NamespacedObject } from './constructs/core/namespaced-object';
export { type NamedPort } from './constructs/core/ports';

// Namespaces
export {
  type ClaimLimitsProps,
  type ContainerLimitsProps,
  type ContainerResources,
  type EffectiveDefaults,
  LimitRange,
  type LimitRangeProps,
} from './constructs/namespace/limit-range';
export {
  type QuotaLimits,
  QuotaPreset,
  QuotaScope,
  type ResolvedQuota,
  ResourceQuota,
  type ResourceQuotaProps,
} from './constructs/namespace/resource-quota';
export {
  type IQuotaConsumer,
  type PeakCompute,
  type PodResources,
  PodSecurityLevel,
  type PodSecurityProps,
  type TeamAccessProps,
  TeamNamespace,
  type TeamNamespaceProps,
} from './constructs/namespace/team-namespace';

// Scheduling
export { ControlPlaneTaints, NodeLabels } from './constructs/scheduling/node-labels';
export {
  NodeRequirement,
  type PlacementProps,
  type PodAffinityRule,
  type PreferredNodeAffinity,
  type SpreadProps,
  TaintEffect,
  Toleration,
} from './constructs/scheduling/placement';

// Policy
export {
  type AutoscalingProps,
  HpaMetric,
  type MetricTarget,
  type ResolvedAutoscaling,
  type ScalingPolicy,
  type ScalingRules,
  ScalingSelectPolicy,
} from './constructs/policy/autoscaling';
export { type PodCount, PodDisruptionBudget, type PodDisruptionBudgetProps } from './constructs/policy/pod-disruption-budget';
export { PreemptionPolicy, PriorityClass, type PriorityClassProps } from './constructs/policy/priority-class';
export { type PolicyRule, ServiceAccount, type ServiceAccountProps } from './constructs/policy/service-account';
export * as vpa from './imports/autoscaling.k8s.io';
export {
  type IVerticallyScalable,
  VerticalAutoscaler,
  type VerticalAutoscalerProps,
  VpaUpdateMode,
} from './constructs/policy/vertical-autoscaler';

// Configuration and storage
export { ConfigFile, type ConfigFileOptions, ConfigMap, type ConfigMapProps } from './constructs/config/config-map';
export { EnvValue, PodField, ResourceField, type ResourceEnvOptions } from './constructs/config/env';
export { SecretRef, type SecretSource } from './constructs/config/secret-ref';
export {
  type ClaimVolumeOptions,
  type CsiVolumeOptions,
  type EmptyDirOptions,
  type IClaim,
  type HostPathType,
  type NfsVolumeOptions,
  Volume,
} from './constructs/config/volume';
export { ReclaimPolicy, StorageClass, type StorageClassProps, VolumeBindingMode } from './constructs/storage/storage-class';
export { PersistentVolumeClaim, type PersistentVolumeClaimProps } from './constructs/storage/persistent-volume-claim';

// Backup and GitOps
export { type BackupPolicy, BackupSchedule, type BackupScheduleProps } from './constructs/backup/backup-schedule';
export * as velero from './imports/velero.io';
export { ArgoApplication, type ArgoApplicationProps, type GitOpsSource } from './constructs/gitops/argo-application';
export { ArgoAnnotations, SyncWave } from './constructs/gitops/sync-annotations';

// Secrets: declared where they are used, provided by a backend
export { SecretBackend, SecretBackendKind, type ExternalSecretsBackendOptions } from './constructs/secrets/secret-backend';
export {
  type DeclaredSecret,
  type DeclaredSecretKey,
  SecretDeclaration,
  type SecretDeclarationProps,
  secretDeclarations,
} from './constructs/secrets/secret-declaration';
export { AwsSecretService, ClusterSecretStore, type ClusterSecretStoreProps } from './constructs/secrets/cluster-secret-store';

// TLS issued by cert-manager
export { AcmeServer, ClusterIssuer, type ClusterIssuerProps } from './constructs/networking/cluster-issuer';

// Networking
export {
  type ExternalAddressesProps,
  type ExternalHostNameProps,
  type ExternalPort,
  ExternalService,
  type ExternalServiceBaseProps,
} from './constructs/networking/external-service';
export {
  type IRoutable,
  IngressPathType,
  IngressRoutes,
  type IngressRoutesProps,
  type Route,
} from './constructs/networking/ingress-routes';
export { type INetworkEndpoint, type IntentResult, type NetworkPort, Peer, Protocol } from './constructs/networking/network-intent';

// Metrics
export {
  MetricsMonitor,
  type MetricsMonitorProps,
  type MetricsOptions,
  type MonitorTarget,
  SCRAPE_LABEL,
} from './constructs/monitoring/metrics-monitor';

// Workloads
export {
  type ContainerPort,
  type ContainerProps,
  type ProbeOptOut,
  Hook,
  Probe,
  type ProbeTiming,
  Qos,
  ResourcePreset,
  type ResolvedContainer,
  type ResourcesProps,
  type VolumeMount,
} from './constructs/workloads/container';
export {
  type BlueGreenOptions,
  type CanaryOptions,
  Color,
  Release,
  type ReleaseOptions,
  type RollingOptions,
} from './constructs/workloads/release';
export { type SecurityProfile, Workload, type WorkloadProps } from './constructs/workloads/workload';
export { DeploymentWorkload, type DeploymentWorkloadProps } from './constructs/workloads/deployment-workload';
export { ExternalTrafficPolicy, type ServicePort, ServiceType, WebService, type WebServiceProps } from './constructs/workloads/web-service';
export { Worker, type WorkerProps } from './constructs/workloads/worker';
export {
  type ClaimRetention,
  ClaimRetentionPolicy,
  type ClaimTemplate,
  PodManagementPolicy,
  StatefulService,
  type StatefulServiceProps,
} from './constructs/workloads/stateful-service';
export { BatchJob, JobPattern, type JobProps, JobRestartPolicy, JobWorkload } from './constructs/workloads/batch-job';
export { ConcurrencyPolicy, ScheduledJob, type ScheduledJobProps } from './constructs/workloads/scheduled-job';
export { type HostPathMount, NodeAgent, type NodeAgentProps } from './constructs/workloads/node-agent';
export { PodPreset, type PodPresetProps } from './constructs/workloads/pod-preset';

// Rendering, checking and reports
export {
  type RenderOptions,
  type RenderStage,
  type RenderedChart,
  type RenderedObject,
  type StageContext,
  renderApp,
} from './constructs/render/render-app';
export {
  type SynthTarget,
  type SynthesizeOptions,
  type SynthesizeResult,
  formatWarnings,
  synthesize,
  synthesizeAll,
} from './constructs/render/synthesize';
export {
  type ControllerRequirement,
  type CrdRequirement,
  type NamespaceRequirement,
  type Requirement,
  type SecretRequirement,
  REQUIREMENTS_FILE,
  controllerRequirements,
  outputRequirements,
} from './constructs/render/requirements';
export { type Finding, type Severity, type ValidateOptions, validateManifests } from './constructs/rules/schema';
export { type CheckOptions, type CheckReport, checkDirectory, checkManifests, formatReport } from './constructs/reports/check';
export { type FileError, type LoadOptions } from './constructs/rules/manifests';
export { type PodSecurityLevelName } from './constructs/rules/pod-security';
export { type ManifestIndex, type PodTemplateRef } from './constructs/rules/manifest-index';
export { type Rule, type RuleCategory, type RuleContext, type Violation } from './constructs/rules/rule';
export {
  type CapacityReport,
  type CapacityReportOptions,
  type NamespaceCapacity,
  type NodePlan,
  capacityReport,
} from './constructs/reports/capacity';
export { type CostReport, type GroupCost, type UnitPrices } from './constructs/reports/cost';
export { renderSvg, toDot } from './constructs/reports/diagram';

// Blueprints
export { type PrometheusSizing, type PrometheusSizingInput, prometheusStorage } from './blueprints/prometheus-sizing';
export { Monitoring, type MonitoringProps, type RecordingRule } from './blueprints/monitoring';
export { Descheduler, type DeschedulerProps } from './blueprints/descheduler';
export { ClusterPlatform, type ClusterPlatformProps, type PlatformRoute, type PlatformTeam } from './blueprints/cluster-platform';
export { HelloworldDb, type HelloworldDbManagedDatabase, type HelloworldDbProps } from './blueprints/scenarios/helloworld-db';
export { ReverseProxy, type ReverseProxyProps } from './blueprints/scenarios/reverse-proxy';
export { Cassandra, type CassandraProps } from './blueprints/scenarios/cassandra';
export { HpaExample, type HpaExampleProps } from './blueprints/scenarios/hpa-example';
export { ExternalDatabase, type ExternalDatabaseProps } from './blueprints/scenarios/external-database';
export { RandomGenerator, type RandomGeneratorProps } from './blueprints/scenarios/random-generator';
