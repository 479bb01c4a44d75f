// The example deployment, validated against the Kubernetes schemas (kubernetes-models) and
// linted; lint's lines and its understanding of sidecar ports.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { parseAllDocuments } from 'yaml'
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { CronJob } from 'kubernetes-models/batch/v1/CronJob'
import { Service } from 'kubernetes-models/v1/Service'
import { lintManifests } from '../lib/k8s/lint.js'
import { runCli } from './helpers/cli.js'

const dir = fileURLToPath(new URL('../examples/k8s/', import.meta.url))
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'))
const models: Record<string, new (o: never) => { validate (): void }> = { Deployment, CronJob, Service }

function validate (doc: Record<string, unknown>): string | undefined {
  const Model = models[String(doc.kind)]
  if (Model === undefined) return `no schema for ${String(doc.kind)}`
  try {
    new Model(doc as never).validate()
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

t.test('the example deployment covers every Bots process', async (t) => {
  t.same(files.sort(), ['engine.yaml', 'jobqueue.yaml', 'webserver.yaml'])
  const all = files.flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as Record<string, unknown>))
  const text = JSON.stringify(all)
  for (const command of ['bots-webserver', 'bots-jobqueueserver', 'bots-dirmonitor', 'bots-engine']) t.match(text, `"${command}"`, command)
  t.match(text, '"shareProcessNamespace":true')
  t.match(text, '"restartPolicy":"Always"', 'native sidecars')
  t.match(text, '"--wait","150"', 'the engine waits for Bots at start')
  t.match(text, '"--check","startup","--fresh-volume"', 'with a check set a fresh volume passes')
  t.match(text, '"wait-engine-idle","--timeout","110"', 'the engine\'s preStop hook waits for a run')
  t.match(text, '"--dirmonitor"')
  t.match(text, '"--stuck-transactions","2h"')
})

for (const file of files) {
  t.test(`${file}: every document is valid against the Kubernetes schemas and passes lint`, async (t) => {
    const text = readFileSync(join(dir, file), 'utf8')
    for (const d of parseAllDocuments(text)) {
      const doc = d.toJS() as Record<string, unknown>
      t.equal(validate(doc), undefined, `${String(doc.kind)}/${String((doc.metadata as { name: string }).name)}`)
    }
    t.same(lintManifests(text, { timeoutMs: 500, minStartupSeconds: 150 }), [])
  })
}

t.test('the schema check can fail: a container without a name, a port of the wrong type', async (t) => {
  const doc = parseAllDocuments(readFileSync(join(dir, 'webserver.yaml'), 'utf8'))[0]?.toJS() as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }
  const container = doc.spec.template.spec.containers[0] as Record<string, unknown>
  delete container.name
  t.match(validate(doc as never), /name/)
  container.name = 'webserver'
  container.ports = [{ containerPort: 'eighty' }]
  t.match(validate(doc as never), /containerPort/)
})

const pod = (containers: string, initContainers = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bots
spec:
  template:
    spec:
${initContainers}      containers:
${containers}`

t.test('lint points at the line of the probe, not the document number', async (t) => {
  const text = `apiVersion: v1
kind: Service
metadata: {name: s}
---
${pod(`        - name: app
          image: bots:4
          livenessProbe:
            httpGet: {path: /health/ready, port: 8080}
            periodSeconds: 30
            timeoutSeconds: 2
          startupProbe:
            httpGet: {path: /health/startup, port: 8080}
            periodSeconds: 5
            failureThreshold: 30
            timeoutSeconds: 2
`)}`
  const findings = lintManifests(text, { timeoutMs: 500, minStartupSeconds: 150 })
  t.equal(findings.length, 1)
  t.match(findings[0], { level: 'error', document: 2, line: 15, probe: 'livenessProbe', message: /liveness runs the ready check/ })
  t.equal(text.split('\n')[14], '          livenessProbe:', 'line 15 is the probe')
})

t.test('lint understands a sidecar\'s port: its name, and the deadline the sidecar runs with', async (t) => {
  const sidecar = (timeout: string) => `      initContainers:
        - name: health
          image: fastify-bots-health
          restartPolicy: Always
          args: [serve, --port, "9000", --timeout, "${timeout}"]
          ports: [{name: health, containerPort: 9000}]
`
  const probe = (port: string, timeoutSeconds: number) => `        - name: jobqueueserver
          image: bots:4
          readinessProbe:
            httpGet: {path: /health/ready, port: ${port}}
            periodSeconds: 10
            failureThreshold: 2
            timeoutSeconds: ${timeoutSeconds}
`
  const opts = { timeoutMs: 500, minStartupSeconds: 150 }
  t.same(lintManifests(pod(probe('health', 1), sidecar('500')), opts), [], 'a named sidecar port, a deadline below timeoutSeconds')
  const slow = lintManifests(pod(probe('health', 1), sidecar('1500')), opts)
  t.match(slow, [{ level: 'error', container: 'jobqueueserver', message: /the check deadline \(1500 ms\) is not below timeoutSeconds \(1 s\)/ }], 'the sidecar\'s --timeout is the deadline')
  const missing = lintManifests(pod(probe('helth', 2), sidecar('500')), opts)
  t.match(missing, [{ level: 'error', message: /targets port "helth", which no container of the pod names/ }])
  const sidecarOnly = lintManifests(pod(probe('9000', 2), sidecar('500').replace('restartPolicy: Always', 'restartPolicy: Always\n          livenessProbe: {httpGet: {path: /health/ready, port: 9000}, timeoutSeconds: 2}')), opts)
  t.match(sidecarOnly, [{ level: 'error', container: 'health', probe: 'livenessProbe', message: /liveness runs the ready check/ }], 'a native sidecar\'s own probes are linted too')
})

t.test('lint: an engine container without a preStop hook that waits for its run is a warning; a hook as long as the grace period is an error', async (t) => {
  const opts = { timeoutMs: 500, minStartupSeconds: 150 }
  const job = (container: string, grace = ''): string => `apiVersion: batch/v1
kind: CronJob
metadata: {name: bots-engine}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never${grace}
          containers:
${container}`
  const bare = lintManifests(job('            - {name: engine, image: bots:4, command: [bots-engine, -c/config]}'), opts)
  t.match(bare, [{ level: 'warning', container: 'engine', line: 12, message: /^the engine has no preStop hook that waits for its run: .* wait-engine-idle --timeout N, N below terminationGracePeriodSeconds \(30 s\)$/ }])
  t.equal(bare.length, 1)
  const module = lintManifests(job('            - {name: engine, image: bots:4, command: [python3, -m, bots.engine]}'), opts)
  t.match(module, [{ level: 'warning', container: 'engine' }], 'python -m bots.engine is the engine too')
  const hook = (timeout: string): string => `            - name: engine
              image: bots:4
              command: [/usr/local/bin/bots-engine, -c/config]
              lifecycle:
                preStop:
                  exec: {command: [/health-tools/node, /health-tools/bots-healthcheck.cjs, wait-engine-idle, --timeout, "${timeout}"]}`
  t.same(lintManifests(job(hook('110'), '\n          terminationGracePeriodSeconds: 120'), opts), [], 'a hook that gives up within the grace period')
  t.match(lintManifests(job(hook('30')), opts), [{ level: 'error', line: 15, message: 'the preStop hook waits up to 30 s, not less than terminationGracePeriodSeconds (30 s): the engine is killed before the hook gives up. Lower --timeout or raise the grace period' }])
  t.same(lintManifests(job('            - {name: web, image: bots:4, command: [bots-webserver]}'), opts), [], 'other Bots processes need no hook')
})

t.test('every YAML block of the README passes lint, and the exec fallback is what `probes --exec` prints', async (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string)
  t.ok(blocks.length >= 3)
  let linted = 0
  for (const block of blocks) {
    const doc = parseAllDocuments(block)[0]?.toJS() as Record<string, unknown>
    let workload: Record<string, unknown> | undefined
    if (Object.keys(doc).some((k) => k.endsWith('Probe'))) {
      // Probes to paste under a container.
      workload = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'readme' }, spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'bots', image: 'bots:4', ...doc }] } } } }
    } else if (doc.spec !== undefined && doc.kind === undefined) {
      // A pod spec.
      workload = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'readme' }, spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: doc.spec } } }
    }
    if (workload === undefined) continue
    linted++
    t.equal(validate(workload), undefined, `valid against the schemas: ${block.slice(0, 40)}`)
    t.same(lintManifests(JSON.stringify(workload), { timeoutMs: 500, minStartupSeconds: 150 }), [], `passes lint: ${block.slice(0, 40)}`)
  }
  t.ok(linted >= 2, `${linted} blocks linted`)
  const exec = blocks.find((b) => b.includes('--check, startup'))
  const printed = await runCli(['probes', '--exec', '--process', 'bots-jobqueueserver', '--jobqueue'])
  t.same(parseAllDocuments(exec ?? '')[0]?.toJS(), parseAllDocuments(printed.stdout)[0]?.toJS(), 'the README\'s exec probes are what the CLI prints')
})

t.test('lint: a Bots container probed on a path that is none of ours, a liveness that depends on another container, a shell\'s script, a live route with no checks', async (t) => {
  const opts = { timeoutMs: 500, minStartupSeconds: 150 }
  const pod = (containers: string, init = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  shareProcessNamespace: true
  initContainers:${init === '' ? ' []' : `\n${init}`}
  containers:
${containers}`
  const startup = 'startupProbe: {httpGet: {path: /health/startup, port: 9000}, periodSeconds: 5, failureThreshold: 30, timeoutSeconds: 1}'
  // The fork's own manifest: /health/* on Bots' webserver, which answers any path with a 200 page.
  const fork = lintManifests(pod(`    - name: web
      image: bots:4
      command: [bots-webserver, -c/config]
      livenessProbe: {httpGet: {path: /health/, port: 8080}, periodSeconds: 30}`), opts)
  t.match(fork, [{ level: 'warning', container: 'web', probe: 'livenessProbe', message: /the probe's path "\/health\/" is none of this package's routes/ }])
  t.same(lintManifests(pod('    - {name: app, image: mine, command: [node, server.js], livenessProbe: {httpGet: {path: /healthz, port: 8080}}}'), opts), [], 'not a Bots container: not ours to judge')
  const sidecar = (args: string): string => `    - name: health-dirmonitor
      image: fastify-bots-health:0.1.0
      restartPolicy: Always
      args: [serve, --port, "9001", --timeout, "500", ${args}]
      ports: [{name: hd, containerPort: 9001}]`
  const dirmonitor = `    - name: dirmonitor
      image: bots:4
      command: [python3, -m, bots.dirmonitor, -c/config]
      ${startup.replace('9000', '9001')}
      livenessProbe: {httpGet: {path: /health/live, port: 9001}, periodSeconds: 30, timeoutSeconds: 1}`
  t.match(lintManifests(pod(dirmonitor, sidecar('--process, bots-dirmonitor, --jobqueue')), opts), [{ level: 'warning', container: 'dirmonitor', message: /the liveness of bots-dirmonitor goes to a sidecar that checks the jobqueueserver \(--jobqueue\)/ }])
  t.same(lintManifests(pod(dirmonitor, sidecar('--process, bots-dirmonitor, --dirmonitor')), opts), [], 'its own process alone')
  // A shell's script is read: liveness that runs readiness is an error however it is spelled.
  const shell = lintManifests(pod(`    - name: jq
      image: bots:4
      command: [bots-jobqueueserver, -c/config]
      startupProbe: {exec: {command: [sh, -c, "bots-healthcheck --check startup --quiet"]}, periodSeconds: 5, failureThreshold: 30, timeoutSeconds: 3}
      livenessProbe: {exec: {command: [sh, -c, "bots-healthcheck --check ready --quiet"]}, periodSeconds: 30, timeoutSeconds: 3}`), opts)
  t.match(shell, [{ level: 'error', probe: 'livenessProbe', message: /liveness runs the ready check/ }])
  // /health/live on a sidecar with no live check answers at once: its deadline does not count.
  const web = `    - name: web
      image: bots:4
      command: [bots-webserver, -c/config]
      ${startup}
      livenessProbe: {httpGet: {path: /health/live, port: 9000}, periodSeconds: 30, timeoutSeconds: 1}`
  const webSidecar = (args: string): string => `    - {name: health, image: fastify-bots-health:0.1.0, restartPolicy: Always, args: [serve, --port, "9000", --timeout, "1000", ${args}], ports: [{containerPort: 9000}]}`
  t.same(lintManifests(pod(web, webSidecar('--webserver')), opts).filter((f) => f.probe === 'livenessProbe'), [], 'no live check: no deadline to fit')
  t.match(lintManifests(pod(web, webSidecar('--process, bots-webserver')), opts), [{ level: 'error', probe: 'livenessProbe', message: /the check deadline \(1000 ms\) is not below timeoutSeconds \(1 s\)/ }], 'a live check: its deadline must fit')
})

t.test('the README\'s bots.ini for the examples\' layout puts botssys and usersys on the data volume, as Bots and the probes read it', async (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const ini = /```ini\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('What bots.ini must hold for this layout')))?.[1] ?? ''
  const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const dir = mkdtempSync(join(tmpdir(), 'layout-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'config'))
  writeFileSync(join(dir, 'config', 'bots.ini'), `[settings]\n${ini}`)
  const { loadBotsEnvironment } = await import('../lib/bots/environment.js')
  const env = loadBotsEnvironment(join(dir, 'config'))
  t.equal(env.configError, undefined)
  t.equal(env.botssys, '/home/bots/.bots/botssys')
  t.equal(env.usersys, '/home/bots/.bots/usersys')
  const mounts = parseAllDocuments(readFileSync(new URL('../examples/k8s/engine.yaml', import.meta.url), 'utf8'))[0]?.toJS() as unknown
  t.match(JSON.stringify(mounts), /"mountPath":"\/home\/bots\/\.bots"/, 'the volume the examples mount')
  t.match(JSON.stringify(mounts), /"mountPath":"\/config"/)
})
