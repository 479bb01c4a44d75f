// Writes examples/k8s/*.yaml: a whole Bots deployment whose probes are exactly what
// `bots-healthcheck probes` prints. `node scripts/gen-k8s-examples.mjs` after changing probes.
// - webserver.yaml: the Django webserver, probed through a `bots-healthcheck serve` sidecar that
//   watches its process (liveness) and Bots' state (readiness warnings).
// - jobqueue.yaml: jobqueueserver and dirmonitor in one pod (dirmonitor reaches the jobqueue on
//   localhost), each watched by a sidecar of its own: the jobqueueserver's process, answer and
//   progress; the dirmonitor's process and what it watches.
// - engine.yaml: the engine's CronJob, whose init container waits for the database, Bots' tables
//   and bots.ini before the engine starts (a check set a fresh volume passes: --fresh-volume), and
//   whose preStop hook waits for a run to end before the SIGTERM (wait-engine-idle), with the CLI
//   and Node copied in from the health image (Bots' Python image has no Node).
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse, stringify } from 'yaml'

const cli = fileURLToPath(new URL('../dist/bots-healthcheck.cjs', import.meta.url))
const probes = (args) => parse(execFileSync(process.execPath, [cli, 'probes', ...args], { encoding: 'utf8' }))

const CONFIG = '/config'
const BOTS_IMAGE = 'bots:4'
const SIDECAR_IMAGE = 'fastify-bots-health:0.1.0'
const TIMEOUT_MS = 500
/** The engine pod's grace period: its preStop hook waits up to 10 s less for a run to end. */
const ENGINE_GRACE_SECONDS = 120
const TOOLS = '/health-tools'
const toolsMount = (readOnly) => ({ name: 'health-tools', mountPath: TOOLS, ...(readOnly ? { readOnly: true } : {}) })

/** Bots' database settings, as the fork's manifests give them (the password from a Secret). */
const dbEnv = [
  { name: 'BOTS_CONFIG_DIR', value: CONFIG },
  { name: 'DB_HOST', value: 'mysql' },
  { name: 'DB_PORT', value: '3306' },
  { name: 'DB_NAME', value: 'botsdb' },
  { name: 'DB_USER', value: 'bots' },
  { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'bots-db', key: 'password' } } }
]
const volumes = [
  { name: 'config', configMap: { name: 'bots-config' } },
  { name: 'botsenv', persistentVolumeClaim: { claimName: 'bots-data' } }
]
const mounts = [
  { name: 'config', mountPath: CONFIG, readOnly: true },
  { name: 'botsenv', mountPath: '/home/bots/.bots' }
]
const securityContext = { runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }
const resources = { requests: { cpu: '10m', memory: '96Mi' }, limits: { memory: '160Mi' } }

/** A native sidecar (Kubernetes 1.29+): an init container that keeps running beside the others. */
function sidecar (name, port, checks) {
  return {
    name,
    image: SIDECAR_IMAGE,
    restartPolicy: 'Always',
    args: ['serve', '--port', String(port), '--timeout', String(TIMEOUT_MS), '--config-dir', CONFIG, '--drain-delay', '5000', ...checks],
    ports: [{ name, containerPort: port }],
    env: dbEnv,
    volumeMounts: mounts,
    securityContext,
    resources,
    // The sidecar's own liveness: it answers. What it watches is probed from the Bots container.
    livenessProbe: { httpGet: { path: '/health/ping', port }, periodSeconds: 30, timeoutSeconds: 2 }
  }
}

/** A Bots container whose probes go to its sidecar's port. */
function bots (name, command, port) {
  return {
    name,
    image: BOTS_IMAGE,
    command,
    env: dbEnv,
    volumeMounts: mounts,
    ...probes(['--port', String(port), '--timeout', String(TIMEOUT_MS)])
  }
}

function deployment (name, pod) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 30, ...pod, volumes } }
    }
  }
}

export function manifests () {
  return {
    'webserver.yaml': [
      deployment('bots-webserver', {
        // Liveness watches the webserver's own process (a wedged or stopped one is restarted): the
        // sidecar sees it with a shared process namespace. Readiness warns (200) on what Bots'
        // tables say: a stale engine lock, engine runs that stopped or failed, transactions left
        // unfinished.
        shareProcessNamespace: true,
        initContainers: [sidecar('health', 9000, ['--process', 'bots-webserver', '--webserver', '--writable', '--disk', '--engine-lock', '--engine-runs', '15m', '--stuck-transactions', '2h'])],
        containers: [{ ...bots('webserver', ['bots-webserver', `-c${CONFIG}`], 9000), ports: [{ name: 'http', containerPort: 8080 }] }]
      }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bots-webserver' }, spec: { selector: { app: 'bots-webserver' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } }
    ],
    'jobqueue.yaml': [
      deployment('bots-jobqueue', {
        // The sidecars see the Bots processes in /proc only with a shared process namespace.
        shareProcessNamespace: true,
        initContainers: [
          // Liveness: the process, an XML-RPC answer, and a queue that moves (a job waiting longer
          // than maxruntime means a stuck launcher: a restart is the cure).
          sidecar('health-jobqueue', 9000, ['--process', 'bots-jobqueueserver', '--jobqueue', '--writable']),
          // The dirmonitor's liveness is its own process; readiness says whether it can see files.
          sidecar('health-dirmonitor', 9001, ['--process', 'bots-dirmonitor', '--dirmonitor'])
        ],
        containers: [
          bots('jobqueueserver', ['bots-jobqueueserver', `-c${CONFIG}`], 9000),
          bots('dirmonitor', ['bots-dirmonitor', `-c${CONFIG}`], 9001)
        ]
      })
    ],
    'engine.yaml': [
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'bots-engine' },
        spec: {
          schedule: '*/5 * * * *',
          concurrencyPolicy: 'Forbid',
          jobTemplate: {
            spec: {
              backoffLimit: 1,
              template: {
                spec: {
                  restartPolicy: 'Never',
                  // A run may finish within the grace period: the preStop hook waits up to 110 s of it.
                  terminationGracePeriodSeconds: ENGINE_GRACE_SECONDS,
                  initContainers: [
                    {
                      // Node and the CLI for the engine's preStop hook (same Debian base: glibc, libstdc++).
                      name: 'health-tools',
                      image: SIDECAR_IMAGE,
                      command: ['cp', '/usr/local/bin/node', '/opt/bots-health/bots-healthcheck.cjs', TOOLS],
                      volumeMounts: [toolsMount(false)],
                      securityContext,
                      resources
                    },
                    {
                      // Up to 150 s for the database, Bots' tables and bots.ini, one line per change,
                      // then the engine. --fresh-volume: botssys and usersys are the engine's to
                      // create on a new volume, so they are not waited for.
                      name: 'wait-for-bots',
                      image: SIDECAR_IMAGE,
                      args: ['--check', 'startup', '--fresh-volume', '--wait', '150', '--timeout', String(TIMEOUT_MS), '--config-dir', CONFIG],
                      env: dbEnv,
                      volumeMounts: mounts,
                      securityContext,
                      resources
                    }
                  ],
                  containers: [{
                    name: 'engine',
                    image: BOTS_IMAGE,
                    command: ['bots-engine', `-c${CONFIG}`],
                    env: dbEnv,
                    volumeMounts: [...mounts, toolsMount(true)],
                    // A SIGTERM mid-run skips Bots' atexit handler and leaves its lock: wait for the run first.
                    lifecycle: { preStop: { exec: { command: [`${TOOLS}/node`, `${TOOLS}/bots-healthcheck.cjs`, 'wait-engine-idle', '--timeout', String(ENGINE_GRACE_SECONDS - 10), '--config-dir', CONFIG] } } }
                  }],
                  volumes: [...volumes, { name: 'health-tools', emptyDir: {} }]
                }
              }
            }
          }
        }
      }
    ]
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, docs] of Object.entries(manifests())) {
    const text = docs.map((d) => stringify(d)).join('---\n')
    writeFileSync(new URL(`../examples/k8s/${file}`, import.meta.url), `# Generated by scripts/gen-k8s-examples.mjs from \`bots-healthcheck probes\`.\n${text}`)
  }
}
