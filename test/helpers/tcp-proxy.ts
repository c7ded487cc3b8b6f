import { createConnection, createServer, type Server, type Socket } from 'node:net'

/** What the proxy does with connections: pass them on, reset them, or hold them without a byte. */
export type ProxyMode = 'forward' | 'refuse' | 'stall'

/**
 * A loopback TCP proxy for fault tests: stands between a client and a real server (Neo4j's Bolt,
 * Weaviate's HTTP or gRPC port) and can refuse new connections, drop open ones, stall them, or
 * be pointed at another port (a restarted server). Test scaffolding only.
 */
export class TcpProxy {
  mode: ProxyMode = 'forward'
  readonly #server: Server
  readonly #open = new Set<Socket>()
  #targetPort: number

  private constructor(server: Server, targetPort: number) {
    this.#server = server
    this.#targetPort = targetPort
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer()
    const proxy = new TcpProxy(server, targetPort)
    server.on('connection', (client) => proxy.#accept(client))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return proxy
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port
  }

  /** Sends new connections to another port (the server was restarted elsewhere). */
  retarget(port: number): void {
    this.#targetPort = port
  }

  /** Resets every open connection, as a crashed server or a cut cable would. */
  dropAll(): void {
    for (const socket of this.#open) socket.destroy()
    this.#open.clear()
  }

  async close(): Promise<void> {
    this.dropAll()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #accept(client: Socket): void {
    this.#track(client)
    if (this.mode === 'refuse') {
      client.resetAndDestroy()
      return
    }
    if (this.mode === 'stall') return
    const upstream = createConnection({ host: '127.0.0.1', port: this.#targetPort })
    this.#track(upstream)
    client.pipe(upstream).pipe(client)
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  }

  #track(socket: Socket): void {
    this.#open.add(socket)
    socket.on('close', () => this.#open.delete(socket))
    socket.on('error', () => undefined)
  }
}
