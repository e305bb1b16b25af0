/*
 * The typed models of the kinds this library renders, each behind a static
 * `require`: a bundler (scripts/bundle.js) inlines them, so `npm run synth`
 * does not resolve and read hundreds of small validator files at start-up.
 * Any other kind is still found at run time by its package path (schema.ts).
 */

/** A model class of kubernetes-models or an `@kubernetes-models/*` package. */
export type ModelClass = { new (data: unknown): { validate(): void }; prototype: { validate(): void } };

/** `apiVersion/kind` → loader of its model class. */
export const MODEL_LOADERS: Readonly<Record<string, () => ModelClass>> = {
  'v1/Namespace': () => require('kubernetes-models/v1/Namespace').Namespace,
  'v1/Service': () => require('kubernetes-models/v1/Service').Service,
  'v1/ServiceAccount': () => require('kubernetes-models/v1/ServiceAccount').ServiceAccount,
  'v1/ResourceQuota': () => require('kubernetes-models/v1/ResourceQuota').ResourceQuota,
  'v1/LimitRange': () => require('kubernetes-models/v1/LimitRange').LimitRange,
  'v1/ConfigMap': () => require('kubernetes-models/v1/ConfigMap').ConfigMap,
  'v1/Secret': () => require('kubernetes-models/v1/Secret').Secret,
  'v1/PersistentVolumeClaim': () => require('kubernetes-models/v1/PersistentVolumeClaim').PersistentVolumeClaim,
  'v1/Pod': () => require('kubernetes-models/v1/Pod').Pod,
  'apps/v1/Deployment': () => require('kubernetes-models/apps/v1/Deployment').Deployment,
  'apps/v1/StatefulSet': () => require('kubernetes-models/apps/v1/StatefulSet').StatefulSet,
  'apps/v1/DaemonSet': () => require('kubernetes-models/apps/v1/DaemonSet').DaemonSet,
  'batch/v1/Job': () => require('kubernetes-models/batch/v1/Job').Job,
  'batch/v1/CronJob': () => require('kubernetes-models/batch/v1/CronJob').CronJob,
  'policy/v1/PodDisruptionBudget': () => require('kubernetes-models/policy/v1/PodDisruptionBudget').PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': () => require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').NetworkPolicy,
  'networking.k8s.io/v1/Ingress': () => require('kubernetes-models/networking.k8s.io/v1/Ingress').Ingress,
  'rbac.authorization.k8s.io/v1/Role': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/Role').Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding').RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole').ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': () =>
    require('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding').ClusterRoleBinding,
  'scheduling.k8s.io/v1/PriorityClass': () => require('kubernetes-models/scheduling.k8s.io/v1/PriorityClass').PriorityClass,
  'storage.k8s.io/v1/StorageClass': () => require('kubernetes-models/storage.k8s.io/v1/StorageClass').StorageClass,
  'autoscaling/v2/HorizontalPodAutoscaler': () =>
    require('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler').HorizontalPodAutoscaler,
  'discovery.k8s.io/v1/EndpointSlice': () => require('kubernetes-models/discovery.k8s.io/v1/EndpointSlice').EndpointSlice,
  'external-secrets.io/v1beta1/ExternalSecret': () =>
    require('@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ExternalSecret').ExternalSecret,
  'external-secrets.io/v1beta1/ClusterSecretStore': () =>
    require('@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ClusterSecretStore').ClusterSecretStore,
  'cert-manager.io/v1/Certificate': () => require('@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate').Certificate,
  'cert-manager.io/v1/ClusterIssuer': () => require('@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer').ClusterIssuer,
  'autoscaling.k8s.io/v1/VerticalPodAutoscaler': () =>
    require('@kubernetes-models/autoscaler/autoscaling.k8s.io/v1/VerticalPodAutoscaler').VerticalPodAutoscaler,
  'argoproj.io/v1alpha1/Application': () => require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application').Application,
  'monitoring.coreos.com/v1/ServiceMonitor': () =>
    require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor').ServiceMonitor,
  'monitoring.coreos.com/v1/PodMonitor': () =>
    require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor').PodMonitor,
  'monitoring.coreos.com/v1/Prometheus': () =>
    require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus').Prometheus,
};
