import type { ColdStartEntry, ColdStartResult } from './cold-start';
import type { ConsumersResult } from './consumers';
import type { ConsoleResult } from './console';
import type { CommandsPerDelivery, DeliveryResult } from './delivery';
import type { FairnessResult } from './fairness';

const commandsText = (commands: CommandsPerDelivery) =>
  `${commands.reads} read + ${commands.writes} write requests` +
  (commands.readItems !== undefined && commands.writtenItems !== undefined
    ? ` (${commands.readItems} items read, ${commands.writtenItems} written)`
    : '') +
  `, ${commands.endpointWrites} to the endpoint item`;
/** The full-path delivery rate before issue 12 (README performance table, quiet run). */
const DELIVERY_BEFORE_PER_SECOND = 297;
import type { FanoutResult } from './fanout';
import type { IngestCpuResult } from './ingest-cpu';
import type { IngestProvidersResult } from './ingest-providers';
import type { InboundLogResult } from './inbound-log';
import type { SizeResult } from './lib/cpu-bench';
import type { IngestE2eResult } from './ingest-e2e';
import { formatBytes, formatMicros, formatMillis, formatNumber, formatPercent, formatRatio, ratio } from './lib/stats';

/**
 * Turns the benchmarks' results into the one table `npm run bench` prints (and the README shows),
 * and into the list of targets met or missed.
 */

export interface BenchOutcome<T> {
  readonly result?: T;
  readonly maxRssKiB?: number;
  readonly error?: string;
  readonly seconds: number;
}

export interface AllResults {
  readonly ingestCpu?: BenchOutcome<IngestCpuResult>;
  readonly ingestProviders?: BenchOutcome<IngestProvidersResult>;
  readonly ingestE2e?: BenchOutcome<IngestE2eResult>;
  readonly coldStart?: BenchOutcome<ColdStartResult>;
  readonly consumers?: BenchOutcome<ConsumersResult>;
  readonly fanout?: BenchOutcome<FanoutResult>;
  readonly delivery?: BenchOutcome<DeliveryResult>;
  readonly console?: BenchOutcome<ConsoleResult>;
  readonly fairness?: BenchOutcome<FairnessResult>;
  readonly inboundLog?: BenchOutcome<InboundLogResult>;
}

export interface Target {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
}

type Row = [string, string, string, string, string, string];

const mib = (kib: number | null | undefined) => (kib ? `${(kib / 1024).toFixed(0)} MiB` : 'n/a');
const mark = (met: boolean | null) => (met === null ? '' : met ? ' ✅' : ' ❌');
const INGEST_BUNDLE_LIMIT = 150 * 1024;

const OTHER_BUNDLE_LIMIT = 400 * 1024;
const perSecond = (micros: number) => `${formatNumber(1_000_000 / micros)}/s`;

/** The like-for-like row of one ingest size or provider (all three send over the same canned HTTP), and its targets. */
function likeForLike(size: SizeResult): { rows: Row[]; targets: Target[] } {
  const { ours, baseline, floor, oursNoSend, oursSdk } = size.variants;
  if (!ours || !baseline || !floor) return { rows: [], targets: [] };
  const overFloor = ratio(ours.medianMicros, floor.medianMicros);
  const cheaper = ratio(baseline.medianMicros, ours.medianMicros);
  const floorCheaper = ratio(baseline.medianMicros, floor.medianMicros);
  const rows: Row[] = [
    [
      `1. Ingest CPU, ${size.label}, like for like (verify + parse + one SendMessage to the same canned SQS): ` +
        `µs CPU per event (median), events/s`,
      `${formatMicros(ours.medianMicros)} (${perSecond(ours.medianMicros)})`,
      `${formatMicros(baseline.medianMicros)} (${perSecond(baseline.medianMicros)})`,
      `${formatMicros(floor.medianMicros)} (${perSecond(floor.medianMicros)})`,
      `ours/floor ${formatRatio(overFloor)}; baseline/ours ${formatRatio(cheaper)} (baseline/floor ` +
        `${formatRatio(floorCheaper)})`,
      `≤ 2× floor${mark(overFloor <= 2)}; ≥ 3× cheaper${mark(cheaper >= 3)}`,
    ],
  ];
  if (oursNoSend || oursSdk)
    rows.push([
      `1. Ingest CPU, ${size.label}, diagnostic: where our µs go`,
      [
        oursNoSend && `our handler without the send ${formatMicros(oursNoSend.medianMicros)}`,
        oursSdk && `with the SDK's SendMessage instead of the lean one ${formatMicros(oursSdk.medianMicros)}`,
      ]
        .filter(Boolean)
        .join('; '),
      '',
      '',
      oursSdk ? `lean sender saves ${formatMicros(oursSdk.medianMicros - ours.medianMicros)} per event` : '',
      '',
    ]);
  const measured =
    `${formatMicros(ours.medianMicros)} vs floor ${formatMicros(floor.medianMicros)}, baseline ` +
    `${formatMicros(baseline.medianMicros)}`;
  return {
    rows,
    targets: [
      {
        target: `Ingest CPU ≤ 2× the floor (${size.label})`,
        measured: `${formatRatio(overFloor)} (${measured})`,
        met: overFloor <= 2,
      },
      {
        target: `Ingest CPU ≥ 3× cheaper than the usual way (${size.label})`,
        measured: `${formatRatio(cheaper)}; the floor itself is ${formatRatio(floorCheaper)} cheaper (${measured})`,
        met: cheaper >= 3,
      },
    ],
  };
}

function coldRow(entry: ColdStartEntry, baseline: ColdStartEntry | undefined, emptyMs: number): Row {
  const bundle = entry.bundle
    ? `${formatBytes(entry.bundle.bytes)} min / ${formatBytes(entry.bundle.gzipBytes)} gz; `
    : '';
  const isIngest = entry.kind === 'function' && entry.key.endsWith('-webhook');
  const limit = isIngest ? INGEST_BUNDLE_LIMIT : OTHER_BUNDLE_LIMIT;
  const sizeOk = entry.bundle ? entry.bundle.bytes <= limit : false;
  const timeOk = entry.wallOverEmpty <= 2.5;
  const isStripe = entry.key === 'stripe-webhook';
  return [
    `3. Cold start: ${entry.label} (${entry.outcome})`,
    `${bundle}${formatMillis(entry.wallMs)} (import ${formatMillis(entry.importMs)}, first event ` +
      `${formatMillis(entry.firstEventMs)})`,
    isStripe && baseline?.bundle
      ? `${formatBytes(baseline.bundle.bytes)} / ${formatBytes(baseline.bundle.gzipBytes)} gz; ` +
        `${formatMillis(baseline.wallMs)}`
      : '',
    `empty process ${formatMillis(emptyMs)}`,
    `${formatRatio(entry.wallOverEmpty)} ` +
      `empty${isStripe && baseline ? `; baseline/ours ${formatRatio(ratio(baseline.wallMs, entry.wallMs))}` : ''}`,
    isIngest
      ? `≤ 150 KB${mark(sizeOk)}; ≤ 2.5× empty${mark(timeOk)}`
      : entry.kind === 'function'
        ? `≤ 400 KB${mark(sizeOk)}`
        : '',
  ];
}

export function buildTable(results: AllResults): { rows: Row[]; targets: Target[] } {
  const rows: Row[] = [];
  const targets: Target[] = [];
  const failed = (name: string, outcome: BenchOutcome<unknown> | undefined) => {
    if (outcome?.error)
      rows.push([name, `failed: ${outcome.error.split('\n')[0]?.slice(0, 160) ?? ''}`, '', '', '', '']);
  };

  const cpu = results.ingestCpu?.result;
  failed('1. Ingest CPU', results.ingestCpu);
  failed('1. Ingest CPU, Shopify, Square and sources', results.ingestProviders);
  for (const note of results.ingestProviders?.result?.notes ?? [])
    rows.push(['1. Ingest CPU, Shopify, Square and sources', note, '', '', '', '']);
  for (const size of [...(cpu?.sizes ?? []), ...(results.ingestProviders?.result?.providers ?? [])]) {
    const view = likeForLike(size);
    rows.push(...view.rows);
    targets.push(...view.targets);
  }

  const e2e = results.ingestE2e?.result;
  failed('2. Ingest end to end', results.ingestE2e);
  if (e2e) {
    const ok = e2e.ours.statuses['200'] ?? 0;
    rows.push([
      `2. Ingest end to end: POST /webhooks/stripe, startLocalSystem (memory, quiet) + SQS emulator, ` +
        `${e2e.ours.concurrency} connections, ${Math.round(e2e.ours.durationSeconds)} s`,
      `${formatNumber(e2e.ours.requestsPerSecond)} req/s; p50 ${formatMillis(e2e.ours.latencyMs.p50)}, p99 ` +
        `${formatMillis(e2e.ours.latencyMs.p99)} (${formatNumber(ok)} × 200, ${e2e.ours.errors} errors)`,
      '',
      `bare node:http server: ${formatNumber(e2e.bareServer.requestsPerSecond)} req/s; p99 ` +
        `${formatMillis(e2e.bareServer.latencyMs.p99)}`,
      `ours/bare ${formatPercent(ratio(e2e.ours.requestsPerSecond, e2e.bareServer.requestsPerSecond))}`,
      '',
    ]);
    if (e2e.gatewayOnly) {
      rows.push([
        '2. Ingest end to end, diagnostic: gateway emulation + handler only (SQS emulator in another process, no ' +
          'consumer)',
        `${formatNumber(e2e.gatewayOnly.requestsPerSecond)} req/s; p50 ` +
          `${formatMillis(e2e.gatewayOnly.latencyMs.p50)}, p99 ${formatMillis(e2e.gatewayOnly.latencyMs.p99)} ` +
          `(${e2e.gatewayOnly.errors} errors)`,
        '',
        `${formatNumber(e2e.bareServer.requestsPerSecond)} req/s; the SQS emulator alone takes ` +
          `${e2e.sqsEmulatorSendsPerSecond === null ? 'n/a' : formatNumber(e2e.sqsEmulatorSendsPerSecond)} ` +
          `SendMessage/s`,
        `ours/bare ${formatPercent(ratio(e2e.gatewayOnly.requestsPerSecond, e2e.bareServer.requestsPerSecond))}; ` +
          `ours/emulator ` +
          `${formatPercent(ratio(e2e.gatewayOnly.requestsPerSecond, e2e.sqsEmulatorSendsPerSecond ?? Number.NaN))}`,
        '',
      ]);
    } else if (e2e.gatewayOnlyError) {
      rows.push([
        '2. Ingest end to end, diagnostic: gateway + handler only',
        `failed: ${e2e.gatewayOnlyError.split('\n')[0]?.slice(0, 160) ?? ''}`,
        '',
        '',
        '',
        '',
      ]);
    }
  }

  const cold = results.coldStart?.result;
  failed('3. Cold start', results.coldStart);
  if (cold) {
    const baseline = cold.entries.find((entry) => entry.kind === 'baseline');
    for (const entry of cold.entries) {
      if (entry.kind === 'empty' || entry.kind === 'baseline') continue;
      rows.push(coldRow(entry, baseline, cold.emptyProcessMs));
      if (entry.kind === 'function' && entry.key.endsWith('-webhook') && entry.bundle) {
        targets.push({
          target: `${entry.key} bundle ≤ 150 KB minified`,
          measured: formatBytes(entry.bundle.bytes),
          met: entry.bundle.bytes <= INGEST_BUNDLE_LIMIT,
        });
        targets.push({
          target: `${entry.key} first event ≤ 2.5× an empty Node process`,
          measured:
            `${formatRatio(entry.wallOverEmpty)} (${formatMillis(entry.wallMs)} vs ` +
            `${formatMillis(cold.emptyProcessMs)})`,
          met: entry.wallOverEmpty <= 2.5,
        });
        if (entry.maxRssUnderLoadKiB) {
          const growth = ratio(entry.maxRssUnderLoadKiB, entry.maxRssFirstKiB);
          targets.push({
            target: `${entry.key} peak RSS after ${formatNumber(entry.loadEvents)} events ≤ 1.2× the first event's`,
            measured: `${formatRatio(growth)} (${mib(entry.maxRssFirstKiB)} → ${mib(entry.maxRssUnderLoadKiB)})`,
            met: growth <= 1.2,
          });
        }
      } else if (entry.kind === 'function' && entry.bundle) {
        targets.push({
          target: `${entry.key} bundle ≤ 400 KB minified`,
          measured: formatBytes(entry.bundle.bytes),
          met: entry.bundle.bytes <= OTHER_BUNDLE_LIMIT,
        });
      }
    }
    if (baseline) rows.push(coldRow(baseline, undefined, cold.emptyProcessMs));
    const stripe = cold.entries.find((entry) => entry.key === 'stripe-webhook');
    if (stripe) {
      rows.push([
        '7. Peak RSS: stripe-webhook bundle, first event → after more events',
        `${mib(stripe.maxRssFirstKiB)} → ${mib(stripe.maxRssUnderLoadKiB)} (${formatNumber(stripe.loadEvents)} events)`,
        baseline ? `${mib(baseline.maxRssFirstKiB)} → ${mib(baseline.maxRssUnderLoadKiB)}` : '',
        '',
        '',
        '',
      ]);
    }
    const others = cold.entries.filter(
      (entry) => entry.kind === 'function' && entry.key !== 'stripe-webhook' && entry.maxRssUnderLoadKiB,
    );
    if (others.length > 0) {
      rows.push([
        `7. Peak RSS: other bundles after ${formatNumber(others[0]?.loadEvents ?? 0)} events (stub AWS)`,
        others.map((entry) => `${entry.key} ${mib(entry.maxRssUnderLoadKiB)}`).join('; '),
        '',
        '',
        '',
        '',
      ]);
    }
  }

  const consumers = results.consumers?.result;
  failed('4. Consumers', results.consumers);
  if (consumers) {
    const billing = consumers.billing;
    rows.push([
      '4. Billing consumer → DynamoDB emulator, batches of 10',
      `${formatNumber(billing.eventsPerSecond)} events/s; batch p50 ${formatMillis(billing.batchMs.p50)}, p99 ` +
        `${formatMillis(billing.batchMs.p99)} (${billing.failedItems} failed)`,
      '',
      `1 conditional PutItem/event: ${formatNumber(billing.floorEventsPerSecond)}/s`,
      `ours/floor ${formatPercent(ratio(billing.eventsPerSecond, billing.floorEventsPerSecond))}`,
      '',
    ]);
    if (billing.inboundLog) rows.push(billingLogRow(billing.eventsPerSecond, billing.inboundLog));
    const catalog = consumers.catalog;
    if (typeof catalog === 'string') rows.push(['4. Catalog consumer', catalog, '', '', '', '']);
    else {
      rows.push([
        '4. Catalog consumer → DynamoDB emulator (Square counts + Shopify products), batches of 10',
        `${formatNumber(catalog.eventsPerSecond)} events/s; batch p50 ${formatMillis(catalog.batchMs.p50)}, p99 ` +
          `${formatMillis(catalog.batchMs.p99)} (${catalog.failedItems} failed)`,
        '',
        `1 conditional PutItem/event: ${formatNumber(catalog.floorEventsPerSecond)}/s`,
        `ours/floor ${formatPercent(ratio(catalog.eventsPerSecond, catalog.floorEventsPerSecond))}`,
        '',
      ]);
    }
  }

  const fanout = results.fanout?.result;
  failed('5. Fan-out', results.fanout);
  for (const size of fanout?.sizes ?? []) {
    const phases = size.phasesMs;
    const met = size.endpoints === 1_000 ? size.medianMs <= 1_000 : null;
    rows.push([
      `5. Fan-out of one event to ${size.endpoints.toLocaleString('en-US')} endpoint${size.endpoints === 1 ? '' : 's'}`,
      `${formatMillis(size.medianMs)} (${formatNumber(size.tasksPerSecond)} tasks/s; delivery records ` +
        `${formatMillis(phases.putDeliveries)}, queueing ${formatMillis(phases.sendTasks)})`,
      '',
      `list + enqueue only: ${formatMillis(size.floorMs)}`,
      `ours/floor ${formatRatio(ratio(size.medianMs, size.floorMs))}`,
      size.endpoints === 1_000 ? `≤ 1 s${mark(met)}` : '',
    ]);
    if (size.endpoints === 1_000)
      targets.push({
        target: 'Fan-out to 1,000 endpoints ≤ 1 s locally',
        measured: formatMillis(size.medianMs),
        met: size.medianMs <= 1_000,
      });
  }

  const delivery = results.delivery?.result;
  failed('6. Delivery', results.delivery);
  if (delivery) {
    const share = ratio(delivery.ours.deliveriesPerSecond, delivery.floor.deliveriesPerSecond);
    const signShare = ratio(delivery.signAndPost.deliveriesPerSecond, delivery.floor.deliveriesPerSecond);
    rows.push([
      `6. Delivery: deliver() in batches of ${delivery.concurrency} with DynamoDB emulator, ` +
        `${delivery.bodyBytes} B bodies`,
      `${formatNumber(delivery.ours.deliveriesPerSecond)}/s; p50 ` +
        `${formatMillis(delivery.ours.latencyMs.p50)}, p99 ` +
        `${formatMillis(delivery.ours.latencyMs.p99)}; DynamoDB commands per delivery ` +
        `${commandsText(delivery.commands.after)} (before: ${commandsText(delivery.commands.before)})`,
      '',
      `bare keep-alive client: ${formatNumber(delivery.floor.deliveriesPerSecond)}/s; p50 ` +
        `${formatMillis(delivery.floor.latencyMs.p50)}, p99 ${formatMillis(delivery.floor.latencyMs.p99)}`,
      `ours/floor ${formatPercent(share)}`,
      `≥ 70 %${mark(share >= 0.7)}`,
    ]);
    if (delivery.oneByOne && delivery.commands.oneByOne)
      rows.push([
        '6. Delivery: deliver() one by one (each delivery its own round trips), 10 in flight',
        `${formatNumber(delivery.oneByOne.deliveriesPerSecond)}/s; p50 ` +
          `${formatMillis(delivery.oneByOne.latencyMs.p50)}, p99 ${formatMillis(delivery.oneByOne.latencyMs.p99)}; ` +
          `DynamoDB commands per delivery ${commandsText(delivery.commands.oneByOne)}`,
        '',
        '',
        `batched/one by one ` +
          formatRatio(ratio(delivery.ours.deliveriesPerSecond, delivery.oneByOne.deliveriesPerSecond)),
        '',
      ]);
    const gain = ratio(delivery.ours.deliveriesPerSecond, DELIVERY_BEFORE_PER_SECOND);
    rows.push([
      '6. Delivery: full path against the emulator vs before issue 12',
      `${formatNumber(delivery.ours.deliveriesPerSecond)}/s`,
      `${DELIVERY_BEFORE_PER_SECOND}/s (quiet run before issue 12)`,
      '',
      `${formatRatio(gain)} the earlier rate`,
      `≥ 3×${mark(gain >= 3)}`,
    ]);
    targets.push({
      target: 'Delivery full path ≥ 3× the 297/s before issue 12',
      measured: `${formatNumber(delivery.ours.deliveriesPerSecond)}/s (${formatRatio(gain)})`,
      met: gain >= 3,
    });
    rows.push([
      '6. Delivery: sign + post only (no DynamoDB)',
      `${formatNumber(delivery.signAndPost.deliveriesPerSecond)}/s; p50 ` +
        `${formatMillis(delivery.signAndPost.latencyMs.p50)}, p99 ${formatMillis(delivery.signAndPost.latencyMs.p99)}`,
      '',
      `${formatNumber(delivery.floor.deliveriesPerSecond)}/s`,
      `ours/floor ${formatPercent(signShare)}`,
      `≥ 70 %${mark(signShare >= 0.7)}`,
    ]);
    rows.push([
      '6. Delivery: the DynamoDB calls alone (ours with the POST answered in-process, no HTTP)',
      `${formatNumber(delivery.dynamoOnly.deliveriesPerSecond)}/s; p50 ` +
        `${formatMillis(delivery.dynamoOnly.latencyMs.p50)}, p99 ${formatMillis(delivery.dynamoOnly.latencyMs.p99)}`,
      '',
      '',
      `deliver()/DynamoDB-only ` +
        `${formatPercent(ratio(delivery.ours.deliveriesPerSecond, delivery.dynamoOnly.deliveriesPerSecond))}`,
      '',
    ]);
    targets.push({
      target: 'Delivery throughput ≥ 70 % of the bare-client floor (full path)',
      measured: formatPercent(share),
      met: share >= 0.7,
    });
    targets.push({
      target: 'Delivery throughput ≥ 70 % of the bare-client floor (sign + post only)',
      measured: formatPercent(signShare),
      met: signShare >= 0.7,
    });
  }

  rows.push(...consoleRows(results.console, targets));
  rows.push(...fairnessRows(results.fairness, failed, targets));
  rows.push(...inboundLogRows(results.inboundLog, failed));

  const rss: string[] = [];
  if (results.ingestE2e?.maxRssKiB)
    rss.push(`local system under load ${mib(results.ingestE2e.maxRssKiB)} (tsx, emulators included)`);
  if (e2e?.gatewayOnlyMaxRssKiB) rss.push(`gateway + Stripe handler under load ${mib(e2e.gatewayOnlyMaxRssKiB)} (tsx)`);
  if (results.consumers?.maxRssKiB) rss.push(`billing consumer bench ${mib(results.consumers.maxRssKiB)}`);
  if (results.fanout?.maxRssKiB) rss.push(`fan-out bench ${mib(results.fanout.maxRssKiB)} (1,000-endpoint lists)`);
  if (results.delivery?.maxRssKiB) rss.push(`delivery bench ${mib(results.delivery.maxRssKiB)}`);
  if (results.ingestCpu?.maxRssKiB)
    rss.push(`Stripe ingest CPU bench ${mib(results.ingestCpu.maxRssKiB)} (ours and baseline loaded)`);
  if (rss.length > 0)
    rows.push([
      '7. Peak RSS of the benchmark processes (bundled, no tsx unless noted)',
      rss.join('; '),
      '',
      '',
      '',
      '',
    ]);
  return { rows, targets };
}

/** 8. The web console: JavaScript weight against its budget, and the browser-timed first render. */
function consoleRows(outcome: BenchOutcome<ConsoleResult> | undefined, targets: Target[]): Row[] {
  const web = outcome?.result;
  if (outcome?.error)
    return [['8. Console', `failed: ${outcome.error.split('\n')[0]?.slice(0, 160) ?? ''}`, '', '', '', '']];
  if (!web) return [];
  const sizeOk = web.totalJsGzipBytes <= web.budgetBytes;
  const renderOk = web.firstRenderMs.median < 1000;
  targets.push(
    { target: 'Console JavaScript ≤ 80 KB gzipped', measured: formatBytes(web.totalJsGzipBytes), met: sizeOk },
    {
      target: `Console endpoints page first render < 1 s (${web.endpoints} endpoints, browser timing)`,
      measured: formatMillis(web.firstRenderMs.median),
      met: renderOk,
    },
  );
  const files = Object.entries(web.jsGzipBytes).map(([name, bytes]) => `${name} ${formatBytes(bytes)}`);
  return [
    [
      '8. Console JavaScript, gzipped',
      `${formatBytes(web.totalJsGzipBytes)} (${files.join(', ')})`,
      '',
      '',
      '',
      `≤ 80 KB${mark(sizeOk)}`,
    ],
    [
      `8. Console endpoints page, first render in Chromium (${web.endpoints} endpoints, median of ` +
        `${web.firstRenderMs.loads} loads)`,
      `${formatMillis(web.firstRenderMs.median)} (max ${formatMillis(web.firstRenderMs.max)})`,
      '',
      '',
      '',
      `< 1 s${mark(renderOk)}`,
    ],
  ];
}

export function renderMarkdown(rows: Row[]): string {
  const header: Row = ['Measure', 'Ours', 'Baseline', 'Floor / reference', 'Ratio', 'Target'];
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [header, ['---', '---', '---', '---', '---', '---'] as Row, ...rows]
    .map((row) => `| ${row.map(escape).join(' | ')} |`)
    .join('\n');
}

export function renderTargets(targets: Target[]): string {
  return targets
    .map(
      (target) =>
        `- ${target.met === null ? '·' : target.met ? '✅ met' : '❌ missed'}: ${target.target} — ${target.measured}`,
    )
    .join('\n');
}

/** 8. Fair delivery: the tarpit scenario and a rate-limited endpoint (bench/fairness.ts). */
function fairnessRows(
  outcome: BenchOutcome<FairnessResult> | undefined,
  failed: (name: string, outcome: BenchOutcome<unknown> | undefined) => void,
  targets: Target[],
): Row[] {
  failed('8. Fair delivery', outcome);
  const fairness = outcome?.result;
  if (!fairness) return [];
  const { tarpit, rateLimit } = fairness;
  const inFlight = tarpit.aInFlight
    .filter((_, index) => index % 5 === 0)
    .map(([second, open]) => `${second} s: ${open}`)
    .join(', ');
  const allowed = rateLimit.limitPerSecond * 10 + 1;
  targets.push(
    {
      target: "Tarpit scenario: B's p95 publish → delivery < 5 s",
      measured: formatMillis(tarpit.b.p95),
      met: tarpit.b.p95 < 5_000,
    },
    {
      target: `Rate limit: busiest 10 s window ≤ ${allowed}`,
      measured: String(rateLimit.busiest10s),
      met: rateLimit.busiest10s <= allowed,
    },
  );
  return [
    [
      `8. Tarpit scenario: org A ${tarpit.endpoints} never-answering endpoints × ${tarpit.events} ` +
        `events (queued in ${tarpit.queueSeconds} s), then org B 50 events to one 10 ms endpoint`,
      `B publish → delivery p50 ${formatMillis(tarpit.b.p50)}, p95 ${formatMillis(tarpit.b.p95)}, ` +
        `max ${formatMillis(tarpit.b.max)}; A's circuits open ${tarpit.circuitsOpen}/${tarpit.endpoints}`,
      // The engine before issue 11 had no admission control; it is not kept runnable beside this one.
      'before issue 11: not run (no admission control to switch off)',
      `A in flight at the receiver: ${inFlight}`,
      '',
      `p95 < 5 s${mark(tarpit.b.p95 < 5_000)}`,
    ],
    [
      `8. Rate limit: ${rateLimit.events} events at once (8 publishers) to an endpoint limited to ` +
        `${rateLimit.limitPerSecond}/s`,
      `busiest 10 s window ${rateLimit.busiest10s}; all delivered in ${rateLimit.totalSeconds} s`,
      '',
      `ideal ${Math.round(rateLimit.events / rateLimit.limitPerSecond)} s; allowed ≤ ${allowed} per 10 s`,
      '',
      `≤ ${allowed}${mark(rateLimit.busiest10s <= allowed)}`,
    ],
  ];
}

const commandList = (commands: Record<string, number>) =>
  Object.entries(commands)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ') || 'none';

/** 4. The billing consumer's same rounds with the inbound log off: what the log costs a consumer. */
function billingLogRow(logOnEventsPerSecond: number, log: NonNullable<ConsumersResult['billing']['inboundLog']>): Row {
  return [
    '4. Billing consumer, inbound log on vs off (same rounds, DynamoDB commands per event)',
    `log on ${formatNumber(logOnEventsPerSecond)} events/s (${commandList(log.logOnCommandsPerEvent)})`,
    `log off ${formatNumber(log.logOffEventsPerSecond)} events/s (${commandList(log.logOffCommandsPerEvent)})`,
    '',
    `on/off ${formatPercent(ratio(logOnEventsPerSecond, log.logOffEventsPerSecond))} of the throughput`,
    '',
  ];
}

/** 9. The inbound event log: its cost on the sources ingest path, and the commands of every log path. */
function inboundLogRows(
  outcome: BenchOutcome<InboundLogResult> | undefined,
  failed: (name: string, outcome: BenchOutcome<unknown> | undefined) => void,
): Row[] {
  failed('9. Inbound event log', outcome);
  const log = outcome?.result;
  if (!log) return [];
  const ingest = log.sourcesIngest;
  return [
    [
      `9. Signed-source ingest → emulators, inbound log on vs off (${ingest.rounds} rounds × ` +
        `${ingest.eventsPerRound} events, one at a time)`,
      `log on ${formatMillis(ingest.logOnMs)}/event (${commandList(ingest.logOnCommandsPerEvent)})`,
      `log off ${formatMillis(ingest.logOffMs)}/event (${commandList(ingest.logOffCommandsPerEvent)})`,
      '',
      `on/off ${formatRatio(ingest.ratio)}`,
      '',
    ],
    ...log.logPaths.map((path): Row => [
      `9. Inbound log commands per event: ${path.path}`,
      commandList(path.commandsPerEvent),
      '',
      '',
      '',
      '',
    ]),
  ];
}
