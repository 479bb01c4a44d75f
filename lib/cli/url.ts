import { redact } from '../redact.js'
import type { Args } from './args.js'
import type { CliIo } from './io.js'
import { EXIT_ERROR, EXIT_HEALTHY, EXIT_UNHEALTHY, type Report, render } from '../writers/text.js'

/** `--url`: one GET with a hard timeout, counted as the kubelet counts it. */
export async function urlCommand (args: Args, io: CliIo, secrets: readonly string[]): Promise<number> {
  const { probeUrl } = await import('../http-probe.js')
  const r = await probeUrl(args.url ?? '', args.timeoutMs ?? 1000, { strictTls: args.strictTls })
  // The answer is somebody else's: whatever secret it echoes stays here.
  const out = (text: string): void => io.out(redact(text, secrets))
  if (!args.quiet) {
    if (args.json) {
      out(JSON.stringify(r, null, 2) + '\n')
    } else {
      const status = r.status === 'error' ? `error: ${r.error ?? 'no answer'}` : String(r.statusCode)
      let text = `Health Check: ${r.url}\nStatus: ${status}\n`
      const report = r.report as Report | undefined
      if (report !== undefined && typeof report === 'object' && typeof report.check === 'string' && 'checks' in report) {
        text += render(report).split('\n').slice(2).join('\n')
      }
      out(text)
    }
  }
  return r.status === 'ok' ? EXIT_HEALTHY : r.status === 'unhealthy' ? EXIT_UNHEALTHY : EXIT_ERROR
}
