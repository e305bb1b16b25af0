import * as pulumi from '@pulumi/pulumi';

/*
 * Pulumi mocks that also record what the SDK sends the engine for each resource:
 * the RegisterResource request's protect, retainOnDelete, dependencies, parent,
 * provider, additionalSecretOutputs and customTimeouts. Tests read these rather than the options
 * objects the program built, so they see what a real `pulumi up` would see.
 */

/** One RegisterResource (or ReadResource) request, as the engine would receive it. */
export interface EngineRegistration {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly custom: boolean;
  /** Name of the parent resource; '' for the stack. */
  readonly parent: string;
  /** Name of the provider resource; '' for the default one. */
  readonly provider: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** Properties whose change replaces the object (sorted), and whether the old one is deleted first. */
  readonly replaceOnChanges: readonly string[];
  readonly deleteBeforeReplace: boolean;
  /** Names of the resources it depends on, sorted. */
  readonly dependsOn: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  /** The customTimeouts sent (create, update, delete; '' where unset); undefined when none is. */
  readonly customTimeouts?: { readonly create: string; readonly update: string; readonly delete: string };
  readonly inputs: any;
  /** For a read of an existing object (`Resource.get`): the id read; the program never creates or deletes it. */
  readonly readId?: string;
}

const nameOfUrn = (urn: string) => (urn ? urn.split('::').pop()! : '');
// A provider reference is `<urn>::<id>`.
const nameOfProviderRef = (ref: string) => (ref ? ref.split('::').slice(-2)[0] : '');

/** Installs the recording mocks; returns the (live) list of registrations. */
export function recordEngine(project: string, stack: string): EngineRegistration[] {
  const registrations: EngineRegistration[] = [];
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
  };
  pulumi.runtime.setMocks(mocks, project, stack, false);
  // Wrap the mock monitor setMocks installed (keeping the features it turned on, secrets among them).
  const monitor = (pulumi.runtime as any).getMonitor();
  const registerResource = monitor.registerResource.bind(monitor);
  // A read (`.get`) carries its properties and id; a registration, its inputs and options.
  const record = (req: any, more: Partial<EngineRegistration>) =>
    registrations.push({
      type: req.getType(),
      name: req.getName(),
      urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
      custom: true,
      parent: nameOfUrn(req.getParent()),
      provider: nameOfProviderRef(req.getProvider()),
      protect: false,
      retainOnDelete: false,
      replaceOnChanges: [],
      deleteBeforeReplace: false,
      dependsOn: (req.getDependenciesList() as string[]).map(nameOfUrn).sort(),
      additionalSecretOutputs: [...req.getAdditionalsecretoutputsList()].sort(),
      inputs: undefined,
      ...more,
    });
  monitor.registerResource = (req: any, callback: any) => {
    const t = req.getCustomtimeouts();
    const timeouts = t && { create: t.getCreate(), update: t.getUpdate(), delete: t.getDelete() };
    record(req, {
      ...(timeouts && (timeouts.create || timeouts.update || timeouts.delete) ? { customTimeouts: timeouts } : {}),
      custom: req.getCustom(),
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      replaceOnChanges: [...req.getReplaceonchangesList()].sort(),
      deleteBeforeReplace: req.getDeletebeforereplace() === true,
      inputs: req.getObject().toJavaScript(), // raw: secrets keep their envelope
    });
    return registerResource(req, callback);
  };
  const readResource = monitor.readResource.bind(monitor);
  monitor.readResource = (req: any, callback: any) => {
    record(req, { inputs: req.getProperties().toJavaScript(), readId: req.getId() });
    return readResource(req, callback);
  };
  return registrations;
}

/** Resolves when every registration the program started has reached the (mock) engine. */
export function settled(): Promise<void> {
  // Not in the typings, but what `pulumi up` itself awaits before the program exits.
  return (pulumi.runtime as any).waitForRPCs();
}

/**
 * Runs `program` and waits for its registrations without stack traces.
 * Pulumi captures a stack for every promise (for leak reports), and formatted
 * through jest's source maps that was about a third of a program run; no check
 * reads them, and a failing check reports after the run, with traces back on.
 */
export async function runAndSettle(program: () => void): Promise<void> {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    program();
    await settled();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Top-level inputs the engine receives as secrets. */
export function secretInputs(r: EngineRegistration): string[] {
  return Object.keys(r.inputs ?? {})
    .filter((k) => r.inputs[k]?.[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig)
    .sort();
}

/** One line per resource: identity (URN) and the options that decide what an update does (and how long it waits). */
export function identityLines(registrations: readonly EngineRegistration[]): string[] {
  return registrations
    .map((r) => {
      const urn = r.urn.split('::').slice(2).join('::'); // drop stack and project
      const flags = [
        r.readId !== undefined && `read=${r.readId}`,
        r.parent && `parent=${r.parent}`,
        r.provider && `provider=${r.provider}`,
        r.protect && 'protect',
        r.retainOnDelete && 'retainOnDelete',
        r.dependsOn.length > 0 && `dependsOn=${r.dependsOn.join(',')}`,
        secretInputs(r).length > 0 && `secretInputs=${secretInputs(r).join(',')}`,
        r.additionalSecretOutputs.length > 0 && `secretOutputs=${r.additionalSecretOutputs.join(',')}`,
        r.customTimeouts &&
          `timeouts=${Object.entries(r.customTimeouts)
            .filter(([, v]) => v)
            .map(([k, v]) => `${k}:${v}`)
            .join(',')}`,
      ].filter(Boolean);
      return `${urn} ${flags.join(' ')}`.trim();
    })
    .sort();
}
