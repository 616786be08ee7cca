import type { LocalNginx } from '../drill/nginx';
import type { DeployTarget } from './deploy';

/**
 * The local adapter: every version runs as its own process (blue/green), and a deploy points the
 * nginx upstream at it. CI's adapter re-applies the app stack with the image tag (docs/delivery.md).
 */
export class NginxUpstreamTarget implements DeployTarget {
  constructor(
    private readonly nginx: LocalNginx,
    /** version -> host:port of the process serving it. */
    private readonly upstreams: ReadonlyMap<string, string>,
  ) {}

  async switchTo(version: string): Promise<void> {
    const address = this.upstreams.get(version);
    if (!address) throw new Error(`no running process serves version ${version}`);
    await this.nginx.switchUpstream(address);
  }
}
