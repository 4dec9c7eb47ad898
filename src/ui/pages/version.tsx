/** One version: changelog, lineage, metrics, params, signature, artifacts, drift reports and its audit trail. */
import type { AuditEvent } from "../../registry/audit";
import type { DriftReportView } from "../../registry/overview";
import type { MissingArtifact } from "../../registry/ui-reads";
import type { SignatureField, VersionView } from "../../registry/versions";
import { RefBadge, StageBadge, StatusBadge, Time, modelPath, versionPath } from "../components";
import { formatBytes, formatMetric, formatTime, shortDigest } from "../format";
import { Layout, type PageContext } from "../layout";
import { AuditTable } from "./audit";
import { driftPath } from "./drift";

export interface VersionPageData {
  version: VersionView;
  drift: DriftReportView[];
  /** Null for callers who may not read the audit log (it needs the admin role, as in the API). */
  audit: AuditEvent[] | null;
  /** For a PENDING version: the declared artifacts not uploaded and verified yet. */
  missing?: MissingArtifact[];
}

/** A titled list of name → value pairs (metrics, parameters), or a note when there are none. */
function KeyValuePanel(props: { id: string; title: string; entries: [string, unknown][]; empty: string; format: (value: unknown) => string }) {
  return (
    <section class="panel" aria-labelledby={`${props.id}-heading`}>
      <h2 id={`${props.id}-heading`}>{props.title}</h2>
      {props.entries.length === 0 ? (
        <p class="muted">{props.empty}</p>
      ) : (
        <dl class="kv">
          {props.entries.map(([k, val]) => (
            <>
              <dt>{k}</dt>
              <dd class="mono">{props.format(val)}</dd>
            </>
          ))}
        </dl>
      )}
    </section>
  );
}

export function VersionPage(props: { ctx: PageContext; data: VersionPageData }) {
  const { ctx } = props;
  const v = props.data.version;
  const metrics = Object.entries(v.metrics).sort(([a], [b]) => a.localeCompare(b));
  const params = Object.entries(v.params).sort(([a], [b]) => a.localeCompare(b));
  const tags = Object.entries(v.tags);
  return (
    <Layout title={`${v.model} v${v.number}`} ctx={ctx} section="models">
      <div class="page-head">
        <div>
          <div class="crumbs">
            <a href="/ui">Models</a> / <a href={modelPath(v.model)}>{v.model}</a> / {`v${v.number}`}
          </div>
          <h1>
            {`${v.model} v${v.number} `}
            <span class="muted">{v.semver}</span>
          </h1>
          <div class="chips">
            <StatusBadge status={v.status} />
            <StageBadge stage={v.stage} />
            {v.aliases.map((a) => (
              <RefBadge ref={a} />
            ))}
            {v.archived && v.stage !== "Archived" && <span class="badge neutral">archived</span>}
            {tags.map(([k, val]) => (
              <span class="badge neutral">{`${k}=${val}`}</span>
            ))}
          </div>
        </div>
        <div class="muted small">
          {"Created "}
          <Time iso={v.created_at} nowMs={ctx.nowMs} />
          {` by ${v.created_by}`}
          <br />
          {formatTime(v.created_at)}
        </div>
      </div>

      {v.status === "PENDING" && <Pending version={v} missing={props.data.missing ?? []} />}

      <section class="panel" aria-label="Description">
        <h2>Changelog</h2>
        {v.description ? <p>{v.description}</p> : <p class="muted">No description.</p>}
      </section>

      <div class="grid2 section">
        <section class="panel" aria-labelledby="lineage-heading">
          <h2 id="lineage-heading">Lineage</h2>
          <dl class="kv">
            <dt>Run id</dt>
            <dd>{v.run_id ? <code>{v.run_id}</code> : <span class="muted">—</span>}</dd>
            <dt>Git commit</dt>
            <dd>{v.git_commit ? <code title={v.git_commit}>{v.git_commit.slice(0, 12)}</code> : <span class="muted">—</span>}</dd>
            <dt>Source</dt>
            <dd>{v.source ?? <span class="muted">—</span>}</dd>
            <dt>Dataset</dt>
            <dd>
              {v.dataset ? (
                <>
                  {v.dataset.name}
                  {v.dataset.version ? <span class="muted">{` @ ${v.dataset.version}`}</span> : ""}
                  {v.dataset.digest && (
                    <span class="sub">
                      <code title={v.dataset.digest}>{v.dataset.digest}</code>
                    </span>
                  )}
                </>
              ) : (
                <span class="muted">—</span>
              )}
            </dd>
          </dl>
        </section>
        <KeyValuePanel id="metrics" title="Metrics" entries={metrics} empty="No metrics recorded." format={(val) => formatMetric(val as number)} />
        <KeyValuePanel id="params" title="Parameters" entries={params} empty="No parameters recorded." format={String} />
        <section class="panel" aria-labelledby="signature-heading">
          <h2 id="signature-heading">Signature</h2>
          {v.signature ? (
            <div class="grid2">
              <Fields title="Inputs" fields={v.signature.inputs} />
              <Fields title="Outputs" fields={v.signature.outputs} />
            </div>
          ) : (
            <p class="muted">No signature declared.</p>
          )}
        </section>
      </div>

      <section class="section" aria-labelledby="artifacts-heading">
        <h2 id="artifacts-heading">
          Artifacts <span class="muted">content-addressed, verified by SHA-256</span>
        </h2>
        {v.artifacts.length === 0 ? (
          <div class="panel empty-state">This version declares no artifacts.</div>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Path</th>
                  <th class="num">Size</th>
                  <th>SHA-256</th>
                  <th class="hide-sm">Type</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {v.artifacts.map((a) => (
                  <tr>
                    <td>
                      <code>{a.path}</code>
                    </td>
                    <td class="num nowrap">{formatBytes(a.size)}</td>
                    <td>
                      <code title={a.sha256}>{shortDigest(a.sha256)}…</code>
                    </td>
                    <td class="hide-sm muted">{a.content_type}</td>
                    <td class="nowrap">
                      {v.status === "READY" ? <a href={downloadPath(v, a.path)}>Download</a> : <span class="muted">not uploaded</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="section" aria-labelledby="drift-heading">
        <h2 id="drift-heading">
          Drift reports <span class="muted">live samples against this version's reference data</span>
        </h2>
        {props.data.drift.length === 0 ? (
          <div class="panel empty-state">No drift checks yet: POST /v1/models/{v.model}/drift with a current sample.</div>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>When</th>
                  <th>Verdict</th>
                  <th class="num">Drifted share</th>
                  <th class="num">Rows</th>
                  <th>Drifted features</th>
                </tr>
              </thead>
              <tbody>
                {props.data.drift.map((r) => {
                  const drifted = Object.entries(r.features).filter(([, f]) => f.drift);
                  return (
                    <tr>
                      <td class="nowrap">
                        <a href={driftPath(v.model, r.id)}>
                          <Time iso={r.at} nowMs={ctx.nowMs} />
                        </a>
                        <span class="sub">{r.created_by}</span>
                      </td>
                      <td>{r.dataset_drift ? <span class="badge failed">data set drifted</span> : <span class="badge ready">no drift</span>}</td>
                      <td class="num">{`${Math.round(r.drift_share * 100)}%`}</td>
                      <td class="num">{r.current_rows}</td>
                      <td>
                        {drifted.length === 0 ? (
                          <span class="muted">—</span>
                        ) : (
                          <div class="chips">
                            {drifted.map(([name, f]) => (
                              <span class="badge pending" title={`${f.test}: statistic ${formatMetric(f.statistic)}`}>
                                {name}
                              </span>
                            ))}
                          </div>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {props.data.audit && (
        <section class="section" aria-labelledby="audit-heading">
          <h2 id="audit-heading">
            Audit trail <span class="muted">{`events about v${v.number}, newest first`}</span>
          </h2>
          <AuditTable ctx={ctx} events={props.data.audit} showModel={false} />
          <p class="small">
            <a href={`/ui/audit?model=${encodeURIComponent(v.model)}`}>{`All of ${v.model}'s events »`}</a>
          </p>
        </section>
      )}
    </Layout>
  );
}

/** What a PENDING version still lacks, part by part, and the command that finishes the upload. */
function Pending(props: { version: VersionView; missing: MissingArtifact[] }) {
  const v = props.version;
  const paths = props.missing.map((m) => (/^[\w./-]+$/.test(m.path) ? m.path : `'${m.path.replace(/'/g, "'\\''")}'`));
  const command = `edgereg push ${v.model} ${paths.join(" ") || "<files…>"} --version ${v.semver}`;
  return (
    <section class="panel notice error" aria-labelledby="pending-heading" data-pending>
      <h2 id="pending-heading">{`Not ready: ${props.missing.length} of ${v.artifacts.length} artifact${v.artifacts.length === 1 ? "" : "s"} still missing`}</h2>
      <ul>
        {props.missing.map((m) => {
          const s = m.session;
          const received = new Set(s?.received ?? []);
          const missingParts = s ? Array.from({ length: s.part_count }, (_, i) => i + 1).filter((n) => !received.has(n)) : [];
          return (
            <li data-missing={m.path}>
              <code>{m.path}</code>
              {` (${formatBytes(m.size)}): `}
              {s
                ? `multipart upload open, ${received.size} of ${s.part_count} parts received; missing part${missingParts.length === 1 ? "" : "s"} ${runsOf(missingParts)}`
                : "no bytes received yet"}
            </li>
          );
        })}
      </ul>
      <p>Run this from the directory holding the files to finish the upload; it resumes where it stopped and skips what the registry already has:</p>
      <pre class="json command" data-command>{command}</pre>
    </section>
  );
}

/** "3, 4, 7–9": a long list of part numbers stays readable. */
export function runsOf(numbers: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    runs.push(i === j ? `${numbers[i]}` : `${numbers[i]}–${numbers[j]}`);
    i = j + 1;
  }
  return runs.join(", ");
}

function Fields(props: { title: string; fields: SignatureField[] }) {
  return (
    <div>
      <h3>{props.title}</h3>
      {props.fields.length === 0 ? (
        <p class="muted small">none</p>
      ) : (
        <dl class="kv">
          {props.fields.map((f) => (
            <>
              <dt>
                <code>{f.name}</code>
              </dt>
              <dd class="mono">
                {f.type}
                {f.optional ? <span class="muted"> (optional)</span> : ""}
              </dd>
            </>
          ))}
        </dl>
      )}
    </div>
  );
}

export const downloadPath = (v: VersionView, path: string) =>
  `${versionPath(v.model, v.number)}/artifacts/${path.split("/").map(encodeURIComponent).join("/")}`;
