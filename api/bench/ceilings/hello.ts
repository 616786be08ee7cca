import { createServer } from 'node:http';
import { announcePort } from './ready';

/** Ceiling 1: the fastest HTTP answer this machine's Node can give (no framework, no I/O). */
const body = JSON.stringify({ hello: 'world' });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => announcePort(server.address()));
