import { UNPRINTABLE, afterMutation, onMalformed, pod } from './fixture';

describe('security rules on malformed input: they skip what they cannot read, never RULE_FAILED', () => {
  test.each<[string, string, (o: any[]) => void, string[]]>([
    ['a map for a container name', 'SEC_PLAINTEXT_SECRET', (o) => (pod(o).containers[0].name = UNPRINTABLE()), []],
    [
      'a map for serviceAccountName (it names no account to look for)',
      'SEC_SA_TOKEN',
      afterMutation('SEC_SA_TOKEN', (o) => (pod(o).serviceAccountName = UNPRINTABLE())),
      [],
    ],
  ])('%s (%s)', (_what, code, mutate, expected) => {
    expect(onMalformed(mutate, code)).toEqual(expected);
  });
});
