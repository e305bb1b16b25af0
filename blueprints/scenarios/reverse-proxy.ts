import { Construct } from 'constructs';
import { CheckedConstruct, ConfigMap, Probe, ResourcePreset, TeamNamespace, Volume, WebService } from '../../constructs';
import { is } from '../../constructs/core/shape';

/** Props of `ReverseProxy`. */
export interface ReverseProxyProps {
  readonly namespace: TeamNamespace;
  /** @default 2 */
  readonly replicas?: number;
  /** @default 'wardviaene/k8s-demo:1.0.0' (see HelloworldDb) */
  readonly appImage?: string;
  /** nginx that runs as non-root and listens on 8080. @default 'nginxinc/nginx-unprivileged:1.27.2' */
  readonly nginxImage?: string;
}

/** The nginx configuration of the notes (003 §4-2), on an unprivileged port. */
export const REVERSE_PROXY_CONF = `server {
  listen 8080;
  location / {
    proxy_bind 127.0.0.1;
    proxy_pass http://127.0.0.1:3000;
  }
  error_page 500 502 503 504 /50x.html;
  location = /50x.html {
    root /usr/share/nginx/html;
  }
}
`;

/** The shape of the props (checked at entry). */
const REVERSE_PROXY_SHAPE = is.props<ReverseProxyProps>(
  {
    namespace: is.instance(TeamNamespace),
    replicas: is.number,
    appImage: is.string,
    nginxImage: is.string,
  },
  ['namespace'],
);

/**
 * nginx as a reverse proxy in front of the app in the same pod, configured by
 * a ConfigMap-mounted `reverseproxy.conf` in `/etc/nginx/conf.d`. Only nginx's
 * port is exposed; a change of the file rolls the pods (config hash).
 */
export class ReverseProxy extends CheckedConstruct<ReverseProxyProps> {
  public readonly service: WebService;
  public readonly config: ConfigMap;

  constructor(scope: Construct, id: string, props: ReverseProxyProps) {
    super(scope, id, props, 'ReverseProxy', REVERSE_PROXY_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const ns = props.namespace;
    this.config = new ConfigMap(this, 'Config', {
      namespace: ns.name,
      name: 'nginx-config',
      files: { 'reverseproxy.conf': REVERSE_PROXY_CONF },
    });
    this.service = new WebService(this, 'Service', {
      namespace: ns,
      name: 'reverse-proxy',
      image: props.nginxImage ?? 'nginxinc/nginx-unprivileged:1.27.2',
      replicas: props.replicas ?? 2,
      ports: [{ name: 'http', port: 8080 }],
      servicePorts: [{ name: 'http', port: 80, targetPort: 'http' }],
      resources: ResourcePreset.MICRO,
      readiness: Probe.http('/', 'http'),
      liveness: Probe.tcp('http', { periodSeconds: 20 }),
      mounts: [{ volume: Volume.fromConfigMap(this.config), path: '/etc/nginx/conf.d' }],
      writablePaths: ['/tmp', '/var/cache/nginx'],
      sidecars: [
        {
          name: 'k8s-demo',
          image: props.appImage ?? 'wardviaene/k8s-demo:1.0.0',
          resources: ResourcePreset.SMALL,
          // The image's CMD is `npm start`, which runs `node index.js` (package.json) but first needs a writable
          // $HOME/.npm: uid 10001 has no passwd entry, so HOME is `/`, read-only here, and npm (8.11 and later) exits. node itself
          // writes nothing; the path is relative to the image's WORKDIR /app.
          command: ['node', 'index.js'],
          // The app listens on 3000 inside the pod; the Service reaches it only through nginx.
          ports: [{ name: 'app', port: 3000 }],
          readiness: Probe.http('/', 'app'),
          liveness: Probe.tcp('app', { periodSeconds: 20 }),
        },
      ],
    });
  }
}
