// `bots-healthcheck alerts`: a PrometheusRule that promtool accepts (check rules), and whose alerts
// fire when, and only when, they should (promtool test rules, with series as the metrics give them).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { parse, stringify } from 'yaml'
import { alertRules, promDuration } from '../lib/k8s/alerts.js'
import { botsEnv } from './helpers/app.js'
import { runCli } from './helpers/cli.js'
import { NO_PROMTOOL, PROMTOOL, promtoolCheckRules } from './helpers/prometheus.js'
import { spawnSync } from 'node:child_process'

const dir = mkdtempSync(join(tmpdir(), 'alerts-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

interface Rule { alert: string, expr: string, for?: string, labels: Record<string, string>, annotations: { summary: string, description: string } }

async function alerts (args: string[]): Promise<{ kind: string, apiVersion: string, spec: { groups: { name: string, rules: Rule[] }[] } }> {
  const r = await runCli(['alerts', ...args])
  if (r.code !== 0) throw new Error(r.stderr)
  return parse(r.stdout)
}

t.test('alerts: every check flag adds its rules; promtool check rules accepts them', { skip: NO_PROMTOOL }, async (t) => {
  const all = await alerts(['--engine-lock', '--engine-runs', '15m', '--jobqueue', '--disk', '--dirmonitor', '--stuck-transactions', '2h'])
  t.match(all, { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', spec: { groups: [{ name: 'bots-health' }] } })
  const names = all.spec.groups[0]?.rules.map((r) => r.alert)
  t.same(names, ['BotsHealthCheckFailing', 'BotsHealthCheckDown', 'BotsEngineLockStale', 'BotsEngineRunsMissing', 'BotsEngineRunErrors', 'BotsJobqueueStalled', 'BotsDiskLow', 'BotsDirmonitorBlind', 'BotsDirmonitorFilesWaiting', 'BotsTransactionsStuck'])
  for (const r of all.spec.groups[0]?.rules ?? []) t.ok(r.annotations.summary !== '' && r.annotations.description.length > 60, `${r.alert} says what to do`)
  const file = join(dir, 'rules.yaml')
  writeFileSync(file, stringify({ groups: all.spec.groups }))
  const checked = promtoolCheckRules(file)
  t.equal(checked.code, 0, checked.output)
  t.match(checked.output, 'SUCCESS: 10 rules found')
  const bare = await alerts([])
  t.same(bare.spec.groups[0]?.rules.map((r) => r.alert), ['BotsHealthCheckFailing', 'BotsHealthCheckDown'], 'no check flag: the probes alone')
})

t.test('alerts fire when they should, and not before (promtool test rules)', { skip: NO_PROMTOOL }, async (t) => {
  const e = botsEnv(t, { ini: '[settings]\nmaxruntime = 90\n[directories]\nbotssys = botssys\nusersys = usersys\n' })
  const rule = await alerts(['--config-dir', e.configDir, '--engine-lock', '--jobqueue', '--jobqueue-stall', '30m', '--for', '5m'])
  const rules = join(dir, 'fire.yaml')
  writeFileSync(rules, stringify({ groups: rule.spec.groups }))
  const lock = rule.spec.groups[0]?.rules.find((r) => r.alert === 'BotsEngineLockStale')
  t.equal(lock?.expr, 'bots_engine_lock_age_seconds > 5400', 'maxruntime 90 min, from bots.ini')
  const tests = {
    rule_files: [rules],
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: [
        { series: 'kubernetes_healthcheck{name="database",type="readyz",pod="bots-web-1"}', values: '0x10' },
        { series: 'kubernetes_healthcheck{name="process",type="livez",pod="bots-jq-1"}', values: '1x10' },
        { series: 'bots_engine_lock_age_seconds{pod="bots-web-1"}', values: '6000x10' },
        { series: 'bots_engine_lock_age_seconds{pod="bots-web-2"}', values: '3000x10' },
        { series: 'bots_jobqueue_oldest_job_age_seconds{pod="bots-jq-1"}', values: '0 600 1200 1860 1920' }
      ],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'BotsHealthCheckFailing', exp_alerts: [] },
        {
          eval_time: '6m',
          alertname: 'BotsHealthCheckFailing',
          exp_alerts: [{
            exp_labels: { severity: 'critical', name: 'database', type: 'readyz', pod: 'bots-web-1' },
            exp_annotations: { summary: 'Bots readiness check database has failed for 5m on bots-web-1', description: lines(rule, 'BotsHealthCheckFailing') }
          }]
        },
        { eval_time: '6m', alertname: 'BotsHealthCheckDown', exp_alerts: [] },
        {
          eval_time: '1m',
          alertname: 'BotsEngineLockStale',
          exp_alerts: [{
            exp_labels: { severity: 'warning', pod: 'bots-web-1' },
            exp_annotations: { summary: "Bots' engine lock is 1h 40m 0s old, longer than maxruntime (90 min)", description: lines(rule, 'BotsEngineLockStale') }
          }]
        },
        { eval_time: '2m', alertname: 'BotsJobqueueStalled', exp_alerts: [] },
        {
          eval_time: '3m',
          alertname: 'BotsJobqueueStalled',
          exp_alerts: [{
            exp_labels: { severity: 'critical', pod: 'bots-jq-1' },
            exp_annotations: { summary: "A job has waited 31m 0s in Bots' job queue, longer than 30m", description: lines(rule, 'BotsJobqueueStalled') }
          }]
        }
      ]
    }]
  }
  const file = join(dir, 'tests.yaml')
  writeFileSync(file, stringify(tests))
  const r = spawnSync(PROMTOOL as string, ['test', 'rules', file], { encoding: 'utf8' })
  t.equal(r.status, 0, `${r.stdout}${r.stderr}`)
  t.match(r.stdout, 'SUCCESS')
})

function lines (rule: Awaited<ReturnType<typeof alerts>>, alert: string): string {
  return rule.spec.groups[0]?.rules.find((r) => r.alert === alert)?.annotations.description ?? ''
}

t.test('alerts: durations as Prometheus writes them; --for goes with alerts only', async (t) => {
  t.same([0, 90, 300, 3600, 5400, 7200].map(promDuration), ['0s', '90s', '5m', '1h', '90m', '2h'])
  t.equal(alertRules({ name: 'x', forSeconds: 60, maxRuntimeMinutes: 60, engineLock: false, engineRunsSeconds: undefined, jobqueue: true, jobqueueStallSeconds: undefined, disk: false, dirmonitor: false, dirmonitorStaleSeconds: undefined, stuckTransactionsSeconds: undefined })[2]?.expr, 'bots_jobqueue_oldest_job_age_seconds > 3600', 'the stall defaults to maxruntime')
  const wrong = await runCli(['--check', 'ready', '--for', '5m'])
  t.equal(wrong.code, 2)
  t.match(wrong.stderr, '--for goes with alerts')
})
