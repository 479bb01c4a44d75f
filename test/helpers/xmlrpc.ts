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
