import { Duration } from 'cdk8s';
import { BackupSchedule, StatefulService, TeamNamespace, validateManifests } from '../../constructs';
import { Monitoring } from '../../blueprints';
import { catchBlueprintError, expectCode, find, render, testChart, POSTGRES } from '../helpers';

function database() {
  const { app, chart } = testChart();
  const team = new TeamNamespace(chart, 'payments', { holdsData: true });
  const db = new StatefulService(chart, 'ledger', {
    namespace: team,
    ...POSTGRES,
    claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '5Gi' }],
  });
  return { app, chart, team, db };
}

describe('BackupSchedule', () => {
  test('defaults: nightly, kept 30 days, volumes snapshotted, in the velero namespace', () => {
    const { app, chart, team } = database();
    new BackupSchedule(chart, 'payments-nightly', { namespaces: [team] });
    const schedule = find(render(app), 'Schedule', 'payments-nightly');
    expect(schedule.apiVersion).toBe('velero.io/v1');
    expect(schedule.metadata.namespace).toBe('velero');
    // Velero's install owns that namespace: declared on the object as a cluster prerequisite, never rendered.
    expect(schedule.metadata.annotations['cluster-blueprints.io/namespace-installed-by']).toBe('velero');
    expect(render(app).filter((o) => o.kind === 'Namespace' && o.metadata.name === 'velero')).toEqual([]);
    expect(schedule.spec).toEqual({
      schedule: '0 3 * * *',
      useOwnerReferencesInBackup: false,
      template: {
        includedNamespaces: ['payments'],
        ttl: '720h0m0s',
        snapshotVolumes: true,
        defaultVolumesToFsBackup: false,
        metadata: { labels: { 'cluster-blueprints.io/backup-schedule': 'payments-nightly' } },
      },
    });
  });

  test('backUp(): a policy that throws when read, or that names the namespaces or name the holder gives, is PROPS_INVALID/PROPS_UNKNOWN (was the Error of the spread, or dropped)', () => {
    const throwing = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('ownKeys');
        },
      },
    );
    expect(catchBlueprintError(() => database().db.backUp(throwing)).codes).toEqual(['PROPS_INVALID']);
    expect(catchBlueprintError(() => database().db.backUp({ name: 'other' } as never)).codes).toEqual(['PROPS_UNKNOWN']);
    expect(() => database().db.backUp({ schedule: '0 1 * * *' })).not.toThrow();
  });

  test('StatefulService.backUp() backs up its namespace under <namespace>-<name>', () => {
    const { app, db } = database();
    const backup = db.backUp({
      schedule: '30 1 * * *',
      retention: Duration.hours(36),
      storageLocation: 'eu-west',
      selector: { 'app.kubernetes.io/instance': 'ledger' },
    });
    expect(backup.includedNamespaces).toEqual(['payments']);
    const spec = find(render(app), 'Schedule', 'payments-ledger').spec;
    expect(spec.schedule).toBe('30 1 * * *');
    expect(spec.template.ttl).toBe('36h0m0s');
    expect(spec.template.storageLocation).toBe('eu-west');
    expect(spec.template.labelSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'ledger' } });
  });

  // Velero labels every Backup 'velero.io/schedule-name: <schedule name>': past 63 characters the API server refuses each Backup.
  test('backUp() past 63 characters: the derived name is shortened with a hash, a valid label value, distinct per holder', () => {
    const { app, chart } = testChart();
    const team = new TeamNamespace(chart, 'a'.repeat(40), { holdsData: true });
    const claims = [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '5Gi' }];
    const one = new StatefulService(chart, 'b'.repeat(30), { namespace: team, ...POSTGRES, claims }).backUp();
    const two = new StatefulService(chart, 'b'.repeat(29) + 'c', { namespace: team, ...POSTGRES, claims }).backUp();
    for (const backup of [one, two]) {
      expect(backup.name.length).toBeLessThanOrEqual(63);
      expect(backup.name).toMatch(/^a{40}-b{5}-[0-9a-f]{16}$/);
      const schedule = find(render(app), 'Schedule', backup.name);
      expect(schedule.spec.template.metadata.labels['cluster-blueprints.io/backup-schedule']).toBe(backup.name);
      expect(schedule.spec.template.includedNamespaces).toEqual(['a'.repeat(40)]);
    }
    expect(one.name).not.toBe(two.name);
  });

  test('NAME_INVALID: a given Schedule name past 63 characters (every Backup would carry it as a label value)', () => {
    const { chart } = database();
    const issue = expectCode(() => new BackupSchedule(chart, 'long', { name: 'n'.repeat(64), namespaces: ['payments'] }), 'NAME_INVALID');
    expect([issue.field, issue.value]).toEqual(['name', 'n'.repeat(64)]);
    expect(issue.message).toContain('velero.io/schedule-name');
    expect(new BackupSchedule(chart, 'exact', { name: 'n'.repeat(63), namespaces: ['payments'] }).name).toHaveLength(63);
    // A name that is not a subdomain at all gets the one subdomain issue, not two.
    const bad = catchBlueprintError(() => new BackupSchedule(chart, 'bad', { name: 'N'.repeat(300), namespaces: ['payments'] }));
    expect(bad.issues.filter((i) => i.field === 'name')).toHaveLength(1);
  });

  test("the schema check validates Schedules against Velero's CRD", () => {
    const { app, chart } = database();
    new BackupSchedule(chart, 'ok', { namespaces: ['payments'] });
    const schedule = find(render(app), 'Schedule', 'ok');
    expect(validateManifests([schedule])).toEqual([]);
    const typo = { ...schedule, spec: { ...schedule.spec, template: { ...schedule.spec.template, tll: '1h' } } };
    expect(validateManifests([typo]).map((f) => [f.rule, f.pointer])).toEqual([['SCHEMA_UNKNOWN_FIELD', '/spec/template/tll']]);
    const { template: _dropped, ...noTemplate } = schedule.spec;
    expect(validateManifests([{ ...schedule, spec: noTemplate }]).map((f) => f.rule)).toEqual(['SCHEMA_INVALID']);
  });

  test('BACKUP_NAMESPACES_INVALID: none, or one twice', () => {
    const { chart } = database();
    expectCode(() => new BackupSchedule(chart, 'none', { namespaces: [] }), 'BACKUP_NAMESPACES_INVALID');
    expectCode(() => new BackupSchedule(chart, 'twice', { namespaces: ['a', 'a'] }), 'BACKUP_NAMESPACES_INVALID');
  });

  test('BACKUP_RETENTION_INVALID: under an hour, or not whole minutes', () => {
    const { chart } = database();
    expectCode(
      () => new BackupSchedule(chart, 'short', { namespaces: ['a'], retention: Duration.minutes(30) }),
      'BACKUP_RETENTION_INVALID',
    );
    expectCode(
      () => new BackupSchedule(chart, 'odd', { namespaces: ['a'], retention: Duration.seconds(3601) }),
      'BACKUP_RETENTION_INVALID',
    );
  });

  test('BACKUP_RETENTION_INVALID: longer than a Go duration holds (Velero could not decode the ttl)', () => {
    const { app, chart } = database();
    const err = expectCode(
      () => new BackupSchedule(chart, 'forever', { namespaces: ['a'], retention: Duration.days(365 * 300) }),
      'BACKUP_RETENTION_INVALID',
    );
    expect(err.field).toBe('retention');
    expect(err.message).toContain('106751 days');
    // The neighbours: the longest whole-minute ttl Go can parse (2562047h47m), and 106,751 days.
    new BackupSchedule(chart, 'longest', { namespaces: ['a'], retention: Duration.minutes(2562047 * 60 + 47) });
    expectCode(
      () => new BackupSchedule(chart, 'one-more', { namespaces: ['a'], retention: Duration.minutes(2562047 * 60 + 48) }),
      'BACKUP_RETENTION_INVALID',
    );
    new BackupSchedule(chart, 'days', { namespaces: ['a'], retention: Duration.days(106751) });
    expect(find(render(app), 'Schedule', 'longest').spec.template.ttl).toBe('2562047h47m0s');
  });

  test('SCHEDULE_INVALID and BACKUP_SELECTOR_INVALID', () => {
    const { chart } = database();
    expectCode(() => new BackupSchedule(chart, 'cron', { namespaces: ['a'], schedule: '0 25 * * *' }), 'SCHEDULE_INVALID');
    // Velero parses with robfig/cron too: @every under a second would back up every second.
    expect(
      expectCode(() => new BackupSchedule(chart, 'every', { namespaces: ['a'], schedule: '@every 0s' }), 'SCHEDULE_INVALID').field,
    ).toBe('schedule');
    expect(new BackupSchedule(chart, 'padded', { namespaces: ['a'], schedule: ' @every 12h ' }).schedule).toBe('@every 12h');
    const issue = expectCode(
      () => new BackupSchedule(chart, 'sel', { namespaces: ['a'], selector: { 'bad key!': 'x' } }),
      'BACKUP_SELECTOR_INVALID',
    );
    expect([issue.field, issue.value]).toEqual(['selector.bad key!', 'bad key!']);
    expect(issue.message).toMatch(/^has a key that is not a valid /);
    expect(issue.fix).toContain("'app.kubernetes.io/instance': 'ledger'");
  });

  test('BACKUP_DUPLICATE: backUp() twice on one workload', () => {
    const { db } = database();
    db.backUp();
    expectCode(() => db.backUp(), 'BACKUP_DUPLICATE');
  });

  test("BACKUP_SELECTOR_INVALID at synth: backUp()'s selector must select the holder's pods (Velero matches each object's own labels)", () => {
    const { app, db } = database();
    db.backUp({ selector: { tier: 'gold' } });
    const [issue, ...rest] = catchBlueprintError(() => render(app)).issues.filter((i) => i.code === 'BACKUP_SELECTOR_INVALID');
    expect(rest).toEqual([]);
    expect([issue.path, issue.construct, issue.field]).toEqual([db.node.path, 'StatefulService', 'backUp.selector']);
    expect(issue.message).toContain('they lack tier=gold');
    expect(issue.fix).toContain("'app.kubernetes.io/instance': 'ledger'");
  });

  test("a selector the pods carry passes; a Monitoring's pods carry the operator's labels", () => {
    const { app, db } = database();
    db.backUp({ selector: { 'app.kubernetes.io/name': 'ledger' } });
    expect(() => render(app)).not.toThrow();
    const mon = database();
    const m = new Monitoring(mon.chart, 'm', { namespace: mon.team, targets: 10 });
    m.backUp({ selector: { 'operator.prometheus.io/name': m.name } });
    expect(() => render(mon.app)).not.toThrow();
    const other = database();
    new Monitoring(other.chart, 'm', { namespace: other.team, targets: 10 }).backUp({ selector: { prometheus: 'other' } });
    expectCode(() => render(other.app), 'BACKUP_SELECTOR_INVALID');
  });
});
