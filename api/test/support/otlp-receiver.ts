import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'protobufjs';

/**
 * A real OTLP/HTTP traces receiver for tests, standing in for the ADOT collector: it takes the
 * protobuf body the API's exporter sends (`application/x-protobuf`, the collector's default) and
 * decodes it with the OTLP schema below. Only the fields the tests read are declared, with their
 * numbers from opentelemetry-proto (trace/v1/trace.proto, common/v1/common.proto); the decoder
 * skips the others, as any protobuf reader does with fields it does not know.
 */
const OTLP_TRACES_SUBSET = `
syntax = "proto3";
package otlp;
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; }
}
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message Status { string message = 2; int32 code = 3; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  repeated KeyValue attributes = 9;
  Status status = 15;
}
message ScopeSpans { repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
`;
const ExportRequest = parse(OTLP_TRACES_SUBSET, { keepCase: false }).root.lookupType(
  'otlp.ExportTraceServiceRequest',
);

export type OtlpValue = string | boolean | number | undefined;
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, OtlpValue>;
  status: { code: number; message: string };
}
export interface OtlpExport {
  resources: { attributes: Record<string, OtlpValue>; spans: OtlpSpan[] }[];
}

interface Decoded {
  resourceSpans?: {
    resource?: { attributes?: DecodedKeyValue[] };
    scopeSpans?: { spans?: DecodedSpan[] }[];
  }[];
}
interface DecodedKeyValue {
  key: string;
  value?: { stringValue?: string; boolValue?: boolean; intValue?: number; doubleValue?: number };
}
interface DecodedSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  attributes?: DecodedKeyValue[];
  status?: { code?: number; message?: string };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const attributes = (kvs: DecodedKeyValue[] = []) =>
  Object.fromEntries(
    kvs.map((kv) => [
      kv.key,
      kv.value?.stringValue ?? kv.value?.boolValue ?? kv.value?.intValue ?? kv.value?.doubleValue,
    ]),
  );

/** One export request's body as plain objects, ids as lowercase hex (as in logs and traceparent). */
export function decodeTraces(body: Uint8Array): OtlpExport {
  const msg = ExportRequest.toObject(ExportRequest.decode(body), {
    longs: Number,
    defaults: true,
  }) as Decoded;
  return {
    resources: (msg.resourceSpans ?? []).map((rs) => ({
      attributes: attributes(rs.resource?.attributes),
      spans: (rs.scopeSpans ?? []).flatMap((ss) =>
        (ss.spans ?? []).map((s) => ({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          kind: s.kind,
          attributes: attributes(s.attributes),
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
        })),
      ),
    })),
  };
}

export interface OtlpReceiver {
  /** The URL to set as TRACING_OTLP_ENDPOINT. */
  tracesUrl: string;
  /** Every export request received so far, decoded. */
  received: OtlpExport[];
  /** Requests refused (wrong path or content type), as "<path> <content-type>". */
  refused: string[];
  spans(): OtlpSpan[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (a free port); answers like the collector (200 and an empty response). */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: OtlpExport[] = [];
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const type = req.headers['content-type'] ?? '';
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !type.startsWith('application/x-protobuf')) {
        refused.push(`${req.method} ${req.url} ${type}`);
        res.writeHead(415).end();
        return;
      }
      received.push(decodeTraces(Buffer.concat(chunks)));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    tracesUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    received,
    refused,
    spans: () => received.flatMap((e) => e.resources.flatMap((r) => r.spans)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
