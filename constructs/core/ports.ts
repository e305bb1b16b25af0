import { IssueInput } from './errors';

/** A port with a name, by which Services, probes, routes and policies refer to it. */
export interface NamedPort {
  /** Port name, e.g. `http`. */
  readonly name: string;
  /** Port number. */
  readonly port: number;
}

/** apimachinery `IsValidPortNum`: an integer from 1 to 65535. */
export function isPortNumber(port: unknown): boolean {
  return typeof port === 'number' && Number.isSafeInteger(port) && port >= 1 && port <= 65535;
}

/**
 * apimachinery `IsValidPortName` (an IANA service name): at most 15 characters
 * of lower-case letters, digits and '-', at least one letter, no '-' at either
 * end and no '--'.
 */
export function isPortName(name: unknown): boolean {
  return (
    typeof name === 'string' &&
    name.length <= 15 &&
    /^[-a-z0-9]+$/.test(name) &&
    /[a-z]/.test(name) &&
    !name.includes('--') &&
    !name.startsWith('-') &&
    !name.endsWith('-')
  );
}

/** `code` for a port number outside 1–65535 at `field`, or undefined. */
export function portNumberIssue(
  code: string,
  field: string,
  port: unknown,
  fix = 'use the port the process listens on',
): IssueInput | undefined {
  return isPortNumber(port) ? undefined : { code, field, value: port, message: 'must be a port number 1–65535', fix };
}

/** `code` for a port name that is not an IANA service name (`IsValidPortName`) at `field`, or undefined. */
export function portNameIssue(code: string, field: string, name: unknown): IssueInput | undefined {
  if (isPortName(name)) return undefined;
  return {
    code,
    field,
    value: name,
    message: "is not an IANA service name (≤ 15 lower-case letters, digits and '-', at least one letter, no '-' at either end, no '--')",
    fix: "name it e.g. 'http' or 'metrics'",
  };
}

/**
 * `code` for a port given by number or by name (apimachinery
 * `ValidatePortNumOrName`, as probes, hooks and Service targetPorts take it), or undefined.
 */
export function portNumOrNameIssue(code: string, field: string, port: unknown): IssueInput | undefined {
  return typeof port === 'string'
    ? portNameIssue(code, field, port)
    : portNumberIssue(code, field, port, 'use a port number 1–65535 or a port name');
}
