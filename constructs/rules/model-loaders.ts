/*
 * The typed models of the kinds this library renders, each behind a static
 * `require`: a bundler (scripts/bundle.js) inlines them, so `npm run synth`
 * does not resolve and read hundreds of small validator files at start-up.
 * Any other kind is still found at run time by its package path (schema.ts).
 */

/** A model class of kubernetes-models or an `@kubernetes-models/*` package. */
export type ModelClass = { new (data: unknown): { validate(): void }; prototype: { validate(): void } };

/** `apiVersion/kind` → loader of the module that exports its model class under the kind's name. */
const MODULES: Readonly<Record<string, () => Record<string, ModelClass>>> = {
  'v1/Namespace': () => require('kubernetes-models/v1/Namespace'),
  'v1/Service': () => require('kubernetes-models/v1/Service'),
  'v1/ServiceAccount': () => require('kubernetes-models/v1/ServiceAccount'),
  'v1/ResourceQuota': () => require('kubernetes-models/v1/ResourceQuota'),
  'v1/LimitRange': () => require('kubernetes-models/v1/LimitRange'),
  'v1/ConfigMap': () => require('kubernetes-models/v1/ConfigMap'),
  'v1/Secret': () => require('kubernetes-models/v1/Secret'),
  'v1/PersistentVolumeClaim': () => require('kubernetes-models/v1/PersistentVolumeClaim'),
  'v1/Pod': () => require('kubernetes-models/v1/Pod'),
  'apps/v1/Deployment': () => require('kubernetes-models/apps/v1/Deployment'),
  'apps/v1/StatefulSet': () => require('kubernetes-models/apps/v1/StatefulSet'),
  'apps/v1/DaemonSet': () => require('kubernetes-models/apps/v1/DaemonSet'),
  'batch/v1/Job': () => require('kubernetes-models/batch/v1/Job'),
  'batch/v1/CronJob': () => require('kubernetes-models/batch/v1/CronJob'),
  'policy/v1/PodDisruptionBudget': () => require('kubernetes-models/policy/v1/PodDisruptionBudget'),
  'networking.k8s.io/v1/NetworkPolicy': () => require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy'),
  'networking.k8s.io/v1/Ingress': () => require('kubernetes-models/networking.k8s.io/v1/Ingress'),
  'rbac.authorization.k8s.io/v1/Role': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/Role'),
  'rbac.authorization.k8s.io/v1/RoleBinding': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding'),
  'rbac.authorization.k8s.io/v1/ClusterRole': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole'),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding'),
  'scheduling.k8s.io/v1/PriorityClass': () => require('kubernetes-models/scheduling.k8s.io/v1/PriorityClass'),
  'storage.k8s.io/v1/StorageClass': () => require('kubernetes-models/storage.k8s.io/v1/StorageClass'),
  'autoscaling/v2/HorizontalPodAutoscaler': () => require('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'),
  'discovery.k8s.io/v1/EndpointSlice': () => require('kubernetes-models/discovery.k8s.io/v1/EndpointSlice'),
  'external-secrets.io/v1beta1/ExternalSecret': () =>
    require('@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ExternalSecret'),
  'external-secrets.io/v1beta1/ClusterSecretStore': () =>
    require('@kubernetes-models/external-secrets/external-secrets.io/v1beta1/ClusterSecretStore'),
  'cert-manager.io/v1/Certificate': () => require('@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate'),
  'cert-manager.io/v1/ClusterIssuer': () => require('@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer'),
  'autoscaling.k8s.io/v1/VerticalPodAutoscaler': () => require('@kubernetes-models/autoscaler/autoscaling.k8s.io/v1/VerticalPodAutoscaler'),
  'argoproj.io/v1alpha1/Application': () => require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application'),
  'monitoring.coreos.com/v1/ServiceMonitor': () =>
    require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor'),
  'monitoring.coreos.com/v1/PodMonitor': () => require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor'),
  'monitoring.coreos.com/v1/Prometheus': () => require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus'),
  'monitoring.coreos.com/v1/PrometheusRule': () =>
    require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule'),
};

/** `apiVersion/kind` → loader of its model class. */
export const MODEL_LOADERS: Readonly<Record<string, () => ModelClass>> = Object.fromEntries(
  Object.entries(MODULES).map(([key, load]) => [key, () => load()[key.slice(key.lastIndexOf('/') + 1)]]),
);
