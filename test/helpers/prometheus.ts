import { execFileSync, spawnSync } from 'node:child_process'

// The oracles for metrics and alert rules: promtool (Debian's `prometheus` package) and Python's
// prometheus_client (Debian's `python3-prometheus-client`). .ci/run installs both; elsewhere a
// test that needs one is skipped, saying which.

export const PROMTOOL = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0 ? 'promtool' : undefined
export const NO_PROMTOOL = PROMTOOL === undefined ? 'promtool not found (apt install prometheus)' : false

/** A python3 that has prometheus_client (pyenv's may not, Debian's may). */
export const PYTHON_PROM = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import prometheus_client.openmetrics.parser'], { stdio: 'ignore' }).status === 0)
export const NO_PYTHON_PROM = PYTHON_PROM === undefined ? "Python's prometheus_client not found (apt install python3-prometheus-client)" : false

/** `promtool check metrics` on the text: its exit code and what it printed (nothing, when clean). */
export function promtoolCheckMetrics (text: string): { code: number | null, output: string } {
  const r = spawnSync(PROMTOOL as string, ['check', 'metrics'], { input: text, encoding: 'utf8' })
  return { code: r.status, output: `${r.stdout}${r.stderr}` }
}

/** `promtool check rules` on a rules file. */
export function promtoolCheckRules (file: string): { code: number | null, output: string } {
  const r = spawnSync(PROMTOOL as string, ['check', 'rules', file], { encoding: 'utf8' })
  return { code: r.status, output: `${r.stdout}${r.stderr}` }
}

export interface ParsedFamily { name: string, type: string, help: string, samples: { name: string, labels: Record<string, string>, value: number }[] }

/** OpenMetrics text as prometheus_client's parser reads it; it throws on what the format forbids. */
export function parseOpenMetrics (text: string): ParsedFamily[] {
  const script = `import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    out.append({'name': f.name, 'type': f.type, 'help': f.documentation, 'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]})
print(json.dumps(out))`
  return JSON.parse(execFileSync(PYTHON_PROM as string, ['-c', script], { input: text, encoding: 'utf8' })) as ParsedFamily[]
}
