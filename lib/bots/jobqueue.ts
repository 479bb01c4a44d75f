import type { Check, CheckOutcome } from '../check.js'
import { CheckFailure } from '../check.js'
import { describeNetError } from '../describe-error.js'
import { httpOnce } from '../http-request.js'
import { minutes } from './tables.js'
import { BOTS_DEFAULTS } from './options.js'
import { readXmlRpcAnswer, type XmlRpcValue } from './xmlrpc.js'

// Bots' jobqueueserver is Python's SimpleXMLRPCServer in its main thread, and launcher threads
// that take jobs off the queue and run them. `listjobs()` is read-only: it returns the jobs still
// waiting, `[priority, jobnumber, task]` each, or 0 when none wait. It is the one method called:
// nothing is queued, taken or cleared.

const CALL = '<?xml version="1.0"?>\n<methodCall><methodName>listjobs</methodName><params></params></methodCall>\n'

/** A job waiting in Bots' queue. */
export interface WaitingJob {
  readonly number: number
  readonly task: string
}

/** The waiting jobs of a listjobs answer; undefined when it is not the shape Bots returns. */
export function waitingJobs (value: XmlRpcValue): WaitingJob[] | undefined {
  if (value === 0) return []
  if (!Array.isArray(value)) return undefined
  const jobs: WaitingJob[] = []
  for (const job of value) {
    if (!Array.isArray(job) || typeof job[1] !== 'number') return undefined
    const task = Array.isArray(job[2]) ? job[2].map(String).join(' ') : String(job[2] ?? '')
    jobs.push({ number: job[1], task: task.length > 80 ? `${task.slice(0, 77)}...` : task })
  }
  return jobs
}

/**
 * Remembers since when each waiting job has been seen waiting (by its number and task: a
 * restarted jobqueueserver numbers from 1 again). A queue that empties or moves forgets the jobs
 * that left it; memory holds only the jobs waiting now.
 */
export class JobWatch {
  private seen = new Map<string, { job: WaitingJob, since: number }>()
  constructor (private readonly now: () => number) {}

  /** The job waiting longest, and for how long (ms); undefined when none waits. */
  observe (jobs: readonly WaitingJob[]): { job: WaitingJob, waitedMs: number } | undefined {
    const now = this.now()
    const next = new Map<string, { job: WaitingJob, since: number }>()
    for (const job of jobs) {
      const key = `${job.number}\0${job.task}`
      next.set(key, this.seen.get(key) ?? { job, since: now })
    }
    this.seen = next
    let oldest: { job: WaitingJob, since: number } | undefined
    for (const v of next.values()) if (oldest === undefined || v.since < oldest.since) oldest = v
    return oldest === undefined ? undefined : { job: oldest.job, waitedMs: now - oldest.since }
  }
}

/**
 * `jobqueue`: an XML-RPC round trip to Bots' jobqueueserver (`listjobs`). A TCP connect alone
 * proves nothing (the kernel completes handshakes for a wedged server); an XML-RPC answer does.
 * With `stall`, it also fails when a job has been seen waiting longer than `stall.afterMs`: the
 * launcher no longer takes jobs (a hung engine run with killjobsintimeout off, or a launcher
 * thread that ended after 10 errors while the XML-RPC thread answers on). Only a long-lived
 * process sees this: each check remembers what the ones before it saw.
 */
export function jobqueueCheck (o: { port?: number, host?: string, name?: string, stall?: { afterMs: number, watch: JobWatch } } = {}): Check {
  const port = o.port ?? BOTS_DEFAULTS.jobqueuePort
  const host = o.host ?? '127.0.0.1'
  const url = new URL(`http://${host.includes(':') ? `[${host}]` : host}:${port}/RPC2`)
  const what = `jobqueueserver on ${host}:${port}`
  return {
    name: o.name ?? 'jobqueue',
    label: 'Jobqueue',
    async run (signal): Promise<CheckOutcome | undefined> {
      let answer
      try {
        answer = await httpOnce(url, { method: 'POST', body: CALL, headers: { 'content-type': 'text/xml' }, signal, maxBody: 1024 * 1024 })
      } catch (err) {
        throw new CheckFailure(describeNetError(err, what))
      }
      const read = answer.statusCode === 200 ? readXmlRpcAnswer(answer.body) : undefined
      if (read === undefined) throw new CheckFailure(`${what}: not an XML-RPC answer (HTTP ${answer.statusCode})`)
      // A fault is an answer too (the server runs): there is just no queue to watch.
      const jobs = 'value' in read ? waitingJobs(read.value) : undefined
      if (jobs === undefined) return undefined
      if (o.stall === undefined) return { measures: { bots_jobqueue_jobs: jobs.length } }
      const longest = o.stall.watch.observe(jobs)
      const measures = { bots_jobqueue_jobs: jobs.length, bots_jobqueue_oldest_job_age_seconds: (longest?.waitedMs ?? 0) / 1000 }
      if (longest !== undefined && longest.waitedMs > o.stall.afterMs) {
        const { job, waitedMs } = longest
        throw new CheckFailure(`jobqueue: job ${job.number} (${job.task}) waiting ${minutes(waitedMs / 1000)}, longer than ${minutes(o.stall.afterMs / 1000)}: the launcher is stuck (a hung engine run, or a launcher stopped after 10 errors); a restart empties the queue`, { measures })
      }
      return { measures }
    }
  }
}
