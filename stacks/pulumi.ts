// Pulumi entry point (Pulumi.yaml `main`): `pulumi up` runs this.
import { deployEnvironment } from './pulumi-program';

const deployment = deployEnvironment();

export const environment = deployment.env;
export const objectCount = deployment.objects.length;
