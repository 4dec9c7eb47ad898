/** Small building blocks shared by the pages: times, badges, pagers, the rollout split bar and the metric chart. */
import type { Child } from "hono/jsx";
import type { DerivedStage, VersionStatus } from "../domain/versions";
import { DEFAULT_SIZE, layoutChart, NARROW_SIZE, type ChartPoint, type ChartSize } from "./chart";
import { formatMetric, formatTime, relativeTime } from "./format";
import { CsrfField } from "./layout";

export function Time(props: { iso: string; nowMs: number }) {
  return (
    <time datetime={props.iso} title={formatTime(props.iso)}>
      {relativeTime(props.iso, props.nowMs)}
    </time>
  );
}

const STAGE_CLASS: Record<DerivedStage, string> = { Production: "production", Staging: "staging", Archived: "neutral", None: "neutral" };

export const StageBadge = (props: { stage: DerivedStage }) => <span class={`badge ${STAGE_CLASS[props.stage]}`}>{props.stage}</span>;

export const StatusBadge = (props: { status: VersionStatus }) => <span class={`badge ${props.status.toLowerCase()}`}>{props.status}</span>;

/** A ref's badge: stages in their colours, aliases in one. */
export function RefBadge(props: { ref: string; children?: Child }) {
  const kind = props.ref === "Production" ? "production" : props.ref === "Staging" ? "staging" : "alias";
  return (
    <span class={`badge ${kind}`}>
      {props.ref}
      {props.children}
    </span>
  );
}

export const VersionLink = (props: { model: string; number: number; children?: Child }) => (
  <a href={versionPath(props.model, props.number)}>{props.children ?? `v${props.number}`}</a>
);

export const modelPath = (name: string) => `/ui/models/${encodeURIComponent(name)}`;
export const versionPath = (name: string, number: number) => `${modelPath(name)}/versions/${number}`;

/** A post form for one action; the CSRF field is always there. */
export function ActionForm(props: { action: string; csrf: string; class?: string; children: Child }) {
  return (
    <form method="post" action={props.action} class={props.class}>
      <CsrfField token={props.csrf} />
      {props.children}
    </form>
  );
}

/** Deleted models or versions (admins only), each with its restore form. */
export function DeletedTable(props: {
  what: string;
  csrf: string;
  nowMs: number;
  rows: { label: Child; deletedAt: string; restore: string; button: string }[];
}) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{props.what}</th>
            <th>Deleted</th>
            <th>Restore</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              <td>{row.label}</td>
              <td>
                <Time iso={row.deletedAt} nowMs={props.nowMs} />
              </td>
              <td>
                <ActionForm action={row.restore} csrf={props.csrf} class="inline">
                  <button type="submit" class="secondary">
                    {row.button}
                  </button>
                </ActionForm>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ReasonField(props: { id: string; placeholder: string; required?: boolean }) {
  return (
    <div>
      <label for={props.id}>Reason{props.required ? "" : " (optional)"}</label>
      <input type="text" id={props.id} name="reason" maxlength={2000} placeholder={props.placeholder} required={props.required} autocomplete="off" />
    </div>
  );
}

/** "Newer" goes back to the first page (cursors only run forwards); "Older" follows next_cursor. */
export function Pager(props: { base: string; params: Record<string, string | undefined>; next: string | null; onLaterPage: boolean; label?: string }) {
  if (!props.next && !props.onLaterPage) return null;
  const href = (cursor?: string) => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(props.params)) if (v) query.set(k, v);
    if (cursor) query.set("cursor", cursor);
    const text = query.toString();
    return text ? `${props.base}?${text}` : props.base;
  };
  return (
    <nav class="pager" aria-label="Pages">
      {props.onLaterPage && <a href={href()}>« First page</a>}
      {props.next && <a href={href(props.next)}>{props.label ?? "Next page"} »</a>}
    </nav>
  );
}

/** The rollout's split as a bar: the candidate's share on the left, the stable arm's on the right. */
export function SplitBar(props: { weightBp: number }) {
  const candidate = Math.min(10_000, Math.max(0, props.weightBp)) / 10;
  return (
    <svg class="split" viewBox="0 0 1000 14" preserveAspectRatio="none" role="img" aria-label={`candidate ${candidate / 10}% of keys`}>
      <rect x="0" y="0" width="1000" height="14" fill="#d7dee7" />
      <rect x="0" y="0" width={candidate} height="14" fill="#7c3aed" />
    </svg>
  );
}

export interface ChartMarks {
  production?: number;
  staging?: number;
  candidate?: number;
}

const MARK_COLOURS = { production: "#157347", staging: "#c27803", candidate: "#7c3aed" } as const;

/** A metric across versions, with the Production, Staging and candidate versions marked; a narrower drawing for phones. */
export function MetricChart(props: { model: string; metric: string; points: ChartPoint[]; marks: ChartMarks; note?: string }) {
  return (
    <figure class="panel" aria-label={`${props.metric} by version`}>
      <ChartSvg {...props} size={DEFAULT_SIZE} class="chart wide" />
      <ChartSvg {...props} size={NARROW_SIZE} class="chart narrow" />
      <figcaption class="chart-legend">
        <span>{props.note}</span>
        {(["production", "staging", "candidate"] as const)
          .filter((m) => props.marks[m] !== undefined)
          .map((m) => (
            <span>
              <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
                <circle cx="5" cy="5" r="5" fill={MARK_COLOURS[m]} />
              </svg>
              {`${m[0]!.toUpperCase()}${m.slice(1)} (v${props.marks[m]})`}
            </span>
          ))}
      </figcaption>
    </figure>
  );
}

function ChartSvg(props: { model: string; metric: string; points: ChartPoint[]; marks: ChartMarks; size: ChartSize; class: string }) {
  const layout = layoutChart(props.points, props.size);
  const markOf = (version: number) =>
    version === props.marks.production ? "production" : version === props.marks.staging ? "staging" : version === props.marks.candidate ? "candidate" : null;
  const last = layout.points[layout.points.length - 1];
  const area = last && layout.points.length > 1 ? `${layout.path} L${last.x} ${layout.bottom} L${layout.points[0]!.x} ${layout.bottom} Z` : "";
  return (
    <svg class={props.class} viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-label={`${props.metric} of each version`}>
      {layout.yTicks.map((t) => (
        <g>
          <line x1={layout.left} x2={layout.right} y1={t.at} y2={t.at} stroke="#e6eaf0" stroke-width="1" />
          <text x={layout.left - 8} y={t.at + 4} text-anchor="end" font-size="11" fill="#5b6675">
            {formatMetric(t.value)}
          </text>
        </g>
      ))}
      {layout.xTicks.map((t) => (
        <text x={t.at} y={layout.bottom + 20} text-anchor="middle" font-size="11" fill="#5b6675">
          {`v${t.value}`}
        </text>
      ))}
      {area && <path d={area} fill="#2463eb" fill-opacity="0.07" />}
      <path d={layout.path} fill="none" stroke="#2463eb" stroke-width="2" stroke-linejoin="round" />
      {layout.points.map((p) => {
        const mark = markOf(p.version);
        return (
          <a href={versionPath(props.model, p.version)}>
            <circle cx={p.x} cy={p.y} r={mark ? 6 : 4} fill={mark ? MARK_COLOURS[mark] : "#fff"} stroke={mark ? "#fff" : "#2463eb"} stroke-width="2">
              <title>{`v${p.version}: ${props.metric} = ${formatMetric(p.value)}`}</title>
            </circle>
          </a>
        );
      })}
    </svg>
  );
}
