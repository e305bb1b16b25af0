/** Well-known node labels set by the kubelet and cloud providers. @see https://kubernetes.io/docs/reference/labels-annotations-taints/ */
export const NodeLabels = {
  HOSTNAME: 'kubernetes.io/hostname',
  ZONE: 'topology.kubernetes.io/zone',
  REGION: 'topology.kubernetes.io/region',
  INSTANCE_TYPE: 'node.kubernetes.io/instance-type',
  OS: 'kubernetes.io/os',
  ARCH: 'kubernetes.io/arch',
} as const;

/** Taints the control plane carries. */
export const ControlPlaneTaints = {
  CONTROL_PLANE: 'node-role.kubernetes.io/control-plane',
} as const;
