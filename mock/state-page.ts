/**
 * The state page, `GET /_mock/`: what the mock holds (users, live access tokens with their remaining
 * lifetime, refresh tokens, sessions, faults) and buttons that drive the `/_mock/` controls (expire a
 * token, revoke a refresh token, advance the clock, reset, switch a named fault on or off through
 * `PUT /_mock/faults/NAME`). One static HTML
 * document with a little inline script, no build step and nothing fetched from elsewhere: the script
 * reads `GET /_mock/state` every 2 s and builds the tables with `textContent` (never `innerHTML`),
 * so a username from a users file cannot inject markup.
 *
 * Tokens are shown by their last 8 characters (the kit's rule for anything it displays) with a copy
 * button for the full value; passwords are never in the state to begin with.
 */

/** The page's HTML; the same document every time (the script fetches the state). */
export function statePageHtml(): string {
  return PAGE;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>wazo-auth mock: state</title>
<link rel="icon" href="data:,">
<style>
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--accent:#0969da;--bad:#cf222e;--ok:#1a7f37;--warn:#9a6700}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
header{padding:14px 24px;background:#24292f;color:#fff;display:flex;flex-wrap:wrap;gap:6px 28px;align-items:baseline}
header h1{margin:0;font-size:19px}header dl{display:flex;flex-wrap:wrap;gap:4px 18px;margin:0;font-size:13px}
header dl div{display:flex;gap:5px}header dt{opacity:.75}header dd{margin:0;font-family:ui-monospace,monospace}
main{padding:6px 24px 40px;max-width:1500px}
h2{font-size:16px;margin:22px 0 8px;border-bottom:1px solid var(--line);padding-bottom:3px}
h2 small{font-weight:400;color:var(--muted)}
.controls{display:flex;flex-wrap:wrap;gap:10px 26px;align-items:center;margin:14px 0 0;padding:10px 12px;background:#f6f8fa;border:1px solid var(--line);border-radius:6px}
.controls form,.controls div{display:flex;gap:6px;align-items:center;margin:0}
input[type=number]{width:90px;font:inherit;padding:3px 6px}
button{white-space:nowrap;font:inherit;font-size:13px;padding:3px 10px;border:1px solid var(--line);border-radius:5px;background:#fff;cursor:pointer}
button:hover{border-color:var(--accent)}button.danger{color:var(--bad)}button.small{font-size:12px;padding:1px 7px}
#status{min-height:1.5em;margin:8px 0 0;font-weight:600}#status.error{color:var(--bad)}#status.ok{color:var(--ok)}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;color:var(--muted);font-weight:600;padding:4px 10px 4px 0;border-bottom:1px solid var(--line)}
td{padding:4px 10px 4px 0;border-bottom:1px solid #eef1f4;vertical-align:top}
td.mono,code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
.empty{color:var(--muted);font-style:italic}
.low{color:var(--warn);font-weight:600}.yes{font-weight:600}
tr.fault-on td{color:var(--bad);font-weight:600}#faults-on.some{color:#ff8182;font-weight:600}
footer{color:var(--muted);font-size:12px;padding:0 24px 20px}
</style></head>
<body>
<header><h1>wazo-auth mock</h1>
<dl><div><dt>plays wazo-auth</dt><dd id="release">…</dd></div><div><dt>mock clock (UTC)</dt><dd id="now">…</dd></div><div><dt>clock offset</dt><dd id="offset">…</dd></div><div><dt>live tokens</dt><dd id="live">…</dd></div><div><dt>max sessions per user</dt><dd id="max">…</dd></div><div><dt>faults on</dt><dd id="faults-on">…</dd></div></dl></header>
<main>
<div class="controls">
<form id="clock-form"><label for="advance">Advance the clock by</label><input id="advance" name="advance" type="number" min="0" step="1" value="3600"><span>s</span><button type="submit" data-action="advance">Advance</button></form>
<div><button type="button" class="danger" data-action="reset">Reset the mock</button></div>
<div><label><input id="auto" type="checkbox" checked> refresh every 2 s</label><button type="button" data-action="refresh">Refresh now</button></div>
</div>
<p id="status" role="status" aria-live="polite"></p>
<h2>Access tokens <small>live only; expiring a token ends its session</small></h2>
<table id="tokens"><thead><tr><th>token</th><th>user</th><th>session</th><th>mobile</th><th>refresh client_id</th><th>expires at (UTC)</th><th>remaining</th><th></th></tr></thead><tbody></tbody></table>
<h2>Refresh tokens <small>no expiry; revoking keeps the access tokens made with it (obs. 9g)</small></h2>
<table id="refresh-tokens"><thead><tr><th>token</th><th>client_id</th><th>user</th><th>mobile</th><th>created (UTC)</th><th></th></tr></thead><tbody></tbody></table>
<h2>Sessions</h2>
<table id="sessions"><thead><tr><th>session</th><th>user</th><th>mobile</th><th>tenant</th></tr></thead><tbody></tbody></table>
<h2>External auth <small>configs per tenant (POST /external/{type}/config) and users' device tokens (POST /users/{uuid}/external/mobile); <span id="service-config"></span></small></h2>
<table id="external-configs"><thead><tr><th>type</th><th>tenant</th><th>config</th></tr></thead><tbody></tbody></table>
<table id="external-data"><thead><tr><th>user</th><th>type</th><th>data</th></tr></thead><tbody></tbody></table>
<h2>Users</h2>
<table id="users"><thead><tr><th>username</th><th>uuid</th><th>purpose</th><th>enabled</th><th>emails</th><th>tenant</th></tr></thead><tbody></tbody></table>
<h2>Tenants <small>a tree under the master tenant (its own parent); a caller sees its tenant's subtree</small></h2>
<table id="tenants"><thead><tr><th>name</th><th>slug</th><th>uuid</th><th>parent</th><th>domains</th></tr></thead><tbody></tbody></table>
<h2>Mails <small>what a real host would send (confirmation, password reset); GET /_mock/mails</small></h2>
<table id="mails"><thead><tr><th>sent (UTC)</th><th>template</th><th>to</th><th>subject</th><th>link</th><th>token</th></tr></thead><tbody></tbody></table>
<h2>SAML configurations <small>POST /backends/saml, by tenant; the mock never reaches the IdP (POST /saml/sso answers as the real service does when no IdP answers)</small></h2>
<table id="saml-configs"><thead><tr><th>tenant</th><th>domain</th><th>entity ID</th><th>ACS URL</th><th>IdP entityID</th></tr></thead><tbody></tbody></table>
<h2>LDAP configurations <small>PUT /backends/ldap, by tenant; the mock never binds to them (the bind password is not shown)</small></h2>
<table id="ldap-configs"><thead><tr><th>tenant</th><th>host</th><th>port</th><th>security</th><th>user base DN</th><th>login attribute</th></tr></thead><tbody></tbody></table>
<h2>Policies <small>a user's next token gets the default user policy, its groups' policies, then its own</small></h2>
<table id="policies"><thead><tr><th>name</th><th>uuid</th><th>read-only</th><th>acl</th><th>users</th><th>groups</th></tr></thead><tbody></tbody></table>
<h2>Groups</h2>
<table id="groups"><thead><tr><th>name</th><th>uuid</th><th>system</th><th>members</th><th>policies</th></tr></thead><tbody></tbody></table>
<h2>Faults <small>each makes the mock break one rule of the catalogue, from the next request on (mock/README.md, Faults)</small></h2>
<table id="named-faults"><thead><tr><th></th><th>fault</th><th>what the mock does then</th><th>breaks</th></tr></thead><tbody></tbody></table>
<h2>Operation faults armed <small>POST /_mock/faults {"operationId", "status", "latencyMs", "times"}</small></h2>
<table id="faults"><thead><tr><th>operation</th><th>details</th></tr></thead><tbody></tbody></table>
</main>
<footer>Developer controls of the mock: GET /_mock/state, POST /_mock/expire, /_mock/revoke, /_mock/clock, /_mock/reset, GET|POST|DELETE /_mock/faults, PUT /_mock/faults/NAME, GET|DELETE /_mock/mails (mock/README.md). Tokens are shown by their last 8 characters; "copy" copies the whole value. Passwords are never shown.</footer>
<script>
"use strict";
const CONTROLS = '/_mock';
let state = null;
/** Every named fault (GET /_mock/faults): name, description, requirements; which are on comes with the state. */
let namedFaults = [];
let fetchedAt = 0;
let busy = false;

const $ = (id) => document.getElementById(id);
const tail = (token) => '…' + String(token).slice(-8);

function setStatus(text, kind) {
  const el = $('status');
  el.textContent = text;
  el.className = kind || '';
}

function el(tag, props, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children || []) node.append(child);
  return node;
}

// 45 s, 9 min 59 s, 2 min, 1 h 30 min, 3 d 2 h: two units at most, a zero second unit left out.
function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const two = (a, unitA, b, unitB) => a + ' ' + unitA + (b ? ' ' + b + ' ' + unitB : '');
  if (s < 120) return s + ' s';
  if (s < 7200) return two(Math.floor(s / 60), 'min', s % 60, 's');
  if (s < 172800) return two(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'min');
  return two(Math.floor(s / 86400), 'd', Math.floor((s % 86400) / 3600), 'h');
}

async function control(method, path, body) {
  const response = await fetch(CONTROLS + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let payload = null;
  try { payload = await response.json(); } catch (_) { /* no body */ }
  if (!response.ok) throw new Error((payload && payload.message) || (method + ' ' + path + ': ' + response.status));
  return payload;
}

async function act(label, fn) {
  if (busy) return;
  busy = true;
  try {
    await fn();
    setStatus(label, 'ok');
    await load();
  } catch (error) {
    setStatus(label + ' failed: ' + error.message, 'error');
  } finally {
    busy = false;
  }
}

function secretCell(token, kind) {
  const copy = el('button', { type: 'button', class: 'small', text: 'copy', title: 'copy the whole ' + kind, 'data-action': 'copy' });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(token);
      setStatus(kind + ' ' + tail(token) + ' copied', 'ok');
    } catch (_) {
      window.prompt('Copy the ' + kind + ':', token);
    }
  });
  return el('td', { class: 'mono' }, [el('code', { text: tail(token), title: 'last 8 characters' }), ' ', copy]);
}

// The link with its token shortened on screen; "copy" copies the whole link.
function linkCell(link, token) {
  const copy = el('button', { type: 'button', class: 'small', text: 'copy', title: 'copy the whole link', 'data-action': 'copy' });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link);
      setStatus('link with token ' + tail(token) + ' copied', 'ok');
    } catch (_) {
      window.prompt('Copy the link:', link);
    }
  });
  return el('td', { class: 'mono' }, [el('code', { text: link.split(token).join('…' + tail(token)) }), ' ', copy]);
}

function fill(tableId, rows, empty) {
  const body = $(tableId).tBodies[0];
  const columns = $(tableId).tHead.rows[0].cells.length;
  body.replaceChildren(...(rows.length ? rows : [el('tr', {}, [el('td', { class: 'empty', colSpan: columns, text: empty })])]));
}

function render() {
  if (!state) return;
  const users = new Map(state.users.map((u) => [u.uuid, u.username]));
  const who = (uuid) => users.get(uuid) || uuid;
  const elapsed = (Date.now() - fetchedAt) / 1000;
  $('release').textContent = state.wazo_version;
  $('now').textContent = state.now;
  $('offset').textContent = duration(state.clock_offset_seconds);
  $('live').textContent = String(state.tokens.length);
  $('max').textContent = String(state.max_user_sessions);

  fill('tokens', state.tokens.map((t) => {
    const remaining = Math.max(0, t.remaining_seconds - elapsed);
    const expire = el('button', { type: 'button', class: 'small danger', text: 'expire', 'data-action': 'expire' });
    expire.addEventListener('click', () => act('token ' + tail(t.token) + ' expired', () => control('POST', '/expire', { token: t.token })));
    return el('tr', { 'data-token-tail': t.token.slice(-8) }, [
      secretCell(t.token, 'access token'),
      el('td', { text: who(t.user_uuid) }),
      el('td', { class: 'mono', text: t.session_uuid }),
      el('td', { text: t.mobile ? 'yes' : 'no' }),
      el('td', { text: t.refresh_token_client_id || '—' }),
      el('td', { class: 'mono', text: t.expires_at }),
      el('td', { class: remaining < 60 ? 'low remaining' : 'remaining', text: duration(remaining) }),
      el('td', {}, [expire]),
    ]);
  }), 'No live access token. Log in (POST /token) and it appears here.');

  fill('refresh-tokens', state.refresh_tokens.map((r) => {
    const revoke = el('button', { type: 'button', class: 'small danger', text: 'revoke', 'data-action': 'revoke' });
    revoke.addEventListener('click', () => act('refresh token ' + tail(r.token) + ' (' + r.client_id + ') revoked', () => control('POST', '/revoke', { refresh_token: r.token })));
    return el('tr', { 'data-token-tail': r.token.slice(-8) }, [
      secretCell(r.token, 'refresh token'),
      el('td', { class: 'mono', text: r.client_id }),
      el('td', { text: who(r.user_uuid) }),
      el('td', { text: r.mobile ? 'yes' : 'no' }),
      el('td', { class: 'mono', text: r.created_at }),
      el('td', {}, [revoke]),
    ]);
  }), 'No refresh token. An offline login (access_type offline, client_id) creates one.');

  fill('saml-configs', (state.saml_configs || []).map((c) => el('tr', {}, [
    el('td', { class: 'mono', text: c.tenant_uuid }),
    el('td', { text: c.domain_name || '—' }),
    el('td', { class: 'mono', text: c.entity_id }),
    el('td', { class: 'mono', text: c.acs_url }),
    el('td', { class: 'mono', text: c.idp_entity_id || '—' }),
  ])), 'No SAML configuration. POST /backends/saml (a multipart form with the IdP metadata) stores one for the tenant of the caller, for one of its domains.');

  fill('ldap-configs', (state.ldap_configs || []).map((c) => el('tr', {}, [
    el('td', { class: 'mono', text: c.tenant_uuid }),
    el('td', { text: c.host }),
    el('td', { text: String(c.port) }),
    el('td', { text: c.protocol_security || '—' }),
    el('td', { class: 'mono', text: c.user_base_dn }),
    el('td', { text: c.user_login_attribute }),
  ])), 'No LDAP configuration. PUT /backends/ldap stores one for the tenant of the caller.');

  fill('sessions', state.sessions.map((s) => el('tr', { 'data-session': s.uuid }, [
    el('td', { class: 'mono', text: s.uuid }),
    el('td', { text: who(s.user_uuid) }),
    el('td', { text: s.mobile ? 'yes' : 'no' }),
    el('td', { class: 'mono', text: s.tenant_uuid }),
  ])), 'No session.');

  const external = state.external || { configs: [], user_data: [] };
  $('service-config').textContent = 'GET /config: debug ' + (external.debug ? 'on' : 'off');
  fill('external-configs', external.configs.map((c) => el('tr', { 'data-type': c.type }, [
    el('td', { class: 'mono', text: c.type }),
    el('td', { class: 'mono', text: c.tenant_uuid }),
    el('td', { class: 'mono', text: JSON.stringify(c.config) }),
  ])), 'No external auth config stored.');
  fill('external-data', external.user_data.map((d) => el('tr', {}, [
    el('td', { text: who(d.user_uuid) }),
    el('td', { class: 'mono', text: d.type }),
    el('td', { class: 'mono', text: JSON.stringify(d.data) }),
  ])), 'No device token stored.');

  fill('users', state.users.map((u) => el('tr', { 'data-username': u.username }, [
    el('td', { class: 'yes', text: u.username }),
    el('td', { class: 'mono', text: u.uuid }),
    el('td', { text: u.purpose }),
    el('td', { text: u.enabled ? 'yes' : 'no' }),
    el('td', { text: (u.emails || []).join(', ') || '—' }),
    el('td', { class: 'mono', text: u.tenant_uuid }),
  ])), 'No user.');

  const tenantNames = new Map((state.tenants || []).map((t) => [t.uuid, t.name || t.slug]));
  fill('tenants', (state.tenants || []).map((t) => el('tr', { 'data-tenant': t.uuid }, [
    el('td', { class: 'yes', text: t.name || '—' }),
    el('td', { text: t.slug }),
    el('td', { class: 'mono', text: t.uuid }),
    el('td', { text: t.parent_uuid === t.uuid ? '(itself: master)' : tenantNames.get(t.parent_uuid) || t.parent_uuid }),
    el('td', { text: (t.domain_names || []).join(', ') || '—' }),
  ])), 'No tenant.');
  fill('mails', (state.mails || []).slice().reverse().map((m) => el('tr', { 'data-mail': String(m.id) }, [
    el('td', { class: 'mono', text: m.sent_at }),
    el('td', { text: m.template }),
    el('td', { text: m.to }),
    el('td', { text: m.subject }),
    linkCell(m.link, m.token),
    secretCell(m.token, 'mail token'),
  ])), 'No mail. GET /users/password/reset or GET /users/{uuid}/emails/{email_uuid}/confirm sends one.');
  fill('policies', (state.policies || []).map((p) => el('tr', { 'data-policy': p.name }, [
    el('td', { class: 'yes', text: p.name }),
    el('td', { class: 'mono', text: p.uuid }),
    el('td', { text: p.read_only ? 'yes' : 'no' }),
    el('td', { class: 'mono', text: p.acl.join(' ') || '—' }),
    el('td', { text: p.users.join(', ') || '—' }),
    el('td', { text: p.groups.join(', ') || '—' }),
  ])), 'No policy.');

  fill('groups', (state.groups || []).map((g) => el('tr', { 'data-group': g.name }, [
    el('td', { class: 'yes', text: g.name }),
    el('td', { class: 'mono', text: g.uuid }),
    el('td', { text: g.system_managed ? 'yes' : 'no' }),
    el('td', { text: g.users.join(', ') || '—' }),
    el('td', { text: g.policies.join(', ') || '—' }),
  ])), 'No group.');

  const on = new Set(state.behaviour_faults || []);
  $('faults-on').textContent = on.size ? [...on].join(', ') : 'none';
  $('faults-on').className = on.size ? 'some' : '';
  fill('named-faults', namedFaults.map((f) => {
    const enabled = on.has(f.name);
    const toggle = el('button', { type: 'button', class: 'small' + (enabled ? '' : ' danger'), text: enabled ? 'switch off' : 'switch on', 'data-action': 'fault' });
    toggle.setAttribute('aria-pressed', String(enabled));
    toggle.addEventListener('click', () => act('fault ' + f.name + ' switched ' + (enabled ? 'off' : 'on'), () => control('PUT', '/faults/' + encodeURIComponent(f.name), { enabled: !enabled })));
    return el('tr', { 'data-fault': f.name, class: enabled ? 'fault-on' : '' }, [
      el('td', {}, [toggle]),
      el('td', { class: 'mono', text: f.name }),
      el('td', { text: f.description }),
      el('td', { class: 'mono', text: (f.requirements || []).join(', ') }),
    ]);
  }), 'This mock has no named fault.');

  fill('faults', (state.faults || []).map((f) => el('tr', {}, [
    el('td', { class: 'mono', text: f.operationId }),
    el('td', { class: 'mono', text: JSON.stringify(f) }),
  ])), 'No operation fault armed.');
}

async function loadFaults() {
  try {
    const response = await fetch(CONTROLS + '/faults', { cache: 'no-store' });
    if (response.ok) namedFaults = (await response.json()).named || [];
  } catch (_) { /* shown as "no named fault" */ }
}

async function load() {
  try {
    const response = await fetch(CONTROLS + '/state', { cache: 'no-store' });
    if (!response.ok) throw new Error('GET /_mock/state: ' + response.status);
    state = await response.json();
    fetchedAt = Date.now();
    render();
    document.body.dataset.loaded = String(fetchedAt);
  } catch (error) {
    setStatus('Cannot read the state: ' + error.message + ' (is the mock still running?)', 'error');
  }
}

$('clock-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const seconds = Number($('advance').value);
  act('clock advanced by ' + duration(seconds), () => control('POST', '/clock', { advance: seconds }));
});
document.querySelector('[data-action=reset]').addEventListener('click', () => act('mock reset: seeded users, no tokens, clock offset 0, faults as on the command line', () => control('POST', '/reset')));
document.querySelector('[data-action=refresh]').addEventListener('click', () => load());

// Poll while visible; between polls, count the remaining lifetimes down locally.
setInterval(() => {
  if (!document.hidden && $('auto').checked && !busy) load();
}, 2000);
setInterval(render, 1000);
loadFaults().then(load);
</script>
</body></html>
`;
