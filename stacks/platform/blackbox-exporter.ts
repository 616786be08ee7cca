/** Release name = service name: the app chart's Probe uses prometheus-blackbox-exporter.monitoring.svc:9115. */
export const BLACKBOX_RELEASE = 'prometheus-blackbox-exporter';

interface HttpModule {
  prober: 'http';
  timeout: string;
  http: {
    method: 'GET';
    valid_http_versions: string[];
    valid_status_codes: number[];
    follow_redirects: boolean;
    preferred_ip_protocol: 'ip4';
    fail_if_not_ssl?: true;
    fail_if_body_not_matches_regexp?: string[];
  };
}

/** Module names the app chart's Probes use (monitoring.probe.module). */
export const BLACKBOX_MODULES = { spa: 'http_2xx', apiReady: 'http_api_ready' } as const;

export interface BlackboxExporterValues {
  replicas: number;
  config: { modules: Record<(typeof BLACKBOX_MODULES)[keyof typeof BLACKBOX_MODULES], HttpModule> };
}

export function blackboxExporterValues(highlyAvailable: boolean): BlackboxExporterValues {
  const versions = ['HTTP/1.1', 'HTTP/2.0'];
  return {
    replicas: highlyAvailable ? 2 : 1,
    config: {
      modules: {
        // The SPA's public page over HTTPS: a 2xx with the app's HTML shell.
        [BLACKBOX_MODULES.spa]: {
          prober: 'http',
          timeout: '5s',
          http: {
            method: 'GET',
            valid_http_versions: versions,
            valid_status_codes: [],
            follow_redirects: true,
            preferred_ip_protocol: 'ip4',
            fail_if_not_ssl: true,
            fail_if_body_not_matches_regexp: ['<div id="app"'],
          },
        },
        // The API's readiness endpoint: exactly 200, never a redirect to a login page.
        [BLACKBOX_MODULES.apiReady]: {
          prober: 'http',
          timeout: '5s',
          http: {
            method: 'GET',
            valid_http_versions: versions,
            valid_status_codes: [200],
            follow_redirects: false,
            preferred_ip_protocol: 'ip4',
          },
        },
      },
    },
  };
}
