/**
 * conformance.html: one self-contained page (inline CSS, no script, no external asset) with the
 * requirement matrix (one row per area, one coloured cell per requirement), the failures expanded with
 * their evidence, and every requirement listed below with its tests.
 */
import type { ConformanceResult, Evidence, Finding, RequirementResult, RequirementStatus } from './model.ts';

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Marks of the @wazo/sdk compatibility line (no colour of their own: the header is already coloured). */
const SDK_MARK: Record<NonNullable<ConformanceResult['sdk']>['status'], string> = { compatible: '✔', incompatible: '✘', partial: '◐', 'not-checked': '–' };

const LABEL: Record<RequirementStatus, string> = {
  passed: 'passed',
  failed: 'failed',
  warning: 'warning',
  skipped: 'skipped',
  'expected-failure': 'expected failure',
};

const CSS = `
:root{--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#6e7781;--xfail:#8250df;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 28px;color:#fff}header.pass{background:var(--pass)}header.fail{background:var(--fail)}header.error{background:#6e1d1d}header.interrupted{background:var(--skip)}
header h1{margin:0 0 4px;font-size:24px}header .reason{margin:0 0 10px;font-size:16px;font-weight:600}header .sdk{margin:-4px 0 10px;font-size:14px;font-weight:600}
header dl{display:flex;flex-wrap:wrap;gap:4px 22px;margin:0;font-size:13px}header dt{opacity:.8}header dd{margin:0 0 0 4px;font-family:ui-monospace,monospace}
header dl div{display:flex}
main{padding:8px 28px 40px;max-width:1400px}
h2{margin:26px 0 10px;font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px}
.counts{display:flex;flex-wrap:wrap;gap:10px;list-style:none;padding:0;margin:14px 0 0}
.counts li{background:#fff;color:var(--fg);border-radius:6px;padding:4px 10px;font-weight:600}
.counts li b{font-size:18px;margin-right:4px}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:13px;color:var(--muted);margin:6px 0 10px}
.legend span::before{content:"";display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:5px;vertical-align:-1px;background:var(--c)}
table.matrix{border-collapse:collapse;width:100%}
table.matrix th{text-align:left;vertical-align:top;padding:8px 12px 8px 0;width:230px;font-weight:600;border-top:1px solid var(--line)}
table.matrix th small{display:block;font-weight:400;color:var(--muted)}
table.matrix td{padding:8px 0;border-top:1px solid var(--line)}
.cells{display:flex;flex-wrap:wrap;gap:5px;list-style:none;margin:0;padding:0}
a.cell{display:block;min-width:40px;padding:4px 7px;border-radius:4px;color:#fff;text-decoration:none;font:600 11.5px/1.3 ui-monospace,SFMono-Regular,Menlo,monospace;border:2px solid transparent}
a.cell:hover,a.cell:focus{outline:2px solid var(--fg);outline-offset:1px}
.s-passed{background:var(--pass)}.s-failed{background:var(--fail)}.s-warning{background:var(--warn)}.s-skipped{background:var(--skip)}.s-expected-failure{background:var(--xfail)}
a.cell.sev-should{border-style:dashed;border-color:rgba(255,255,255,.75)}
a.cell.now-passes{box-shadow:0 0 0 3px var(--xfail)}
a.cell.no-test{background:repeating-linear-gradient(135deg,var(--skip) 0 6px,#8c959f 6px 12px)}
.badge{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font-size:12px;font-weight:600;vertical-align:1px}
details.req{border:1px solid var(--line);border-left:6px solid var(--c,var(--line));border-radius:6px;margin:8px 0;padding:6px 12px;background:#fff}
details.req>summary{cursor:pointer;font-weight:600}details.req>summary code{font-size:13px}
details.req .meta{color:var(--muted);font-size:12.5px;margin:4px 0}
.finding{margin:10px 0 4px;padding:8px 10px;background:#f6f8fa;border-radius:6px}
.finding .msg{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12.5px;margin:4px 0;color:#82071e}
.finding.warning .msg{color:#7d4e00}
.evidence{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0 0;font-size:12.5px}
.evidence dt{color:var(--muted)}.evidence dd{margin:0;font-family:ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}
ul.tests{margin:4px 0;padding-left:18px;font-size:12.5px}
.errors li{color:var(--fail);font-family:ui-monospace,monospace;white-space:pre-wrap}
footer{color:var(--muted);font-size:12px;padding:0 28px 24px}
pre.curl{margin:4px 0;padding:6px 8px;background:#f4f4f4;font-size:12px;white-space:pre-wrap;word-break:break-all}
`;

function evidenceBlock(e: Evidence): string {
  const rows: [string, unknown][] = [];
  if (e.request !== undefined) rows.push(['request', e.request]);
  if (e.status !== undefined) rows.push(['status', e.status]);
  if (e.schemaError !== undefined) rows.push(['spec', e.schemaError]);
  if (e.body !== undefined) rows.push(['body', e.body]);
  for (const [k, v] of Object.entries(e)) {
    if (!['request', 'status', 'body', 'schemaError', 'curl'].includes(k)) rows.push([k, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  return `<dl class="evidence">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

function findingBlock(f: Finding): string {
  // The last exchanges are the ones that led to the failure; three are enough to read it.
  // A fuzz finding's own exchange is the one with its curl line.
  const own = f.curl ? f.evidence.filter((e) => e.curl === f.curl) : f.evidence;
  const shown = own.slice(-3);
  const curl = f.curl ? `<div class="meta">reproduce:</div><pre class="curl">${esc(f.curl)}</pre>` : '';
  return `<div class="finding ${f.kind}" data-kind="${f.kind}"><div><b>${f.kind === 'failure' ? 'Failure' : 'Warning'}</b> in <i>${esc(f.test)}</i></div><div class="msg">${esc(f.message)}</div>${curl}${shown.map(evidenceBlock).join('')}${f.evidence.length > shown.length ? `<div class="meta">${f.evidence.length - shown.length} earlier exchange(s) in the Playwright report</div>` : ''}</div>`;
}

/** Marks of the release line. */
const RELEASE_MARK: Record<ConformanceResult['release']['status'], string> = { consistent: '✔', differs: '✘', contradictory: '✘', 'not-observed': '–' };

const colour: Record<RequirementStatus, string> = {
  passed: 'var(--pass)',
  failed: 'var(--fail)',
  warning: 'var(--warn)',
  skipped: 'var(--skip)',
  'expected-failure': 'var(--xfail)',
};

function requirementBlock(r: RequirementResult): string {
  // Failures and warnings open by default: they are what the reader came for.
  const open = r.status === 'failed' || r.status === 'warning' ? ' open' : '';
  const why = r.reason ? ` — ${esc(r.reason)}` : '';
  const xf = r.expectedFailure
    ? `<div class="meta">Listed as an expected failure: ${esc(r.expectedFailure.reason)}${r.expectedFailure.nowPasses ? ' — <b>it passes now: remove it from the file</b>' : ''}</div>`
    : '';
  const tests = r.tests.length
    ? `<ul class="tests">${r.tests.map((t) => `<li>${esc(t.status)} · ${esc(t.title)} <span class="meta">(${esc(t.file)}:${t.line}, ${t.durationMs} ms)</span></li>`).join('')}</ul>`
    : '<div class="meta">No test carries this requirement.</div>';
  return `<details class="req" id="req-${esc(r.id)}" data-requirement="${esc(r.id)}" data-status="${r.status}" style="--c:${colour[r.status]}"${open}><summary><code>${esc(r.id)}</code> <span class="badge s-${r.status}">${LABEL[r.status]}</span> <span class="badge" style="background:#57606a">${r.severity}</span> ${esc(r.title)}</summary><div class="meta">Area ${esc(r.area)} · source: ${esc(r.source)}${why}</div>${r.releases ? `<div class="meta release" data-holds-in="${esc(r.releases.holdsIn)}">Release-dependent (${esc(r.releases.behaviour)}): holds in wazo-auth ${esc(r.releases.holdsIn)}; judged with ${esc(r.releases.judgedWith)}</div>` : ''}${xf}${(r.proofs ?? []).map((p) => `<div class="meta proof">Measured: ${esc(p)}</div>`).join('')}${r.findings.map(findingBlock).join('')}${tests}</details>`;
}

/** Renders conformance.html; `areaTitles` (area id → description) labels the matrix rows. */
export function renderHtml(result: ConformanceResult, areaTitles: ReadonlyMap<string, string> = new Map()): string {
  const s = result.summary;
  const areas = [...new Set(result.requirements.map((r) => r.area))];
  const matrix = areas
    .map((area) => {
      const cells = result.requirements
        .filter((r) => r.area === area)
        .map((r) => {
          const classes = ['cell', `s-${r.status}`, `sev-${r.severity}`, r.expectedFailure?.nowPasses ? 'now-passes' : '', r.status === 'skipped' && r.tests.length === 0 ? 'no-test' : '']
            .filter(Boolean)
            .join(' ');
          const tip = `${r.id} (${r.severity}): ${LABEL[r.status]}${r.reason ? ` — ${r.reason}` : ''}\n${r.title}${r.releases ? `\nholds in ${r.releases.holdsIn}; judged with ${r.releases.judgedWith}` : ''}`;
          return `<li><a class="${classes}" href="#req-${esc(r.id)}" title="${esc(tip)}" data-requirement="${esc(r.id)}" data-status="${r.status}">${esc(r.id)}</a></li>`;
        })
        .join('');
      return `<tr data-area="${esc(area)}"><th scope="row">${esc(area)}${areaTitles.has(area) ? `<small>${esc(areaTitles.get(area))}</small>` : ''}</th><td><ul class="cells">${cells}</ul></td></tr>`;
    })
    .join('\n');
  const attention = result.requirements.filter((r) => r.status === 'failed' || r.status === 'warning' || r.expectedFailure?.nowPasses);
  const rest = result.requirements.filter((r) => !attention.includes(r));
  const meta: [string, string][] = [
    ['target', `${result.target.url ?? 'unknown'}${result.target.embeddedMock ? ' (embedded mock)' : ''}`],
    ['kit', result.kit.version],
    ['spec', result.spec.version],
    ['started', result.startedAt],
    ['duration', `${(result.durationMs / 1000).toFixed(1)} s`],
    ['exit', String(result.gate.exitCode)],
  ];
  if (result.options.strict) meta.push(['mode', 'strict']);
  if (result.options.grep) meta.push(['grep', result.options.grep]);
  if (result.options.expectFailuresFile) meta.push(['expected failures', result.options.expectFailuresFile]);
  const count = (n: number, label: string, status?: RequirementStatus) =>
    `<li${status ? ` style="color:${colour[status]}"` : ''}><b>${n}</b>${label}</li>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>wazo-auth conformance: ${esc(result.gate.verdict.toUpperCase())} — ${esc(result.target.url ?? '')}</title>
<style>${CSS}</style></head>
<body>
<header class="${result.gate.verdict}" id="verdict" data-verdict="${result.gate.verdict}">
<h1>wazo-auth conformance: ${esc(result.gate.verdict.toUpperCase())}</h1>
<p class="reason">${esc(result.gate.reason)}</p>
<p class="sdk" id="release" data-release="${result.release.status}" data-candidates="${esc(result.release.candidates.join(' '))}">${RELEASE_MARK[result.release.status]} Release: ${esc(result.release.summary)}</p>
${result.sdk ? `<p class="sdk" id="sdk" data-sdk="${result.sdk.status}">${SDK_MARK[result.sdk.status]} ${esc(result.sdk.summary)}</p>\n` : ''}<dl>${meta.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>
<ul class="counts">${count(s.requirements, 'requirements')}${count(s.passed, 'passed', 'passed')}${count(s.failed, `failed (${s.mustFailed} must)`, 'failed')}${count(s.warning, 'warnings', 'warning')}${count(s.expectedFailure, 'expected failures', 'expected-failure')}${count(s.skipped, `skipped (${s.noTest} without a test)`, 'skipped')}${count(s.tests, 'tests')}</ul>
</header>
<main>
<h2>Requirement matrix</h2>
<div class="legend">${(Object.keys(LABEL) as RequirementStatus[]).map((k) => `<span style="--c:${colour[k]}">${LABEL[k]}</span>`).join('')}<span style="--c:repeating-linear-gradient(135deg,var(--skip) 0 3px,#8c959f 3px 6px)">no test</span><span style="--c:transparent;box-shadow:none">dashed border: should (a warning, not a failure) · purple ring: expected to fail but passes</span></div>
<table class="matrix"><tbody>
${matrix}
</tbody></table>
${result.run.errors.length ? `<h2>Run errors</h2><ul class="errors">${result.run.errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}
${result.run.cleanupProblems.length ? `<h2>Left on the target</h2><ul class="errors">${result.run.cleanupProblems.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}
${attention.length ? `<h2 id="attention">Needs attention (${attention.length})</h2>\n${attention.map(requirementBlock).join('\n')}` : ''}
<h2>All requirements</h2>
${rest.map(requirementBlock).join('\n')}
</main>
<footer>Written by wazo-auth-kit ${esc(result.kit.version)} from conformance.json. Passwords never appear here; tokens only by their last 8 characters.</footer>
</body></html>
`;
}
