import type { AddressInfo } from 'node:net';

/** The one stdout line `make bench` waits for: the port the ceiling listens on. */
export function announcePort(address: AddressInfo | string | null): void {
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
  );
}
