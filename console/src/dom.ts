// Admin console helpers: DOM lookups, HTML escaping, table rendering and the one `api` call with the signed-in admin's token.

export type Json = Record<string, unknown>;
export interface Row {
  [k: string]: unknown;
}

/** The element matching `sel`; throws when the page lacks it (a console bug, not user input). */
export function $(sel: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(sel);
  if (el === null) throw new Error(`missing ${sel}`);
  return el;
}
export const $table = (sel: string): HTMLTableElement => $(sel) as HTMLTableElement;
export const $form = (sel: string): HTMLFormElement => $(sel) as HTMLFormElement;
/** A form field's text ('' when absent). */
export function field(form: HTMLFormElement, name: string): string {
  const v = new FormData(form).get(name);
  return typeof v === 'string' ? v : '';
}

/**
 * The signed-in admin's access token (kept in sessionStorage, so a reload stays signed in and closing
 * the tab signs out) and what to do when the API answers 401.
 */
export const session = {
  token: sessionStorage.getItem('lair-admin-token') ?? '',
  onUnauthorized: (): void => undefined,
  set(token: string): void {
    this.token = token;
    if (token === '') sessionStorage.removeItem('lair-admin-token');
    else sessionStorage.setItem('lair-admin-token', token);
  },
};

/** One API call; throws the server's `error.message` (code) on a non-2xx answer; a 401 signs out. */
export async function api(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(path, {
    method,
    headers: {
      ...(session.token ? { authorization: `Bearer ${session.token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const json = (text === '' ? {} : JSON.parse(text)) as Json;
  if (!res.ok) {
    const err = (json.error ?? {}) as { code?: string; message?: string };
    if (res.status === 401) session.onUnauthorized();
    throw new Error(`${err.message ?? res.statusText} (${err.code ?? res.status})`);
  }
  return json;
}

/** `v` as text safe inside HTML (objects as JSON). */
export function esc(v: unknown): string {
  const s =
    v === null || v === undefined
      ? ''
      : typeof v === 'string'
        ? v
        : typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : JSON.stringify(v);
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Renders `rows` into `table` with `columns` (key → header); `actions` adds a last cell of buttons. */
export function renderTable(
  table: HTMLTableElement,
  columns: Record<string, string>,
  rows: Row[],
  actions?: (r: Row) => string,
): void {
  const head = `<tr>${Object.values(columns)
    .map((h) => `<th>${esc(h)}</th>`)
    .join('')}${actions ? '<th></th>' : ''}</tr>`;
  const body = rows
    .map(
      (r) =>
        `<tr>${Object.keys(columns)
          .map((k) => `<td>${esc(r[k])}</td>`)
          .join('')}${actions ? `<td>${actions(r)}</td>` : ''}</tr>`,
    )
    .join('');
  table.innerHTML = head + body;
}
