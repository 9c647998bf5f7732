// Trace export (DESIGN.md "Trace export"): the OTLP JSON is read back with OpenTelemetry's own packages —
// decoded into the SDK's ReadableSpan objects, re-encoded by the transformer's JSON serializer (it must
// give the very same bytes) and by its protobuf serializer (the same bytes as the spans the exporter
// built), and the protobuf walked with the transformer's reader — and only then checked for structure:
// one trace per job, one span per stage under the job's root, pod transitions and metadata attempts as
// events in time order, the semantic-convention attributes, times in exact unix nanoseconds.
// The Chrome trace is checked against the Trace Event Format's rules.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes, AttributeValue, HrTime, SpanContext } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { IAnyValue, IKeyValue } from '@opentelemetry/otlp-transformer/build/src/common/internal-types';
import { ProtobufReader } from '@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-reader';
import type { IExportTraceServiceRequest, ISpan } from '@opentelemetry/otlp-transformer/build/src/trace/internal-types';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { TIMING_KEYS } from '../../src/probe/model';
import { chromeTraceOf, type TraceEvent } from '../../src/probe/trace/chromeTrace';
import { otlpTraceOf, traceSpansOf } from '../../src/probe/trace/otlpTrace';
import type { TracedRun } from '../../src/probe/trace/runSpans';
import { CLEANUP_POD, JOB_ID, PRIMARY_POD, configureFailedReport, healthyReport, podPendingReport } from '../fixtures/reports';
import { CONTRACT_STAGES } from '../fixtures/stageNames';

const STAGES = CONTRACT_STAGES;

// ---- Decoding with the OpenTelemetry packages -------------------------------------------------------

function anyValue(v: IAnyValue): AttributeValue {
  if (v.stringValue !== undefined && v.stringValue !== null) return v.stringValue;
  if (v.boolValue !== undefined && v.boolValue !== null) return v.boolValue;
  if (v.intValue !== undefined && v.intValue !== null) return Number(v.intValue);
  if (v.doubleValue !== undefined && v.doubleValue !== null) return v.doubleValue;
  if (v.arrayValue) return v.arrayValue.values.map((x) => anyValue(x)) as AttributeValue;
  throw new Error(`an attribute value this export never writes: ${JSON.stringify(v)}`);
}

function attributes(kvs: IKeyValue[] | undefined): Attributes {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

function hrTime(nanos: unknown): HrTime {
  assert.equal(typeof nanos, 'string', 'OTLP JSON carries unix nanoseconds as strings');
  const ns = BigInt(nanos as string);
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

/** OTLP JSON back into the SDK's spans: what a collector receiving this file would hold. */
function decodeOtlpJson(doc: IExportTraceServiceRequest): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  for (const rs of doc.resourceSpans ?? []) {
    const resource = resourceFromAttributes(attributes(rs.resource?.attributes));
    for (const ss of rs.scopeSpans) {
      const scope = { name: ss.scope?.name ?? '', ...(ss.scope?.version ? { version: ss.scope.version } : {}) };
      for (const s of ss.spans ?? []) {
        const flags = s.flags ?? 0;
        const ctx: SpanContext = { traceId: s.traceId as string, spanId: s.spanId as string, traceFlags: flags & 0xff };
        const start = hrTime(s.startTimeUnixNano);
        const end = hrTime(s.endTimeUnixNano);
        spans.push({
          name: s.name,
          kind: s.kind - 1,
          spanContext: () => ctx,
          ...(s.parentSpanId
            ? {
                parentSpanContext: {
                  traceId: ctx.traceId,
                  spanId: s.parentSpanId as string,
                  traceFlags: 0,
                  isRemote: (flags & 0x200) !== 0,
                },
              }
            : {}),
          startTime: start,
          endTime: end,
          duration: [end[0] - start[0], end[1] - start[1]],
          status: { code: s.status.code as number, ...(s.status.message !== undefined ? { message: s.status.message } : {}) },
          attributes: attributes(s.attributes),
          links: [],
          events: s.events.map((e) => ({
            name: e.name,
            time: hrTime(e.timeUnixNano),
            attributes: attributes(e.attributes),
            droppedAttributesCount: e.droppedAttributesCount,
          })),
          ended: true,
          resource,
          instrumentationScope: scope,
          droppedAttributesCount: s.droppedAttributesCount,
          droppedEventsCount: s.droppedEventsCount,
          droppedLinksCount: s.droppedLinksCount,
        });
      }
    }
  }
  return spans;
}

/** The spans of a protobuf ExportTraceServiceRequest, field numbers from opentelemetry/proto/trace/v1. */
function walkProtobuf(
  bytes: Uint8Array,
): { traceId: string; spanId: string; parentSpanId: string; name: string; start: bigint; end: bigint }[] {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const fields = (buf: Uint8Array, on: (field: number, wire: number, r: ProtobufReader) => void) => {
    const r = new ProtobufReader(buf);
    while (!r.isAtEnd()) {
      const { fieldNumber, wireType } = r.readTag();
      on(fieldNumber, wireType, r);
    }
  };
  const fixed64 = (buf: Uint8Array, r: ProtobufReader) => {
    const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getBigUint64(r.pos, true);
    r.skip(1);
    return v;
  };
  const out: ReturnType<typeof walkProtobuf> = [];
  fields(bytes, (f, w, r) => {
    if (f !== 1) return r.skip(w); // resource_spans
    fields(r.readBytes(), (f, w, r) => {
      if (f !== 2) return r.skip(w); // scope_spans
      fields(r.readBytes(), (f, w, r) => {
        if (f !== 2) return r.skip(w); // spans
        const buf = r.readBytes();
        const span = { traceId: '', spanId: '', parentSpanId: '', name: '', start: 0n, end: 0n };
        fields(buf, (f, w, r) => {
          if (f === 1) span.traceId = hex(r.readBytes());
          else if (f === 2) span.spanId = hex(r.readBytes());
          else if (f === 4) span.parentSpanId = hex(r.readBytes());
          else if (f === 5) span.name = r.readString();
          else if (f === 7) span.start = fixed64(buf, r);
          else if (f === 8) span.end = fixed64(buf, r);
          else r.skip(w);
        });
        out.push(span);
      });
    });
  });
  return out;
}

function decoded(runs: TracedRun[]): { text: string; doc: IExportTraceServiceRequest; spans: ISpan[] } {
  const text = otlpTraceOf(runs);
  const doc = JSON.parse(text) as IExportTraceServiceRequest;
  const spans = (doc.resourceSpans ?? []).flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans ?? []));
  return { text, doc, spans };
}

const attr = (s: { attributes: IKeyValue[] }, key: string) => {
  const kv = s.attributes.find((a) => a.key === key);
  return kv ? anyValue(kv.value) : undefined;
};

/** ms since t0 (µs precision) → unix ns as OTLP writes it, by integer arithmetic only. */
const nanos = (startedAt: string, ms: number) => String(BigInt(Date.parse(startedAt)) * 1_000_000n + BigInt(Math.round(ms * 1000)) * 1000n);

function burstRuns(): TracedRun[] {
  const a = { ...healthyReport(), index: 1, sentAtMs: 0 };
  const b = { ...podPendingReport(), jobId: '20-6', startedAt: '2024-05-01T10:00:00.250Z', index: 2, sentAtMs: 250 };
  return [a, b];
}

describe('OTLP JSON trace', () => {
  test('is exactly what the OpenTelemetry JSON serializer writes for the spans it decodes to', () => {
    for (const runs of [[healthyReport()], [podPendingReport()], [configureFailedReport()], burstRuns()]) {
      const { text, doc } = decoded(runs);
      const again = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(decodeOtlpJson(doc)));
      assert.equal(text, `${again}\n`);
    }
  });

  test('decodes to the same spans the exporter built: equal protobuf encodings, and the protobuf reads back', () => {
    const runs = burstRuns();
    const { doc, spans } = decoded(runs);
    const fromJson = ProtobufTraceSerializer.serializeRequest(decodeOtlpJson(doc));
    const built = ProtobufTraceSerializer.serializeRequest(traceSpansOf(runs));
    assert.ok(fromJson && built);
    assert.deepEqual(Buffer.from(fromJson), Buffer.from(built));
    const walked = walkProtobuf(built);
    assert.deepEqual(
      walked.map((s) => [s.traceId, s.spanId, s.parentSpanId, s.name, String(s.start), String(s.end)]),
      spans.map((s) => [s.traceId, s.spanId, s.parentSpanId ?? '', s.name, s.startTimeUnixNano, s.endTimeUnixNano]),
    );
  });

  test('one trace per job: a root span for the job, one child span per stage, per pod and for the metadata polling', () => {
    const runs = burstRuns();
    const { doc, spans } = decoded(runs);
    assert.equal(doc.resourceSpans?.length, 1);
    assert.deepEqual(attributes(doc.resourceSpans?.[0]?.resource?.attributes), { 'service.name': 'consumer-probe' });
    const traceIds = [...new Set(spans.map((s) => s.traceId))];
    assert.equal(traceIds.length, runs.length);
    assert.equal(new Set(spans.map((s) => s.spanId)).size, spans.length, 'span ids are unique');
    for (const id of traceIds) {
      assert.match(id as string, /^[0-9a-f]{32}$/);
      const trace = spans.filter((s) => s.traceId === id);
      const roots = trace.filter((s) => !s.parentSpanId);
      assert.equal(roots.length, 1, 'one root per trace');
      const root = roots[0]!;
      for (const s of trace.filter((s) => s !== root)) {
        assert.equal(s.parentSpanId, root.spanId, `${s.name} is a child of the job's root`);
        assert.match(s.spanId as string, /^[0-9a-f]{16}$/);
      }
      const run = runs.find((r) => r.jobId === attr(root, 'consumer_probe.job.id'))!;
      assert.ok(run, 'the root names its job');
      assert.equal(root.name, `probe job ${run.jobId} (#${run.index})`);
      const children = trace.filter((s) => s !== root).map((s) => s.name);
      assert.deepEqual(children, [...STAGES, ...run.pods.map((p) => `pod ${p.name}`), 'metadata polling']);
    }
  });

  test('the root carries job, scenario, cause, pod, node and namespace; its status is the verdict', () => {
    const [healthy, pending] = burstRuns().map((r) => decoded([r]).spans.find((s) => !s.parentSpanId)!);
    assert.equal(attr(healthy!, 'consumer_probe.scenario.id'), 'healthy');
    assert.equal(attr(healthy!, 'consumer_probe.scenario.cause'), undefined, 'a null cause is left out');
    assert.equal(healthy!.status.code, 1);
    assert.equal(attr(pending!, 'consumer_probe.job.id'), '20-6');
    assert.equal(attr(pending!, 'consumer_probe.scenario.id'), 'pod_pending');
    assert.equal(attr(pending!, 'consumer_probe.scenario.cause'), 'unschedulable_gpu');
    assert.equal(attr(pending!, 'k8s.pod.name'), PRIMARY_POD);
    assert.equal(attr(pending!, 'k8s.namespace.name'), 'panda');
    assert.equal(attr(pending!, 'consumer_probe.burst.index'), 2);
    assert.equal(attr(pending!, 'consumer_probe.burst.sent_at_ms'), 250);
    assert.deepEqual(attr(pending!, 'consumer_probe.scenario.evidence'), podPendingReport().scenario.evidence);
    assert.deepEqual(pending!.status, { code: 2, message: 'Pod never started' });
    const healthyNode = attr(healthy!, 'k8s.node.name');
    assert.equal(healthyNode, 'gpu-node-1');
  });

  test('times are startedAt plus the report ms, in exact unix nanoseconds; a stage span ends at its timing', () => {
    const report = healthyReport();
    report.timings.podScheduledMs = 415.123; // µs precision, as the probe clock gives
    report.pods[0]!.history[1]!.atMs = 415.123;
    const { spans } = decoded([report]);
    const root = spans.find((s) => !s.parentSpanId)!;
    assert.equal(root.startTimeUnixNano, '1714557600000000000');
    assert.equal(root.endTimeUnixNano, nanos(report.startedAt, 5311));
    const byName = new Map(spans.map((s) => [s.name, s]));
    assert.equal(byName.get('pod_scheduled')!.endTimeUnixNano, '1714557600415123000');
    for (const key of TIMING_KEYS) {
      const stage = byName.get(STAGES[TIMING_KEYS.indexOf(key)]!)!;
      assert.equal(stage.endTimeUnixNano, nanos(report.startedAt, report.timings[key]!), key);
      assert.equal(attr(stage, 'consumer_probe.stage.since_configure_ms'), report.timings[key]);
    }
    const pod = byName.get(`pod ${PRIMARY_POD}`)!;
    assert.deepEqual(
      pod.events.map((e) => e.timeUnixNano),
      report.pods[0]!.history.map((h) => nanos(report.startedAt, h.atMs)),
    );
  });

  test('stage spans form a waterfall: each from the previous milestone reached; a stage never reached waits to the end', () => {
    const { spans } = decoded([podPendingReport()]);
    const r = podPendingReport();
    const by = new Map(spans.map((s) => [s.name, s]));
    const ns = (ms: number) => nanos(r.startedAt, ms);
    assert.deepEqual([by.get('configure')!.startTimeUnixNano, by.get('configure')!.endTimeUnixNano], [ns(0), ns(231)]);
    assert.deepEqual([by.get('job_created')!.startTimeUnixNano, by.get('job_created')!.endTimeUnixNano], [ns(231), ns(310)]);
    assert.deepEqual([by.get('pod_created')!.startTimeUnixNano, by.get('pod_created')!.endTimeUnixNano], [ns(310), ns(402)]);
    const root = spans.find((s) => !s.parentSpanId)!;
    for (const stage of STAGES.slice(3)) {
      const s = by.get(stage)!;
      assert.deepEqual([s.startTimeUnixNano, s.endTimeUnixNano], [ns(402), root.endTimeUnixNano], stage);
      assert.equal(attr(s, 'consumer_probe.stage.reached'), false);
    }
  });

  test('pod transitions and metadata attempts are events, in time order, with their attributes', () => {
    const report = healthyReport();
    const { spans } = decoded([report]);
    for (const s of spans) {
      const times = s.events.map((e) => BigInt(e.timeUnixNano as string));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        `${s.name}: events in time order`,
      );
    }
    const primary = spans.find((s) => s.name === `pod ${PRIMARY_POD}`)!;
    assert.deepEqual(
      primary.events.map((e) => e.name),
      ['Pending', 'Pending (ContainerCreating)', 'Running', 'Running, ready'],
    );
    assert.equal(attr(primary, 'k8s.pod.name'), PRIMARY_POD);
    assert.equal(attr(primary, 'k8s.node.name'), 'gpu-node-1');
    assert.equal(attr(primary, 'consumer_probe.pod.role'), 'primary');
    assert.equal(attr(primary.events[3]!, 'consumer_probe.pod.ready'), true);
    assert.ok(spans.some((s) => s.name === `pod ${CLEANUP_POD}`));
    const polling = spans.find((s) => s.name === 'metadata polling')!;
    assert.equal(polling.events.length, report.metadataAttempts.length);
    const last = polling.events.at(-1)!;
    assert.equal(last.name, 'GET metadata → 200');
    assert.equal(attr(last, 'http.response.status_code'), 200);
    const root = spans.find((s) => !s.parentSpanId)!;
    assert.deepEqual(
      root.events.map((e) => e.name),
      report.events.map((e) => `${e.type} ${e.reason}`),
      'Kubernetes events on the root',
    );
  });

  test('ids are derived from the run: the same report gives the same trace, another burst index another one', () => {
    const a = decoded([healthyReport()]).spans;
    const b = decoded([healthyReport()]).spans;
    assert.deepEqual(
      a.map((s) => s.spanId),
      b.map((s) => s.spanId),
    );
    const c = decoded([{ ...healthyReport(), index: 7 }]).spans;
    assert.notEqual(c[0]!.traceId, a[0]!.traceId);
  });

  test('a run without a job id or any timing still exports: its root and nine empty stages at t0', () => {
    const { spans } = decoded([configureFailedReport()]);
    assert.equal(spans[0]!.name, 'probe run without a job id');
    assert.equal(spans.length, 1 + STAGES.length);
    for (const s of spans) assert.equal(s.startTimeUnixNano, s.endTimeUnixNano);
  });
});

// ---- Chrome Trace Event Format ----------------------------------------------------------------------

function chrome(runs: TracedRun[]): TraceEvent[] {
  const doc = JSON.parse(chromeTraceOf(runs)) as { traceEvents: TraceEvent[] };
  assert.ok(Array.isArray(doc.traceEvents));
  return doc.traceEvents;
}

const threadNames = (events: TraceEvent[], pid: number) =>
  new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid).map((e) => [e.tid, String(e.args?.name)]));

describe('Chrome trace', () => {
  test('every event has ph, ts, pid and tid; complete events a duration ≥ 0; instants are thread-scoped', () => {
    const events = chrome(burstRuns());
    assert.ok(events.length > 0);
    for (const e of events) {
      assert.ok(['X', 'i', 'M'].includes(e.ph), e.ph);
      for (const k of ['ts', 'pid', 'tid'] as const) assert.ok(Number.isInteger(e[k]), `${e.name}: ${k} is an integer (${e[k]})`);
      if (e.ph === 'X') assert.ok(Number.isInteger(e.dur) && e.dur! >= 0, `${e.name}: dur ${e.dur}`);
      if (e.ph === 'i') assert.equal(e.s, 't');
    }
  });

  test('each stage has its own track, named by a thread_name event, with its interval in µs', () => {
    const report = healthyReport();
    const events = chrome([report]);
    const names = threadNames(events, 1);
    const stageTids = STAGES.map((stage) => [...names].find(([, n]) => n === stage)?.[0]);
    assert.ok(
      stageTids.every((t) => t !== undefined),
      `a track per stage: ${[...names.values()].join(', ')}`,
    );
    assert.equal(new Set(stageTids).size, STAGES.length, 'one tid per stage');
    const t0 = Date.parse(report.startedAt) * 1000;
    STAGES.forEach((stage, i) => {
      const x = events.filter((e) => e.ph === 'X' && e.tid === stageTids[i]);
      assert.equal(x.length, 1, stage);
      assert.equal(x[0]!.name, stage);
      assert.equal(x[0]!.ts + x[0]!.dur!, t0 + report.timings[TIMING_KEYS[i]!]! * 1000, `${stage} ends at its timing`);
    });
    const configure = events.find((e) => e.ph === 'X' && e.name === 'configure')!;
    assert.deepEqual([configure.ts, configure.dur], [t0, 231_000]);
  });

  test('pod transitions, metadata attempts and Kubernetes events are instants on their tracks', () => {
    const report = healthyReport();
    const events = chrome([report]);
    const names = threadNames(events, 1);
    const tidOf = (name: string) => [...names].find(([, n]) => n === name)![0];
    const onTrack = (name: string) => events.filter((e) => e.ph === 'i' && e.tid === tidOf(name));
    assert.deepEqual(
      onTrack(`pod ${PRIMARY_POD}`).map((e) => e.name),
      ['Pending', 'Pending (ContainerCreating)', 'Running', 'Running, ready'],
    );
    assert.equal(onTrack('metadata polling').length, report.metadataAttempts.length);
    assert.equal(onTrack('run').length, report.events.length);
  });

  test('a burst: one process per job, named after the job and its scenario', () => {
    const events = chrome(burstRuns());
    const processes = events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => [e.pid, e.args?.name]);
    assert.deepEqual(processes, [
      [1, `probe job ${JOB_ID} (#1) — healthy`],
      [2, 'probe job 20-6 (#2) — pod_pending/unschedulable_gpu'],
    ]);
    for (const pid of [1, 2]) assert.ok(threadNames(events, pid).size >= 1 + STAGES.length, `job ${pid} has its own tracks`);
  });
});
