// The run(s) as OTLP JSON (`{"resourceSpans": …}`, DESIGN.md "Trace export"), the file Jaeger's UI
// opens (Search → JSON File). The spans are built as the SDK's ReadableSpan objects with explicit times
// and serialized by OpenTelemetry's own JSON serializer, so the wire format is the library's.
//
// One trace per job: a root span `probe job <id>` from POST /configure (t0) to the run's last
// observation, and as its children one span per stage (see runSpans.ts for their intervals), one span
// per pod seen (its phase transitions as events) and one for the metadata polling (each attempt an
// event). Kubernetes events are events of the root span. Times are absolute: the report's `startedAt`
// plus its ms since t0, in unix nanoseconds. Ids are derived from the job id, `startedAt` and the burst
// index, so exporting the same run twice gives the same trace (Jaeger shows it once).
import { createHash } from 'node:crypto';
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { Attributes, HrTime, SpanContext, SpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import type { Report, ReportPod } from '../model';
import { attemptName, epochMsOf, podTransitionName, runLabel, runSpans, unixNanos, type TracedRun } from './runSpans';

export const SERVICE_NAME = 'consumer-probe';
const SCOPE: InstrumentationScope = { name: 'consumer-probe' };

/**
 * The OTLP JSON document (`{"resourceSpans": …}`) exactly as the serializer writes it, plus a newline.
 * Not indented: OTLP JSON is verbose (indenting would nearly triple a burst's file).
 */
export function otlpTraceOf(runs: readonly TracedRun[]): string {
  const bytes = JsonTraceSerializer.serializeRequest(traceSpansOf(runs));
  if (!bytes) throw new Error('the OpenTelemetry serializer produced nothing');
  return `${new TextDecoder().decode(bytes)}\n`;
}

/** The spans of every run (root first, then its children), as the SDK would hand them to an exporter. */
export function traceSpansOf(runs: readonly TracedRun[]): ReadableSpan[] {
  const resource = resourceFromAttributes({ 'service.name': SERVICE_NAME });
  return runs.flatMap((run) => spansOfRun(run, resource));
}

/** 32 hex digits (trace) or 16 (span) from a key; never all zero, which OTLP reserves for "invalid". */
function hexId(key: string, digits: 16 | 32): string {
  const hex = createHash('sha256').update(key).digest('hex').slice(0, digits);
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}

function hrTime(ns: bigint): HrTime {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

/** Attributes without the absent ones (OTLP has no null). */
function defined(attrs: Record<string, string | number | boolean | string[] | null | undefined>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

function primaryPod(report: Report): ReportPod | undefined {
  return report.pods.find((p) => p.role === 'primary') ?? report.pods[0];
}

function rootStatus(report: Report): SpanStatus {
  const s = report.scenario;
  if (s.id === 'healthy') return { code: SpanStatusCode.OK };
  if (s.severity === 'error') return { code: SpanStatusCode.ERROR, message: s.title };
  return { code: SpanStatusCode.UNSET };
}

function spansOfRun(run: TracedRun, resource: Resource): ReadableSpan[] {
  const epochMs = epochMsOf(run);
  const time = (atMs: number) => hrTime(unixNanos(epochMs, atMs));
  const runKey = `${run.jobId ?? ''}|${run.startedAt}|${run.index ?? ''}`;
  const traceId = hexId(runKey, 32);
  const rootContext: SpanContext = { traceId, spanId: hexId(`${runKey}|root`, 16), traceFlags: TraceFlags.SAMPLED };
  const layout = runSpans(run);
  const pod = primaryPod(run);
  const podAttrs = pod ? { 'k8s.pod.name': pod.name, 'k8s.node.name': pod.node, 'k8s.namespace.name': pod.namespace } : {};

  const span = (
    key: string,
    name: string,
    fromMs: number,
    toMs: number,
    attributes: Attributes,
    more: { kind?: SpanKind; status?: SpanStatus; events?: TimedEvent[]; root?: true } = {},
  ): ReadableSpan => {
    const start = unixNanos(epochMs, fromMs);
    const end = unixNanos(epochMs, Math.max(fromMs, toMs));
    const context = more.root ? rootContext : { traceId, spanId: hexId(`${runKey}|${key}`, 16), traceFlags: TraceFlags.SAMPLED };
    const events = [...(more.events ?? [])].sort((a, b) => a.time[0] - b.time[0] || a.time[1] - b.time[1]);
    return {
      name,
      kind: more.kind ?? SpanKind.INTERNAL,
      spanContext: () => context,
      ...(more.root ? {} : { parentSpanContext: rootContext }),
      startTime: hrTime(start),
      endTime: hrTime(end),
      duration: hrTime(end - start),
      status: more.status ?? { code: SpanStatusCode.UNSET },
      attributes,
      links: [],
      events,
      ended: true,
      resource,
      instrumentationScope: SCOPE,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  };

  const s = run.scenario;
  const root = span(
    'root',
    `probe ${runLabel(run)}`,
    0,
    layout.endMs,
    defined({
      'consumer_probe.job.id': run.jobId,
      'consumer_probe.started_at': run.startedAt,
      'consumer_probe.scenario.id': s.id,
      'consumer_probe.scenario.cause': s.cause,
      'consumer_probe.scenario.severity': s.severity,
      'consumer_probe.scenario.title': s.title,
      'consumer_probe.scenario.summary': s.summary,
      'consumer_probe.scenario.evidence': s.evidence,
      'consumer_probe.burst.index': run.index,
      'consumer_probe.burst.sent_at_ms': run.sentAtMs,
      'k8s.job.name': pod?.labels['job-name'],
      ...podAttrs,
    }),
    {
      root: true,
      status: rootStatus(run),
      events: run.events.map((e) => ({
        name: `${e.type} ${e.reason}`,
        time: time(e.atMs),
        attributes: {
          'consumer_probe.event.type': e.type,
          'consumer_probe.event.reason': e.reason,
          'consumer_probe.event.object': e.object,
          'consumer_probe.event.message': e.message,
        },
      })),
    },
  );

  const stages = layout.stages.map((st) => {
    const onPod = st.stage.startsWith('pod_') ? podAttrs : {};
    const onQueue =
      (st.key === 'queueCreatedMs' || st.key === 'consumerAttachedMs') && run.queue
        ? { 'messaging.system': 'rabbitmq', 'messaging.destination.name': run.queue.name }
        : {};
    const onConfigure = st.key === 'configureMs' ? { 'http.request.method': 'POST' } : {};
    return span(
      `stage|${st.stage}`,
      st.stage,
      st.startMs,
      st.endMs,
      defined({
        'consumer_probe.stage': st.stage,
        'consumer_probe.stage.reached': st.atMs !== null,
        'consumer_probe.stage.since_configure_ms': st.atMs,
        'consumer_probe.stage.not_before_ms': st.window?.afterMs,
        ...onConfigure,
        ...onPod,
        ...onQueue,
      }),
      { kind: st.key === 'configureMs' ? SpanKind.CLIENT : SpanKind.INTERNAL },
    );
  });

  const pods = run.pods.map((p) =>
    span(
      `pod|${p.namespace}/${p.name}`,
      `pod ${p.name}`,
      p.firstSeenMs,
      layout.endMs,
      defined({
        'k8s.pod.name': p.name,
        'k8s.namespace.name': p.namespace,
        'k8s.node.name': p.node,
        'k8s.pod.status.phase': p.phase,
        'k8s.pod.status.reason': p.reason,
        'consumer_probe.pod.role': p.role,
        'consumer_probe.pod.ready': p.ready,
        'consumer_probe.pod.restart_count': p.restartCount,
        'consumer_probe.pod.matched_by': p.matchedBy,
      }),
      {
        events: p.history.map((h) => ({
          name: podTransitionName(h),
          time: time(h.atMs),
          attributes: defined({ 'k8s.pod.status.phase': h.phase, 'consumer_probe.pod.ready': h.ready, 'k8s.pod.status.reason': h.reason }),
        })),
      },
    ),
  );

  const attempts = run.metadataAttempts;
  const polling =
    attempts.length === 0
      ? []
      : [
          span(
            'metadata',
            'metadata polling',
            attempts.reduce((m, a) => Math.min(m, a.atMs), Infinity),
            attempts.reduce((m, a) => Math.max(m, a.atMs), -Infinity),
            // The report may fold long runs of identical outcomes (keeping each run's first and last).
            { 'consumer_probe.metadata.attempts_listed': attempts.length },
            {
              kind: SpanKind.CLIENT,
              events: attempts.map((a) => ({
                name: attemptName(a),
                time: time(a.atMs),
                attributes: defined({ 'http.response.status_code': a.status, 'consumer_probe.metadata.error': a.error }),
              })),
            },
          ),
        ];

  return [root, ...stages, ...pods, ...polling];
}
