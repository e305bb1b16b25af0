import { IConstruct } from 'constructs';
import { clusterFactsOf } from '../core/cluster-facts';
import { IssueInput } from '../core/errors';
import { NameRule, nameIssue } from '../core/names';
import { StorageClass } from './storage-class';

/*
 * The StorageClass a claim asks for, one rule for every claim the library
 * renders: a StatefulService's claim templates, a PersistentVolumeClaim and
 * the Monitoring blueprint's Prometheus claim.
 */

/** The `storageClassName` a claim renders: the construct's name, or the name given. */
export function storageClassNameOf(storageClass: StorageClass | string): string {
  return typeof storageClass === 'string' ? storageClass : storageClass.name;
}

/**
 * NAME_INVALID when a class given by name is no StorageClass name (core
 * validation ValidateClassName: a DNS-1123 subdomain). The empty string is
 * refused too: the API server reads `storageClassName: ""` as "no class"
 * (pre-provisioned volumes only), which is neither a class of the output nor
 * the cluster's default.
 */
export function claimStorageClassNameIssue(field: string, storageClass: StorageClass | string | undefined): IssueInput | undefined {
  if (typeof storageClass !== 'string') return undefined;
  if (storageClass === '')
    return {
      code: 'NAME_INVALID',
      field,
      value: storageClass,
      message: 'is empty: the API server reads an empty class as "no class" (pre-provisioned volumes only), not as the default class',
      fix: 'name a StorageClass (or pass the construct), or leave storageClass out for the default class',
    };
  return nameIssue(NameRule.DNS1123_SUBDOMAIN, field, storageClass);
}

/**
 * STORAGE_CLASS_UNDECLARED when the environment declares the StorageClasses its
 * cluster has (`existingStorageClasses`) and the claim names none of them nor a
 * StorageClass construct of the output (unset included: the claim would depend
 * on the cluster's default class, which the output does not provide). Run at
 * synth time: the facts may be declared after the claim is built.
 */
export function claimStorageClassIssue(scope: IConstruct, field: string, storageClass: StorageClass | string | undefined): IssueInput[] {
  const existing = clusterFactsOf(scope).existingStorageClasses;
  if (existing === undefined || storageClass instanceof StorageClass) return [];
  if (typeof storageClass === 'string' && existing.includes(storageClass)) return [];
  const issue: IssueInput = {
    code: 'STORAGE_CLASS_UNDECLARED',
    field,
    value: storageClass,
    message:
      storageClass === undefined
        ? "is unset: the claim depends on the cluster's default StorageClass, which the output does not provide"
        : `is not defined by the output nor declared as existing (${existing.join(', ') || 'none declared'})`,
    fix: 'pass a StorageClass construct, or declare the class in existingStorageClasses of the chart',
  };
  return [issue];
}
