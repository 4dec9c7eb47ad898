/** Two or more versions side by side: metrics, parameters, lineage and signature, differences highlighted. */
import type { VersionView } from "../../registry/ui-reads";
import { StageBadge, StatusBadge, VersionLink, modelPath } from "../components";
import { compareSections, semverVerdict, type CompareRow } from "../compare";
import { formatDelta, formatMetric } from "../format";
import { Layout, type PageContext } from "../layout";

export interface ComparePageData {
  model: string;
  versions: VersionView[];
  /** The version keys as asked, for the form. */
  asked: string[];
  /** The policy's compare metric and direction, to say which way a difference goes. */
  compare: { metric: string; direction: "higher" | "lower" } | null;
}

export function ComparePage(props: { ctx: PageContext; data: ComparePageData }) {
  const { ctx, data } = props;
  const { versions } = data;
  const sections = compareSections(versions);
  const first = versions[0];
  const verdicts = first ? versions.slice(1).map((v) => semverVerdict(first, v)) : [];
  return (
    <Layout title={`Compare ${data.model}`} ctx={ctx} section="models">
      <div class="page-head">
        <div>
          <div class="crumbs">
            <a href="/ui">Models</a> / <a href={modelPath(data.model)}>{data.model}</a> / compare
          </div>
          <h1>{versions.length > 0 ? `Compare ${versions.map((v) => `v${v.number}`).join(", ")}` : "Compare versions"}</h1>
          <p class="muted small">Rows where the versions differ are highlighted; a metric's difference is from the first version.</p>
        </div>
      </div>
      <form method="get" action={`${modelPath(data.model)}/compare`} class="panel fields">
        {[0, 1, 2, 3].map((i) => (
          <div class="tight">
            <label for={`cmp-${i}`}>{i === 0 ? "Version (base)" : `Version ${i + 1}`}</label>
            <input type="text" id={`cmp-${i}`} name="v" value={data.asked[i] ?? ""} placeholder={i < 2 ? "e.g. 3 or 1.2.0" : "optional"} size={10} />
          </div>
        ))}
        <div class="tight">
          <button type="submit">Compare</button>
        </div>
      </form>

      {versions.length < 2 ? (
        <div class="panel empty-state section">Name two or more versions (numbers or semvers) to compare them.</div>
      ) : (
        <>
          <section class="section" aria-labelledby="semver-heading">
            <h2 id="semver-heading">
              Semver rule <span class="muted">what each signature change requires, and whether the numbers say so</span>
            </h2>
            <ul class="panel" data-verdicts>
              {verdicts.map((v, i) =>
                v === null ? (
                  <li>{`v${versions[i + 1]!.number} and v${first!.number} carry the same semver.`}</li>
                ) : (
                  <li data-verdict={v.problem ? "bad" : "ok"}>
                    {`v${v.from.number} ${v.from.semver} → v${v.to.number} ${v.to.semver}: `}
                    {v.changes.length === 0 ? "no signature change (a patch suffices); " : `${v.changes.map((c) => c.detail).join("; ")}: a ${v.required} bump is required; `}
                    {v.problem ? <span class="verdict-bad">{`✗ ${v.problem}`}</span> : <span class="verdict-ok">{`✓ ${v.to.semver} honours it`}</span>}
                  </li>
                ),
              )}
            </ul>
          </section>

          <div class="table-wrap section">
            <table data-compare>
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  {versions.map((v) => (
                    <th scope="col">
                      <VersionLink model={data.model} number={v.number} />
                      <span class="sub">{v.semver}</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">status · stage</th>
                  {versions.map((v) => (
                    <td>
                      <div class="chips">
                        <StatusBadge status={v.status} />
                        <StageBadge stage={v.stage} />
                      </div>
                    </td>
                  ))}
                </tr>
                {sections.map((s) => (
                  <>
                    <tr>
                      <th scope="rowgroup" colspan={versions.length + 1}>
                        {s.title}
                      </th>
                    </tr>
                    {s.rows.length === 0 ? (
                      <tr>
                        <td class="muted" colspan={versions.length + 1}>
                          none recorded
                        </td>
                      </tr>
                    ) : (
                      s.rows.map((r) => <Row row={r} metric={s.title === "Metrics"} compare={data.compare} />)
                    )}
                  </>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Layout>
  );
}

function Row(props: { row: CompareRow; metric: boolean; compare: ComparePageData["compare"] }) {
  const { row } = props;
  const judged = props.metric && props.compare?.metric === row.label ? props.compare : null;
  return (
    <tr data-row={row.label} data-differs={String(row.differs)}>
      <td class={row.differs ? "differs" : undefined}>
        <code>{row.label}</code>
        {judged && <span class="sub">{`compare metric · ${judged.direction} is better`}</span>}
      </td>
      {row.cells.map((cell, i) => {
        const delta = row.deltas?.[i];
        return (
          <td class={`${props.metric ? "num " : ""}${row.differs ? "differs" : ""}`}>
            {cell === null ? <span class="muted">—</span> : props.metric ? formatMetric(Number(cell)) : cell}
            {i > 0 && delta !== null && delta !== undefined && delta !== 0 && (
              <span class={`sub ${judged ? ((judged.direction === "higher") === delta > 0 ? "better" : "worse") : ""}`}>{formatDelta(delta, true)}</span>
            )}
          </td>
        );
      })}
    </tr>
  );
}
