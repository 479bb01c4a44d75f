import { createServer, type Server, type Socket, connect } from 'node:net'
import type { AddressInfo } from 'node:net'

function listen (server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function closeServer (server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy()
  return new Promise((resolve) => server.close(() => resolve()))
}

/** A port nothing listens on: a refused connection, for real. */
export async function closedPort (): Promise<number> {
  const server = createServer()
  const port = await listen(server)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export interface HungServer {
  port: number
  /** Connections accepted so far. */
  readonly accepted: number
  /** Connections open now. */
  readonly open: number
  close (): Promise<void>
}

/** A TCP server that accepts and never says a word: a hung database. */
export async function hungServer (): Promise<HungServer> {
  const sockets = new Set<Socket>()
  let accepted = 0
  const server = createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    // Read and drop what comes, so that a peer's close is seen; never answer.
    socket.resume()
  })
  const port = await listen(server)
  return {
    port,
    get accepted () { return accepted },
    get open () { return sockets.size },
    close: () => closeServer(server, sockets)
  }
}

export interface MysqlProxy {
  port: number
  /** COM_QUERY packets the clients sent through the proxy. */
  readonly queries: number
  readonly accepted: number
  readonly open: number
  /** Latency added to every server→client chunk, in ms. */
  delayMs: number
  /** Drop every connection and refuse new ones until restore(). */
  cut (): void
  restore (): void
  close (): Promise<void>
}

/**
 * A TCP proxy in front of the real server that counts the queries clients send (MySQL packets
 * with command byte 0x03), can add latency, and can cut and restore the link.
 */
export async function mysqlProxy (targetPort: number, targetHost = '127.0.0.1'): Promise<MysqlProxy> {
  const sockets = new Set<Socket>()
  let queries = 0
  let accepted = 0
  let isCut = false
  const state = { delayMs: 0 }
  // The answers held back by delayMs: cleared with their connection, so that a stalled answer
  // never keeps the test process alive after the proxy is closed.
  const held = new Set<NodeJS.Timeout>()
  const server = createServer((client) => {
    if (isCut) {
      client.destroy()
      return
    }
    accepted++
    const upstream = connect(targetPort, targetHost)
    sockets.add(client)
    sockets.add(upstream)
    const drop = (): void => { client.destroy(); upstream.destroy() }
    const mine = new Set<NodeJS.Timeout>()
    client.on('close', () => {
      sockets.delete(client)
      upstream.destroy()
      for (const timer of mine) { clearTimeout(timer); held.delete(timer) }
    })
    upstream.on('close', () => { sockets.delete(upstream); client.destroy() })
    client.on('error', drop)
    upstream.on('error', drop)
    let pending = Buffer.alloc(0)
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      while (pending.length >= 4) {
        const len = pending.readUIntLE(0, 3)
        if (pending.length < 4 + len) break
        if (len > 0 && pending[4] === 0x03) queries++
        pending = pending.subarray(4 + len)
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      if (state.delayMs <= 0) {
        client.write(chunk)
        return
      }
      const timer = setTimeout(() => {
        mine.delete(timer)
        held.delete(timer)
        if (!client.destroyed) client.write(chunk)
      }, state.delayMs)
      mine.add(timer)
      held.add(timer)
    })
  })
  const port = await listen(server)
  return {
    port,
    get queries () { return queries },
    get accepted () { return accepted },
    get open () { return [...sockets].length / 2 },
    get delayMs () { return state.delayMs },
    set delayMs (v: number) { state.delayMs = v },
    cut () {
      isCut = true
      for (const s of sockets) s.destroy()
    },
    restore () { isCut = false },
    close: () => {
      for (const timer of held) clearTimeout(timer)
      held.clear()
      return closeServer(server, sockets)
    }
  }
}

/**
 * After a signal: the status `url` answers once the process has begun its drain. A loaded machine
 * may take a while to deliver the signal and run the handler, so this asks every 25 ms until the
 * answer is not 200, or `deadlineMs` passes (then the last answer, 200, is returned and the test's
 * assertion fails). Connection errors count as an answer of 0: the process was gone.
 */
export async function statusOnceDraining (url: string, deadlineMs = 5000): Promise<number> {
  const until = performance.now() + deadlineMs
  for (;;) {
    const status = await fetch(url).then(async (r) => { await r.body?.cancel(); return r.status }, () => 0)
    if (status !== 200 || performance.now() >= until) return status
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
