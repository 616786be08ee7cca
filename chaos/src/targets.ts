// The managed services the API depends on live outside the cluster (RDS, ElastiCache), so
// network and DNS experiments name them as Chaos Mesh `externalTargets` / DNS patterns. Their
// host names are per environment: the data stack's outputs, which the installing stack passes to
// the chart as `database.host` / `redis.host`. RDS and ElastiCache share the isolated subnets, so
// a CIDR would hit both: the host name is what tells PostgreSQL from Redis.

export interface Targets {
  databaseHost: string;
  redisHost: string;
}

const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/** Validates the release's values once, naming the key that is wrong. */
export function parseTargets(values: unknown, source: string): Targets {
  const v = (values ?? {}) as { database?: { host?: unknown }; redis?: { host?: unknown } };
  const pick = (key: string, raw: unknown): string => {
    if (typeof raw !== 'string' || !HOST.test(raw)) {
      throw new Error(
        `${source}: ${key} must be a DNS host name (the data stack output the chart receives), got ${JSON.stringify(raw)}`,
      );
    }
    return raw;
  };
  return {
    databaseHost: pick('database.host', v.database?.host),
    redisHost: pick('redis.host', v.redis?.host),
  };
}
