import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * nginx in front of the two replicas, the local stand-in for the Service/ALB: round robin, a
 * refused connection goes to the other replica (proxy_next_upstream error timeout); a 5xx answer is
 * passed to the client, not retried. Non-idempotent requests already sent are not retried (nginx's
 * default), so an in-flight POST on a killed replica fails, as it would in the cluster.
 */

/**
 * nginx's passive check: after one failed attempt a replica gets no traffic for this long. A replica
 * refused connections while it restarted, so it takes traffic again only this long after that.
 */
export const UPSTREAM_FAIL_TIMEOUT_SECONDS = 2;

export function writeNginxConfig(dir: string, listenPort: number, upstreamPorts: number[]): string {
  const temp = join(dir, 'nginx-temp');
  mkdirSync(temp, { recursive: true });
  const config = `
worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${temp}/body;
  proxy_temp_path ${temp}/proxy;
  fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi;
  scgi_temp_path ${temp}/scgi;
  upstream taskboard_api {
${upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=${UPSTREAM_FAIL_TIMEOUT_SECONDS}s;`).join('\n')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://taskboard_api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      # Connection failures only (a killed or restarting replica), as the cluster's endpoints do. A 5xx
      # answer is the API's and reaches the user: listed here, one deadline 503 per replica marked both
      # failed for fail_timeout, and every request got an instant 502 (40 in one db-latency run).
      proxy_next_upstream error timeout;
      proxy_connect_timeout 1s;
      proxy_read_timeout 10s;
    }
  }
}
`;
  const path = join(dir, 'nginx.conf');
  writeFileSync(path, config);
  return path;
}
