/** A port with a name, by which Services, probes, routes and policies refer to it. */
export interface NamedPort {
  /** Port name, e.g. `http`. */
  readonly name: string;
  /** Port number. */
  readonly port: number;
}
