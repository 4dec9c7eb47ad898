/**
 * One drift report: per feature, the statistic that decided against its threshold, p-values, PSI and Wasserstein,
 * and the reference distribution the check compared against. The current sample is not stored with a report (only
 * its statistics), so the pictures show the reference sample, and say so.
 */
import { P_VALUE_THRESHOLD, WASSERSTEIN_THRESHOLD } from "../../domain/drift";
import type { DriftReportDetail } from "../../registry/ui-reads";
import { EvidenceBarSvg, HistogramSvg } from "../charts";
import { modelPath, versionPath } from "../components";
import { evidenceBar, histogram } from "../drift-chart";
import { formatMetric, formatPValue, formatTime, pClause } from "../format";
import { Layout, type PageContext } from "../layout";

const TESTS: Record<string, string> = { ks: "Kolmogorov–Smirnov", wasserstein: "Wasserstein (normalised)", chisquare: "chi-square", z: "z-test of proportions" };

export const driftPath = (model: string, id: string) => `${modelPath(model)}/drift/${encodeURIComponent(id)}`;

export function DriftPage(props: { ctx: PageContext; detail: DriftReportDetail }) {
  const { ctx, detail } = props;
  const r = detail.report;
  const features = Object.entries(r.features).sort(([a], [b]) => a.localeCompare(b));
  const thresholdOf = (pValue: number | null) => detail.stattestThreshold ?? (pValue !== null ? P_VALUE_THRESHOLD : WASSERSTEIN_THRESHOLD);
  return (
    <Layout title={`Drift report ${r.model} v${r.version}`} ctx={ctx} section="models">
      <div class="page-head">
        <div>
          <div class="crumbs">
            <a href="/ui">Models</a> / <a href={modelPath(r.model)}>{r.model}</a> / <a href={versionPath(r.model, r.version)}>{`v${r.version}`}</a> / drift report
          </div>
          <h1>
            {`Drift of ${r.model} v${r.version} `}
            {r.dataset_drift ? <span class="badge failed">data set drifted</span> : <span class="badge ready">no drift</span>}
          </h1>
          <p class="muted small">{`${formatTime(r.at)} by ${r.created_by} · ${r.current_rows} current rows · ${Math.round(r.drift_share * 100)}% of features drifted`}</p>
        </div>
      </div>

      <section aria-labelledby="features-heading">
        <h2 id="features-heading">
          Features <span class="muted">the deciding statistic against its threshold</span>
        </h2>
        <p class="small muted">
          {`A p-value test drifts when p is below its threshold: its bar shows −log10 p (longer is stronger evidence), the black tick the threshold. A distance test (Wasserstein, for references over 1000 rows) drifts when the distance reaches its threshold. Thresholds: ${detail.stattestThreshold !== null ? `the model's drift rule sets ${detail.stattestThreshold} for every test (as the policy says today)` : `p < ${P_VALUE_THRESHOLD}, normalised Wasserstein ≥ ${WASSERSTEIN_THRESHOLD}`}.`}
        </p>
        <div class="table-wrap">
          <table data-features>
            <thead>
              <tr>
                <th>Feature</th>
                <th>Test</th>
                <th>Statistic vs threshold</th>
                <th class="num">Statistic</th>
                <th class="num">p</th>
                <th class="num hide-sm">KS D (p)</th>
                <th class="num hide-sm">Wasserstein</th>
                <th class="num">PSI</th>
                <th>Drift</th>
              </tr>
            </thead>
            <tbody>
              {features.map(([name, f]) => {
                const threshold = thresholdOf(f.p_value);
                const label =
                  f.p_value !== null
                    ? `${pClause(f.p_value)} ${f.drift ? "<" : "≥"} ${threshold}: ${f.drift ? "drift" : "no drift"}`
                    : `distance ${formatMetric(f.statistic)} ${f.drift ? "≥" : "<"} ${threshold}: ${f.drift ? "drift" : "no drift"}`;
                return (
                  <tr data-feature={name} data-drift={String(f.drift)}>
                    <td>
                      <code>{name}</code>
                      <span class="sub">{f.kind}</span>
                    </td>
                    <td class="nowrap">{TESTS[f.test] ?? f.test}</td>
                    <td>
                      <EvidenceBarSvg feature={name} bar={evidenceBar(f, threshold)} drift={f.drift} label={label} />
                      <span class="sub">{label}</span>
                    </td>
                    <td class="num">{formatMetric(f.statistic)}</td>
                    <td class="num">{f.p_value === null ? "—" : formatPValue(f.p_value)}</td>
                    <td class="num hide-sm">{f.ks_statistic === null ? "—" : `${formatMetric(f.ks_statistic)} (${f.ks_p_value === null ? "—" : formatPValue(f.ks_p_value)})`}</td>
                    <td class="num hide-sm">{f.wasserstein_norm === null ? "—" : formatMetric(f.wasserstein_norm)}</td>
                    <td class="num">{f.psi === null ? "—" : formatMetric(f.psi)}</td>
                    <td>{f.drift ? <span class="badge failed">drift</span> : <span class="badge ready">ok</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section class="section" aria-labelledby="dist-heading">
        <h2 id="dist-heading">
          Reference distributions <span class="muted">{`v${r.version}'s reference sample`}</span>
        </h2>
        <p class="small muted" data-note="distribution">
          {detail.reference
            ? `A report keeps the current sample's statistics, not its values, so these pictures show the reference sample the check compared against (as stored now, updated ${formatTime(detail.reference.updated_at)}): a histogram for numbers, shares for categories. The table above says how the current sample differed.`
            : "This version's reference sample is no longer stored, and a report keeps statistics, not values: there is no distribution to draw."}
        </p>
        {detail.reference && (
          <div class="dist-grid">
            {features.map(([name]) => {
              const sample = detail.reference!.features[name];
              if (!sample) return null;
              const bins = histogram(sample);
              return (
                <figure class="panel" data-distribution={name}>
                  <h3>
                    <code>{name}</code> <span class="muted small">{`${sample.length} reference rows`}</span>
                  </h3>
                  <HistogramSvg feature={name} bins={bins} what="Reference distribution" />
                  <details class="small">
                    <summary>The numbers</summary>
                    <table>
                      <thead>
                        <tr>
                          <th>{typeof sample[0] === "string" ? "Category" : "From"}</th>
                          <th class="num">Rows</th>
                          <th class="num">Share</th>
                        </tr>
                      </thead>
                      <tbody>
                        {bins.map((b) => (
                          <tr>
                            <td>{b.from === undefined ? b.label : `${formatMetric(b.from)} – ${formatMetric(b.to!)}`}</td>
                            <td class="num">{b.count}</td>
                            <td class="num">{`${Math.round(b.share * 1000) / 10}%`}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </details>
                </figure>
              );
            })}
          </div>
        )}
      </section>
    </Layout>
  );
}
