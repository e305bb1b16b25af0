import { isConfigMapKey } from '../config/config-map';
import { pointerPart } from '../core/names';
import { ManifestIndex, isObject } from './manifest-index';
import { Rule, Violation, v } from './rule';

/*
 * Keys of ConfigMaps and Secrets, as the API server validates them
 * (ValidateConfigMap, ValidateSecret → apimachinery IsConfigMapKey): the
 * typed ConfigMap and SecretDeclaration refuse such keys when built; this rule
 * holds every other object (raw ApiObjects, included YAML, foreign manifests)
 * to the same rule, with the same code.
 */

const RULE_TEXT = "at most 253 letters, digits, '-', '_' and '.'; not '.', '..' nor starting with '..'";

function keyViolations(ix: ManifestIndex): Violation[] {
  const out: Violation[] = [];
  const check = (o: any, field: string, what: string) => {
    if (!isObject(o[field])) return;
    for (const key of Object.keys(o[field]))
      if (!isConfigMapKey(key))
        // The value shown is the key at fault, never the entry's content (a password under a malformed key).
        out.push({
          ...v(o, `/${field}/${pointerPart(key)}`, `${field} key ${JSON.stringify(key)} is not a valid ${what} key (${RULE_TEXT})`),
          value: key,
        });
  };
  for (const cm of ix.ofKind('ConfigMap').filter((o) => o.apiVersion === 'v1')) {
    check(cm, 'data', 'ConfigMap');
    check(cm, 'binaryData', 'ConfigMap');
    // ValidateConfigMap: "duplicate of key present in binaryData"
    if (isObject(cm.data) && isObject(cm.binaryData))
      for (const key of Object.keys(cm.data))
        if (Object.hasOwn(cm.binaryData, key))
          out.push(
            v(
              cm,
              `/data/${pointerPart(key)}`,
              `data key ${JSON.stringify(key)} is also a key of binaryData; the API server refuses a key in both`,
              'keep the key in data (text) or in binaryData (base64), not both',
            ),
          );
  }
  // stringData is merged into data before validation (v1 → internal conversion): its keys are data keys.
  for (const secret of ix.ofKind('Secret').filter((o) => o.apiVersion === 'v1')) {
    check(secret, 'data', 'Secret');
    check(secret, 'stringData', 'Secret');
  }
  return out;
}

export const CONFIG_KEY_RULES: readonly Rule[] = [
  {
    code: 'CONFIG_KEY_INVALID',
    severity: 'error',
    category: 'reliability',
    inspects: ['ConfigMap', 'Secret'],
    description: `Every key of a ConfigMap's data and binaryData and of a Secret's data and stringData is a valid key (${RULE_TEXT}), and no ConfigMap key is in both data and binaryData: the API server refuses the object otherwise.`,
    fix: "use letters, digits, '-', '_' and '.', e.g. 'app.yaml'",
    check: keyViolations,
  },
];
