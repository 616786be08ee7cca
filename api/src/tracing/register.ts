import { API_TRACE_SERVICE_NAME } from '@taskboard/contracts';
import { loadConfig } from '../config/config';
import { startTracing } from './tracing';

/**
 * Imported first by main.ts: tracing must start before `pg` and the Redis client are first
 * required, because their instrumentations patch them as they load. An invalid configuration
 * starts nothing here; main's own loadConfig then reports it and exits.
 */
try {
  startTracing({ ...loadConfig().tracing, serviceName: API_TRACE_SERVICE_NAME });
} catch {
  // reported by main
}
