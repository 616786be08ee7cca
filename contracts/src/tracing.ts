/**
 * OpenTelemetry `service.name` of the API's spans: the X-Ray service (segment name) that the
 * sampling rule and the trace group of the alerting stack select.
 */
export const API_TRACE_SERVICE_NAME = 'taskboard-api';
