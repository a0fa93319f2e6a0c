// Lair Chat admin console (docs/protocol/extensions.md §9): sign-in, live charts (every 2 s), users, rooms, audit log, notices — over the public HTTP API only.
import uPlot from 'uplot';

import { $, $form, $table, api, esc, field, renderTable, session, type Json, type Row } from './dom.js';

// ---- sign-in -------------------------------------------------------------------------------
function signOut(): void {
  session.set('');
  $('#app').hidden = true;
  $('#signin').hidden = false;
}

$('#signin-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target as HTMLFormElement);
  void (async () => {
    try {
      // Second factor (extensions.md §10): six digits are a TOTP code, anything else a recovery code.
      const raw = form.get('code');
      const code = typeof raw === 'string' ? raw.trim() : '';
      const factor = code === '' ? {} : /^\d{6}$/.test(code) ? { totp_code: code } : { recovery_code: code };
      let out: Json;
      try {
        out = await api('POST', '/api/v1/auth/login', {
          identifier: form.get('identifier'),
          password: form.get('password'),
          ...factor,
        });
      } catch (e) {
        if ((e as Error).message.endsWith('(totp_required)')) {
          $('#signin-code').hidden = false;
          ($('#signin-code input') as HTMLInputElement).focus();
          throw new Error('This account uses two-factor sign-in: enter the code from your authenticator app');
        }
        throw e;
      }
      const user = out.user as { role: string; username: string };
      if (user.role !== 'admin' && user.role !== 'moderator')
        throw new Error('This account is not an admin or moderator');
      session.set(out.token as string);
      await start();
    } catch (e) {
      $('#signin-error').textContent = (e as Error).message;
    }
  })();
});
$('#signout').addEventListener('click', signOut);

// ---- pages ---------------------------------------------------------------------------------
const pages: Record<string, () => Promise<void>> = {
  dashboard: refreshDashboard,
  users: () => loadUsers(),
  rooms: () => loadRooms(),
  audit: () => loadAudit(),
  notices: loadNotices,
};
function show(page: string): void {
  for (const el of document.querySelectorAll<HTMLElement>('.page')) el.hidden = el.id !== `page-${page}`;
  for (const a of document.querySelectorAll<HTMLElement>('nav a'))
    a.classList.toggle('active', a.dataset.page === page);
  void pages[page]?.().catch((e: unknown) => {
    console.error(e);
  });
}
window.addEventListener('hashchange', () => {
  show(location.hash.slice(1) || 'dashboard');
});

async function start(): Promise<void> {
  const me = await api('GET', '/api/v1/users/me');
  const user = (me.user ?? me) as { username: string; role: string };
  $('#who').textContent = `${user.username} (${user.role})`;
  $('#signin').hidden = true;
  $('#app').hidden = false;
  show(location.hash.slice(1) || 'dashboard');
}

// ---- dashboard: live charts every 2 s -----------------------------------------------------
const WINDOW = 150; // points kept (5 minutes at 2 s)
const series: { t: number[]; conns: number[]; msgs: number[]; errs: number[] } = {
  t: [],
  conns: [],
  msgs: [],
  errs: [],
};
let connChart: uPlot | undefined;
let rateChart: uPlot | undefined;

function charts(): void {
  if (connChart !== undefined) return;
  const opts = (title: string, labels: string[], colors: string[]): uPlot.Options => ({
    title,
    width: 560,
    height: 220,
    series: [{}, ...labels.map((label, i) => ({ label, stroke: colors[i] ?? '#333', width: 2 }))],
  });
  connChart = new uPlot(
    opts('Connections (all relays)', ['connections'], ['#2f6fdf']),
    [[], []],
    $('#chart-connections'),
  );
  rateChart = new uPlot(
    opts('Messages/s and errors/s (60 s averages)', ['messages/s', 'errors/s'], ['#1a7f37', '#b42318']),
    [[], [], []],
    $('#chart-rates'),
  );
}

async function refreshDashboard(): Promise<void> {
  charts();
  const live = await api('GET', '/api/v1/admin/stats/live');
  const totals = live.totals as {
    relays: number;
    connections: number;
    messages_per_s: number;
    errors_per_s: number;
  };
  $('#totals').innerHTML = [
    ['relays', totals.relays],
    ['connections', totals.connections],
    ['messages/s', totals.messages_per_s],
    ['errors/s', totals.errors_per_s],
  ]
    .map(([k, v]) => `<div><b>${esc(v)}</b>${esc(k)}</div>`)
    .join('');
  series.t.push(Date.now() / 1000);
  series.conns.push(totals.connections);
  series.msgs.push(totals.messages_per_s);
  series.errs.push(totals.errors_per_s);
  for (const s of Object.values(series)) if (s.length > WINDOW) s.shift();
  connChart?.setData([series.t, series.conns]);
  rateChart?.setData([series.t, series.msgs, series.errs]);
  renderTable(
    $table('#relays'),
    {
      relay_id: 'relay',
      connections: 'connections',
      messages_per_s: 'msg/s',
      errors_per_s: 'err/s',
      rss_mb: 'RSS MiB',
      cpu_percent: 'CPU %',
      at: 'reported',
    },
    (live.relays as Row[]).map((r) => ({ ...r, rss_mb: Math.round(Number(r.rss_bytes) / 1048576) })),
  );
  if ($table('#usage').rows.length === 0) {
    const usage = await api('GET', '/api/v1/admin/stats/usage');
    renderTable(
      $table('#usage'),
      {
        day: 'day',
        active_users: 'active users',
        new_users: 'new users',
        messages: 'messages',
        rooms_created: 'rooms',
        invitations_sent: 'invitations',
      },
      (usage.days as Row[])
        .filter((d) => Object.values(d).some((v) => typeof v === 'number' && v > 0))
        .reverse(),
    );
  }
}
setInterval(() => {
  if (session.token && !$('#page-dashboard').hidden) void refreshDashboard().catch(() => undefined);
}, 2000);

// ---- users -----------------------------------------------------------------------------------
async function loadUsers(q = ''): Promise<void> {
  const out = await api('GET', `/api/v1/admin/users?limit=100${q ? `&q=${encodeURIComponent(q)}` : ''}`);
  const rows = (out.users as Row[]).map((u) => ({
    ...u,
    status: u.ban
      ? `banned${(u.ban as { expires_at: string | null }).expires_at ? ` until ${(u.ban as { expires_at: string }).expires_at}` : ''}`
      : 'active',
  }));
  renderTable(
    $table('#users-table'),
    { username: 'username', email: 'email', role: 'role', status: 'status', created_at: 'created' },
    rows,
    (u) => {
      const id = esc(u.id);
      const ban = u.ban
        ? `<button data-act="unban" data-id="${id}">Unban</button>`
        : `<button data-act="ban" data-id="${id}" data-name="${esc(u.username)}">Ban</button>`;
      const roles = ['guest', 'user', 'moderator', 'admin']
        .map((r) => `<option ${r === u.role ? 'selected' : ''}>${r}</option>`)
        .join('');
      return `${ban} <select data-act="role" data-id="${id}">${roles}</select>`;
    },
  );
}
$('#users-search').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void loadUsers(field(ev.target as HTMLFormElement, 'q'));
});
$('#users-table').addEventListener('click', (ev) => {
  const btn = ev.target as HTMLElement;
  const id = btn.dataset.id;
  if (id === undefined) return;
  void (async () => {
    try {
      if (btn.dataset.act === 'ban') {
        const reason = prompt(`Ban ${btn.dataset.name ?? ''}: reason`, 'spam') ?? '';
        const minutes = prompt('Minutes (empty = until unbanned)', '') ?? '';
        await api('POST', `/api/v1/admin/users/${id}/ban`, {
          reason,
          ...(minutes.trim() !== '' ? { duration_minutes: Number(minutes) } : {}),
        });
      } else if (btn.dataset.act === 'unban') await api('DELETE', `/api/v1/admin/users/${id}/ban`);
      else return;
      await loadUsers(field($form('#users-search'), 'q'));
    } catch (e) {
      alert((e as Error).message);
    }
  })();
});
$('#users-table').addEventListener('change', (ev) => {
  const sel = ev.target as HTMLSelectElement;
  if (sel.dataset.act !== 'role' || sel.dataset.id === undefined) return;
  void api('PUT', `/api/v1/admin/users/${sel.dataset.id}/role`, { role: sel.value }).catch((e: unknown) => {
    alert((e as Error).message);
    void loadUsers();
  });
});

// ---- rooms -----------------------------------------------------------------------------------
async function loadRooms(q = ''): Promise<void> {
  const out = await api('GET', `/api/v1/admin/rooms?limit=100${q ? `&q=${encodeURIComponent(q)}` : ''}`);
  const rows = (out.rooms as Row[]).map((r) => ({
    ...r,
    visibility: (r.settings as { is_private: boolean }).is_private ? 'private' : 'public',
  }));
  renderTable(
    $table('#rooms-table'),
    { name: 'name', id: 'id', visibility: 'visibility', member_count: 'members', created_at: 'created' },
    rows,
    (r) => `<button data-id="${esc(r.id)}" data-name="${esc(r.name)}">Delete</button>`,
  );
}
$('#rooms-search').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void loadRooms(field(ev.target as HTMLFormElement, 'q'));
});
$('#rooms-table').addEventListener('click', (ev) => {
  const btn = ev.target as HTMLElement;
  if (btn.dataset.id === undefined || !confirm(`Delete room ${btn.dataset.name ?? ''}?`)) return;
  void api('DELETE', `/api/v1/admin/rooms/${btn.dataset.id}`)
    .then(() => loadRooms())
    .catch((e: unknown) => {
      alert((e as Error).message);
    });
});

// ---- audit -----------------------------------------------------------------------------------
function auditQuery(): string {
  const form = new FormData($form('#audit-filters'));
  const params = new URLSearchParams();
  for (const [k, v] of form.entries()) if (typeof v === 'string' && v.trim() !== '') params.set(k, v.trim());
  return params.toString();
}
async function loadAudit(): Promise<void> {
  $('#audit-error').textContent = '';
  try {
    const out = await api('GET', `/api/v1/admin/audit?limit=100&${auditQuery()}`);
    renderTable(
      $table('#audit-table'),
      {
        at: 'at',
        actor_username: 'actor',
        action: 'action',
        target_type: 'target',
        target_id: 'target id',
        details: 'details',
        ip: 'ip',
      },
      out.entries as Row[],
    );
  } catch (e) {
    $('#audit-error').textContent = (e as Error).message;
  }
}
$('#audit-filters').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void loadAudit();
});
$('#audit-export').addEventListener('click', (ev) => {
  ev.preventDefault();
  void (async () => {
    const res = await fetch(`/api/v1/admin/audit/export?${auditQuery()}`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = 'audit.jsonl';
    a.click();
    URL.revokeObjectURL(url);
  })();
});

// ---- notices ---------------------------------------------------------------------------------
async function loadNotices(): Promise<void> {
  const out = await api('GET', '/api/v1/notices');
  renderTable(
    $table('#notices-table'),
    {
      created_at: 'created',
      severity: 'severity',
      message: 'message',
      room_id: 'room',
      expires_at: 'expires',
    },
    out.notices as Row[],
    (n) => `<button data-id="${esc(n.id)}">Delete</button>`,
  );
}
$('#notice-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target as HTMLFormElement);
  const room = (typeof form.get('room_id') === 'string' ? (form.get('room_id') as string) : '').trim();
  void api('POST', '/api/v1/admin/notices', {
    message: form.get('message'),
    severity: form.get('severity'),
    ...(room !== '' ? { room_id: room } : {}),
  })
    .then(() => {
      (ev.target as HTMLFormElement).reset();
      $('#notice-error').textContent = '';
      return loadNotices();
    })
    .catch((e: unknown) => {
      $('#notice-error').textContent = (e as Error).message;
    });
});
$('#notices-table').addEventListener('click', (ev) => {
  const id = (ev.target as HTMLElement).dataset.id;
  if (id !== undefined) void api('DELETE', `/api/v1/admin/notices/${id}`).then(loadNotices);
});

session.onUnauthorized = signOut;
if (session.token) void start().catch(signOut);
