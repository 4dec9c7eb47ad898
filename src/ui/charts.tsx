/**
 * The SVG drawings of the charts laid out by arm-chart.ts, drift-chart.ts and timeline-chart.ts: presentation
 * attributes only (no inline styles, no scripts), a <title> and an aria-label on each, and data attributes naming
 * what each mark is, so a test or a screen reader finds the series without reading pixels.
 */
import { layoutArmChart, type ArmChartInput, type ArmName } from "./arm-chart";
import { layoutHistogram, type EvidenceBar, type HistogramBin } from "./drift-chart";
import { formatMetric, formatPercent } from "./format";
import { layoutTimeline, type Holding, type RolloutSpan } from "./timeline-chart";

export const ARM_COLOURS: Record<ArmName, string> = { stable: "#2463eb", candidate: "#7c3aed" };
const GRID = "#e6eaf0";
const INK = "#5b6675";
const THRESHOLD = "#c62828";
const STEP = "#9a5b00";

/** "14:05" within a day, "11-30 14:05" across days: the axis says UTC once. */
export function timeLabel(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  return spanMs <= 86_400_000 ? iso.slice(11, 16) : spanMs <= 60 * 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

export function ArmChartSvg(props: { metric: string; input: ArmChartInput }) {
  const layout = layoutArmChart(props.input);
  const span = props.input.toMs - props.input.fromMs;
  const counts = layout.series.map((s) => `${s.arm} ${s.points.length} bucket${s.points.length === 1 ? "" : "s"}`).join(", ");
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      role="img"
      aria-label={`${props.metric} per time bucket for each arm: ${counts}; ${layout.steps.length} weight changes marked; ${layout.thresholds.length} auto-rollback threshold lines`}
      data-chart="arms"
    >
      <title>{`${props.metric} over time, stable and candidate arms`}</title>
      {layout.yTicks.map((t) => (
        <g>
          <line x1={layout.left} x2={layout.right} y1={t.at} y2={t.at} stroke={GRID} stroke-width="1" />
          <text x={layout.left - 8} y={t.at + 4} text-anchor="end" font-size="11" fill={INK}>
            {formatMetric(t.value)}
          </text>
        </g>
      ))}
      {layout.xTicks.map((t) => (
        <text x={t.at} y={layout.bottom + 18} text-anchor="middle" font-size="11" fill={INK}>
          {timeLabel(t.t, span)}
        </text>
      ))}
      <text x={(layout.left + layout.right) / 2} y={layout.height - 3} text-anchor="middle" font-size="11" fill={INK}>
        time (UTC)
      </text>
      <text x="12" y={(layout.top + layout.bottom) / 2} text-anchor="middle" font-size="11" fill={INK} transform={`rotate(-90 12 ${(layout.top + layout.bottom) / 2})`}>
        {`mean ${props.metric}`}
      </text>
      {layout.steps.map((s) => (
        <g data-mark="step" data-weight={String(s.weight)}>
          <line x1={s.x} x2={s.x} y1={layout.top - 14} y2={layout.bottom} stroke={STEP} stroke-width="1" stroke-dasharray="3 3" />
          <text x={s.x > layout.right - 40 ? s.x - 3 : s.x + 3} y={layout.top - 6} text-anchor={s.x > layout.right - 40 ? "end" : "start"} font-size="10" fill={STEP}>
            {s.action === "start" || s.action === "weight" ? formatPercent(s.weight) : s.action.replace("_", "-")}
          </text>
          <title>{`${s.action} at ${new Date(s.t).toISOString().slice(0, 16)} UTC: candidate ${formatPercent(s.weight)}`}</title>
        </g>
      ))}
      {layout.thresholds.map((t) => (
        <g data-mark="threshold">
          <line x1={layout.left} x2={layout.right} y1={t.y} y2={t.y} stroke={THRESHOLD} stroke-width="1.5" stroke-dasharray="8 4" />
          <text x={layout.right} y={t.y - 4} text-anchor="end" font-size="10" fill={THRESHOLD}>
            {`auto-rollback: ${t.label}`}
          </text>
        </g>
      ))}
      {layout.series.map((s) => (
        <g data-series={s.arm}>
          <path d={s.path} fill="none" stroke={ARM_COLOURS[s.arm]} stroke-width="2" stroke-linejoin="round" stroke-dasharray={s.arm === "candidate" ? "6 3" : undefined} />
          {s.points.map((p) =>
            s.arm === "candidate" ? (
              <rect x={p.x - 3.5} y={p.y - 3.5} width="7" height="7" fill={ARM_COLOURS[s.arm]}>
                <title>{`candidate ${timeLabel(p.t, span)}: ${formatMetric(p.value)} (n = ${p.count})`}</title>
              </rect>
            ) : (
              <circle cx={p.x} cy={p.y} r="3.5" fill={ARM_COLOURS[s.arm]}>
                <title>{`stable ${timeLabel(p.t, span)}: ${formatMetric(p.value)} (n = ${p.count})`}</title>
              </circle>
            ),
          )}
        </g>
      ))}
    </svg>
  );
}

/** A feature's deciding statistic against its threshold, as a bar with the threshold marked. */
export function EvidenceBarSvg(props: { feature: string; bar: EvidenceBar; drift: boolean; label: string }) {
  const width = 240;
  const fill = Math.round(props.bar.fill * width * 10) / 10;
  const mark = Math.round(props.bar.mark * width * 10) / 10;
  return (
    <svg class="evidence" viewBox={`0 0 ${width} 16`} role="img" aria-label={`${props.feature}: ${props.label}`} data-chart="evidence" data-drift={String(props.drift)}>
      <rect x="0" y="3" width={width} height="10" rx="2" fill="#eef1f5" />
      <rect x="0" y="3" width={fill} height="10" rx="2" fill={props.drift ? "#c62828" : "#157347"} />
      <line x1={mark} x2={mark} y1="0" y2="16" stroke="#111827" stroke-width="2" data-mark="threshold" />
    </svg>
  );
}

/** A sample's distribution as bars of each bin's share. */
export function HistogramSvg(props: { feature: string; bins: HistogramBin[]; what: string }) {
  const layout = layoutHistogram(props.bins);
  const numeric = props.bins[0]?.from !== undefined;
  const first = props.bins[0];
  const last = props.bins[props.bins.length - 1];
  return (
    <svg class="chart histogram" viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-label={`${props.what} of ${props.feature}: ${props.bins.length} ${numeric ? "bins" : "categories"}`} data-chart="histogram">
      <title>{`${props.what} of ${props.feature}`}</title>
      {layout.yTicks.map((t) => (
        <g>
          <line x1={layout.left} x2={layout.right} y1={t.at} y2={t.at} stroke={GRID} stroke-width="1" />
          <text x={layout.left - 6} y={t.at + 4} text-anchor="end" font-size="10" fill={INK}>
            {`${Math.round(t.value * 100)}%`}
          </text>
        </g>
      ))}
      {layout.bars.map((b) => (
        <rect x={b.x} y={b.y} width={b.w} height={b.h} fill="#2463eb" fill-opacity="0.75" data-bin={b.label}>
          <title>{numeric ? `${formatMetric(b.from!)} to ${formatMetric(b.to!)}: ${b.count} (${formatPercent(b.share * 100)})` : `${b.label}: ${b.count} (${formatPercent(b.share * 100)})`}</title>
        </rect>
      ))}
      {numeric && first && last ? (
        <>
          <text x={layout.left} y={layout.bottom + 14} font-size="10" fill={INK}>
            {formatMetric(first.from!)}
          </text>
          <text x={layout.right} y={layout.bottom + 14} text-anchor="end" font-size="10" fill={INK}>
            {formatMetric(last.to!)}
          </text>
        </>
      ) : (
        layout.bars.map((b) => (
          <text x={b.x + b.w / 2} y={layout.bottom + 14} text-anchor="middle" font-size="10" fill={INK}>
            {b.label.length > 8 ? `${b.label.slice(0, 7)}…` : b.label}
          </text>
        ))
      )}
      <text x={(layout.left + layout.right) / 2} y={layout.height - 3} text-anchor="middle" font-size="10" fill={INK}>
        {numeric ? "value" : "category"}
      </text>
    </svg>
  );
}

const LANE_COLOURS: Record<string, string> = { Production: "#157347", Staging: "#c27803" };

/** Which version held each stage over time, rollouts as bands; every bar and band links to what it shows. */
export function TimelineSvg(props: { model: string; refs: string[]; holdings: Holding[]; rollouts: RolloutSpan[]; fromMs: number; nowMs: number; hrefOf: (r: RolloutSpan) => string; versionHref: (n: number) => string }) {
  const layout = layoutTimeline({ refs: props.refs, holdings: props.holdings, rollouts: props.rollouts, fromMs: props.fromMs, nowMs: props.nowMs });
  const span = props.nowMs - props.fromMs;
  return (
    <svg class="chart" viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-label={`Timeline of ${props.model}: ${layout.bars.length} stretches on ${props.refs.join(" and ")}, ${layout.bands.length} rollouts`} data-chart="timeline">
      <title>{`Which version held ${props.refs.join(" and ")} over time`}</title>
      {layout.lanes.map((l) => (
        <g>
          <line x1={layout.left} x2={layout.right} y1={l.y + l.h} y2={l.y + l.h} stroke={GRID} stroke-width="1" />
          <text x={layout.left - 8} y={l.y + l.h / 2 + 4} text-anchor="end" font-size="12" font-weight="600" fill={INK}>
            {l.ref}
          </text>
        </g>
      ))}
      {layout.xTicks.map((t, i) => (
        <text x={t.at} y={layout.height - 10} text-anchor={i === 0 ? "start" : i === layout.xTicks.length - 1 ? "end" : "middle"} font-size="11" fill={INK}>
          {timeLabel(t.t, span)}
        </text>
      ))}
      {layout.bars.map((b) => (
        <a href={props.versionHref(b.version)}>
          <rect x={b.x} y={b.y} width={b.w} height={b.h} rx="3" fill={LANE_COLOURS[b.ref] ?? "#3b4cca"} fill-opacity="0.85" stroke="#fff" stroke-width="1" data-mark="holding" data-ref={b.ref} data-version={String(b.version)}>
            <title>{`v${b.version} held ${b.ref} from ${new Date(b.fromMs).toISOString().slice(0, 16)} UTC${b.untilMs === null ? " until now" : ` to ${new Date(b.untilMs).toISOString().slice(0, 16)} UTC`}`}</title>
          </rect>
          {b.w > 28 && (
            <text x={b.x + 6} y={b.y + b.h / 2 + 4} font-size="11" font-weight="600" fill="#fff">
              {`v${b.version}`}
            </text>
          )}
        </a>
      ))}
      {/* Bands after the bars, translucent, so a rollout shows over the version it ran on. */}
      {layout.bands.map((b) => (
        <a href={props.hrefOf(b)}>
          <rect x={b.x} y={b.y} width={b.w} height={b.h} fill="#7c3aed" fill-opacity="0.22" stroke="#7c3aed" stroke-width="1.5" stroke-dasharray="4 2" data-mark="rollout" data-status={b.status}>
            <title>{`Rollout on ${b.ref}: v${b.stable} → v${b.candidate}, ${b.status.replace("_", " ")}`}</title>
          </rect>
          <text x={b.x + 3} y={b.y + 11} font-size="10" font-weight="600" fill="#5b21b6">
            {b.w > 40 ? `→ v${b.candidate}` : `v${b.candidate}`}
          </text>
        </a>
      ))}
    </svg>
  );
}
