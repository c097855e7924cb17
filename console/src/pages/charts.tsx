import { useState } from 'preact/hooks';
import { usePage } from '../context';
import { query } from '../owner';
import { hourlySeries, windowStartMs, type HourPoint, type StatsWindow } from '../series';
import type { AttemptView, EndpointView, Page } from '../types';
import { ErrorText, Loading, Section, useLoad, WindowToggle } from '../ui';

/** An endpoint's health per hour as two SVG charts: outcomes (stacked bars) and latency p50/p95 (lines). */

/** Enough for a busy endpoint's week at a glance without paging the log for minutes. */
const MAX_PAGES = 20;
const WIDTH = 720;
const HEIGHT = 160;
const PAD = 28;

async function attemptsSince(page: ReturnType<typeof usePage>, endpointId: string, since: number) {
  const attempts: AttemptView[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < MAX_PAGES; n += 1) {
    const answer = await page.api.request<Page<AttemptView>>(
      'GET',
      `${page.paths.attempts(endpointId)}${query({ limit: 100, cursor })}`,
    );
    attempts.push(...answer.items);
    const oldest = answer.items.at(-1);
    if (!answer.nextCursor || !oldest || Date.parse(oldest.at) < since) break;
    cursor = answer.nextCursor;
  }
  return attempts;
}

export function EndpointCharts({ endpoint }: { endpoint: EndpointView }) {
  const page = usePage();
  const [window, setWindow] = useState<StatsWindow>('24h');
  const loaded = useLoad(async () => {
    const now = Date.now();
    return hourlySeries(await attemptsSince(page, endpoint.id, windowStartMs(window, now)), window, now);
  }, [endpoint.id, window]);
  return (
    <Section title={`Per hour: ${endpoint.url}`} actions={<WindowToggle value={window} onChange={setWindow} />}>
      <ErrorText error={loaded.error} />
      {loaded.data ? (
        <>
          <OutcomeChart points={loaded.data} />
          <LatencyChart points={loaded.data} />
        </>
      ) : (
        <Loading what="health" />
      )}
    </Section>
  );
}

function scaleX(points: readonly HourPoint[]) {
  const step = (WIDTH - PAD * 2) / Math.max(points.length, 1);
  return { step, x: (index: number) => PAD + index * step };
}

function hourLabel(point: HourPoint | undefined): string {
  return point ? new Date(point.hourStart).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit' }) : '';
}

export function OutcomeChart({ points }: { points: readonly HourPoint[] }) {
  const max = Math.max(1, ...points.map((p) => p.succeeded + p.failed));
  const { step, x } = scaleX(points);
  const y = (value: number) => ((HEIGHT - PAD * 2) * value) / max;
  const total = points.reduce((sum, p) => ({ ok: sum.ok + p.succeeded, bad: sum.bad + p.failed }), { ok: 0, bad: 0 });
  return (
    <figure>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Attempts per hour: ${total.ok} succeeded, ${total.bad} failed`}
        class="chart"
      >
        <line x1={PAD} y1={HEIGHT - PAD} x2={WIDTH - PAD} y2={HEIGHT - PAD} class="axis" />
        <text x={4} y={PAD} class="tick">
          {max}
        </text>
        {points.map((point, index) => (
          <g key={point.hourStart}>
            <rect
              x={x(index)}
              width={Math.max(step - 1, 1)}
              y={HEIGHT - PAD - y(point.succeeded)}
              height={y(point.succeeded)}
              class="ok"
            />
            <rect
              x={x(index)}
              width={Math.max(step - 1, 1)}
              y={HEIGHT - PAD - y(point.succeeded) - y(point.failed)}
              height={y(point.failed)}
              class="bad"
            />
          </g>
        ))}
        <text x={PAD} y={HEIGHT - 8} class="tick">
          {hourLabel(points[0])}
        </text>
        <text x={WIDTH - PAD} y={HEIGHT - 8} class="tick end">
          {hourLabel(points.at(-1))}
        </text>
      </svg>
      <figcaption>
        Attempts per hour: <span class="key ok">succeeded</span> {total.ok}, <span class="key bad">failed</span>{' '}
        {total.bad}
      </figcaption>
    </figure>
  );
}

function linePath(points: readonly HourPoint[], pick: (p: HourPoint) => number | null, y: (v: number) => number) {
  const { step, x } = scaleX(points);
  return points
    .map((point, index) => [x(index) + step / 2, pick(point)] as const)
    .filter((entry): entry is readonly [number, number] => entry[1] !== null)
    .map(([px, value], index) => `${index === 0 ? 'M' : 'L'}${px.toFixed(1)},${y(value).toFixed(1)}`)
    .join(' ');
}

export function LatencyChart({ points }: { points: readonly HourPoint[] }) {
  const max = Math.max(1, ...points.map((p) => p.p95 ?? 0));
  const y = (value: number) => HEIGHT - PAD - ((HEIGHT - PAD * 2) * value) / max;
  const worst = points.reduce((m, p) => Math.max(m, p.p95 ?? 0), 0);
  return (
    <figure>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Latency per hour, p95 at most ${worst} ms`}
        class="chart"
      >
        <line x1={PAD} y1={HEIGHT - PAD} x2={WIDTH - PAD} y2={HEIGHT - PAD} class="axis" />
        <text x={4} y={PAD} class="tick">
          {max} ms
        </text>
        <path d={linePath(points, (p) => p.p95, y)} class="line p95" />
        <path d={linePath(points, (p) => p.p50, y)} class="line p50" />
        {points.map((point, index) =>
          point.p95 === null ? null : (
            <g key={point.hourStart}>
              <circle
                cx={scaleX(points).x(index) + scaleX(points).step / 2}
                cy={y(point.p95)}
                r={2.5}
                class="dot p95"
              />
              <circle
                cx={scaleX(points).x(index) + scaleX(points).step / 2}
                cy={y(point.p50 ?? 0)}
                r={2.5}
                class="dot p50"
              />
            </g>
          ),
        )}
      </svg>
      <figcaption>
        Latency per hour: <span class="key p50">p50</span> <span class="key p95">p95</span> (worst p95 {worst} ms)
      </figcaption>
    </figure>
  );
}
