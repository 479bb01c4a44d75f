import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'

// Bots' jobqueueserver is Python's single-threaded SimpleXMLRPCServer; the tests run the real one.
const SERVER = `
import sys, time
from xmlrpc.server import SimpleXMLRPCServer
class Jobqueue:
    def listjobs(self):
        return 0
    def wedge(self):
        time.sleep(3600)
server = SimpleXMLRPCServer(("127.0.0.1", int(sys.argv[1])), logRequests=False, allow_none=True)
server.register_instance(Jobqueue())
print(server.server_address[1], flush=True)
server.serve_forever()
`

export const PYTHON = spawnSync('python3', ['-c', 'import xmlrpc.server'], { stdio: 'ignore' }).status === 0 ? 'python3' : undefined

export interface XmlRpcServer {
  port: number
  /** Calls a method that never returns: the one thread is busy, as a wedged jobqueueserver's is. */
  wedge (): void
  close (): Promise<void>
}

export async function pythonXmlRpcServer (port = 0): Promise<XmlRpcServer> {
  if (PYTHON === undefined) throw new Error('python3 is needed for the XML-RPC server')
  const child: ChildProcess = spawn(PYTHON, ['-c', SERVER, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const bound = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the XML-RPC server exited (${String(code)})`)))
    child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())))
  })
  child.removeAllListeners('exit')
  return {
    port: bound,
    wedge () {
      const req = request({ host: '127.0.0.1', port: bound, method: 'POST', path: '/RPC2', headers: { 'content-type': 'text/xml' } })
      req.on('error', () => {})
      req.end('<?xml version="1.0"?><methodCall><methodName>wedge</methodName><params></params></methodCall>')
    },
    close: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGKILL')
    })
  }
}

// A job queue with Bots' listjobs semantics, written for the tests: `addjob` numbers jobs from 1
// and queues [priority, jobnumber, task]; a launcher thread takes each off the queue and runs it;
// `listjobs` returns the jobs still waiting, or 0. `hang` makes the next job run for ever (a hung
// engine run with killjobsintimeout off); `stoplauncher` ends the launcher thread alone (as Bots'
// does after 10 errors in a row) while the XML-RPC thread answers on.
const JOBQUEUE = `
import sys, queue, threading, time
from xmlrpc.server import SimpleXMLRPCServer
jobs = queue.Queue()
state = {'counter': 0, 'hang': False, 'stop': False}
class Jobqueue:
    def addjob(self, task, priority):
        state['counter'] += 1
        jobs.put([priority, state['counter'], task])
        return 0
    def listjobs(self):
        return list(jobs.queue) if not jobs.empty() else 0
    def hang(self):
        state['hang'] = True
        return 0
    def stoplauncher(self):
        state['stop'] = True
        launcher_thread.join(10)
        return 0 if not launcher_thread.is_alive() else 1
def launcher():
    while True:
        if state['stop']:
            sys.exit(1)
        try:
            job = jobs.get(timeout=0.02)
        except queue.Empty:
            continue
        while state['hang']:
            time.sleep(0.05)
        time.sleep(0.02)
        jobs.task_done()
launcher_thread = threading.Thread(target=launcher, daemon=True)
launcher_thread.start()
server = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False)
server.register_instance(Jobqueue())
print(server.server_address[1], flush=True)
server.serve_forever()
`

export interface PythonJobqueue {
  port: number
  call (method: string, ...params: string[]): Promise<string>
  close (): Promise<void>
}

/** Python's SimpleXMLRPCServer serving a job queue with a launcher thread (see JOBQUEUE). */
export async function pythonJobqueue (): Promise<PythonJobqueue> {
  if (PYTHON === undefined) throw new Error('python3 is needed for the job queue')
  const child: ChildProcess = spawn(PYTHON, ['-c', JOBQUEUE], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())))
  })
  const call = (method: string, ...params: string[]): Promise<string> => new Promise((resolve, reject) => {
    const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params.map((p) => `<param><value>${p}</value></param>`).join('')}</params></methodCall>`
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/RPC2', headers: { 'content-type': 'text/xml' } }, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => { text += d.toString() })
      res.on('end', () => resolve(text))
    })
    req.on('error', reject)
    req.end(body)
  })
  return {
    port,
    call,
    close: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGKILL')
    })
  }
}

/** addjob's params for a Bots engine run: the task (a list) and its priority. */
export const engineJob = (route: string): string[] => [`<array><data><value><string>bots-engine</string></value><value><string>--new</string></value><value><string>${route}</string></value></data></array>`, '<int>5</int>']
