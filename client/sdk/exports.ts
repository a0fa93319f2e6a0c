// SDK: room exports over HTTP (docs/protocol/extensions.md §5): POST /api/v1/exports, poll GET /api/v1/exports/{id}, download the JSONL.
import { writeFile } from 'node:fs/promises';
import type { LairHttpClient } from './http.js';

interface ExportBody {
  export: { id: string; status: 'running' | 'done' | 'failed'; messages: number; download_url?: string };
}

/**
 * Exports a room to `file` (one Message per line, oldest first): starts the job, polls every
 * 500 ms for up to `timeoutMs` (default 5 min), then downloads the file.
 * @returns messages written
 * @throws LairHttpError from the API; Error when the job fails or times out
 */
export async function exportRoomToFile(
  http: LairHttpClient,
  roomId: string,
  file: string,
  timeoutMs = 300_000,
): Promise<number> {
  const started = await http.send<ExportBody>('POST', '/api/v1/exports', {
    target: { type: 'room', room_id: roomId },
    format: 'jsonl',
  });
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { export: job } = await http.send<ExportBody>('GET', `/api/v1/exports/${started.export.id}`);
    if (job.status === 'failed') throw new Error('export failed on the server');
    if (job.status === 'done' && job.download_url !== undefined) {
      const res = await fetch(job.download_url);
      if (!res.ok) throw new Error(`export download failed: HTTP ${res.status}`);
      await writeFile(file, Buffer.from(await res.arrayBuffer()));
      return job.messages;
    }
    if (Date.now() > end) throw new Error('export did not finish in time');
    await new Promise((r) => setTimeout(r, 500));
  }
}
