import { connect, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'refuse' | 'blackhole';

/**
 * A loopback TCP proxy in front of PostgreSQL or Redis that a test can break on purpose:
 * `refuse` drops every connection and refuses new ones (the server is down), `blackhole`
 * accepts and keeps connections but stops moving bytes (a stalled network path: data waits
 * in the socket buffers, as TCP would retransmit it), `pass` heals and lets it flow again.
 */
export class FaultProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private mode: ProxyMode = 'pass';
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static forUrl(url: string): FaultProxy {
    const u = new URL(url);
    return new FaultProxy(u.hostname, Number(u.port));
  }

  /** The same URL, pointed at the proxy. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  async start(): Promise<void> {
    await this.listen(0);
  }

  setMode(mode: ProxyMode): Promise<void> | void {
    const previous = this.mode;
    this.mode = mode;
    if (mode === 'refuse') {
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
      const server = this.server;
      this.server = undefined;
      return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
    }
    for (const sock of this.sockets) {
      if (mode === 'blackhole') sock.pause();
      else sock.resume();
    }
    if (previous === 'refuse') return this.listen(this.port);
  }

  async stop(): Promise<void> {
    await this.setMode('refuse');
  }

  private listen(port: number): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    return new Promise((resolve) => {
      this.server!.listen(port, '127.0.0.1', () => {
        const address = this.server!.address();
        if (address && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    const upstream = connect(this.targetPort, this.targetHost);
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    if (this.mode === 'blackhole') {
      client.pause();
      upstream.pause();
    }
  }
}
