/**
 * OpenTelemetry `service.name` of the API's spans: the X-Ray service (segment name) that the
 * sampling rule and the trace group of the alerting stack select.
 */
export const API_TRACE_SERVICE_NAME = 'taskboard-api';

/** Label of the trace id on the latency histogram's exemplars; Grafana links it to the trace. */
export const EXEMPLAR_TRACE_ID_LABEL = 'trace_id';
