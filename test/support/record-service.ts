import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { syntheticRecord } from '../../hal/records/sim/driver.js';
import { claimRule, outcomeRule, type ClaimRow, type RowChange } from '../../hal/records/sim/rules.js';
import { CARD_OUTCOMES, type CardOutcomeWord } from '../../hal/records/types.js';

/**
 * A stand-in for the centre's record service on a loopback port, speaking the contract in the
 * README: GET /records/{id} (synthetic records, a JSON 404 for one it does not have), and with
 * claims POST /records/{id}/claim and /outcome, decided by the same rules as the simulated centre
 * (hal/records/sim/rules.ts), kept in memory. The test sets it down (503), hanging (it takes the
 * request and never answers), its claims alone down or hanging while records still come, or
 * without claims (an older service: JSON 404 on those paths).
 */
export interface RecordService {
  url: string;
  token: string;
  missing: Set<string>;
  /** Every request as `METHOD /path`, in order. */
  requests: string[];
  /** The claims it keeps, by record id. */
  claims: Map<string, ClaimRow>;
  set(o: { down?: boolean; hanging?: boolean; withClaims?: boolean; claimsDown?: 'error' | 'hang' | false }): void;
  close(): Promise<void>;
}

export async function startRecordService(opts: { base?: string; token?: string; now?: () => string } = {}): Promise<RecordService> {
  const base = opts.base ?? '/base';
  const token = opts.token ?? 'contract-token-0123456789';
  const now = opts.now ?? (() => new Date().toISOString());
  const state: { down: boolean; hanging: boolean; withClaims: boolean; claimsDown: 'error' | 'hang' | false } = { down: false, hanging: false, withClaims: true, claimsDown: false };
  const claims = new Map<string, ClaimRow>();
  const missing = new Set<string>(['CONTRACT-GONE']);
  const requests: string[] = [];
  const apply = (id: string, change: RowChange) => {
    if (change.kind === 'put') claims.set(id, change.row);
    if (change.kind === 'drop') claims.delete(id);
  };
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const m = new RegExp(`^${base}/records/([^/?]+)(/claim|/outcome)?$`).exec(req.url ?? '');
    const id = decodeURIComponent(m?.[1] ?? '');
    const path = m?.[2];
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    // Took the request; never answers (all of them, or only claims and outcomes).
    if (state.hanging || (path && state.claimsDown === 'hang')) return;
    if (req.headers.authorization !== `Bearer ${token}`) return answer(res, 401, { error: 'unauthorised' });
    if (state.down || (path && state.claimsDown === 'error')) return answer(res, 503, { error: 'down' });
    if (!id || missing.has(id) || (path && !state.withClaims)) return answer(res, 404, { error: 'not print-ready' });
    if (!path && req.method === 'GET') return answer(res, 200, syntheticRecord(id));
    if (req.method !== 'POST') return answer(res, 405, { error: 'method' });
    let body: { station?: unknown; installId?: unknown; outcome?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return answer(res, 400, { error: 'not JSON' });
    }
    if (typeof body.station !== 'string') return answer(res, 400, { error: 'station' });
    if (path === '/claim') {
      if (typeof body.installId !== 'string') return answer(res, 400, { error: 'installId' });
      const { answer: a, change } = claimRule(claims.get(id), { station: body.station, installId: body.installId }, now());
      apply(id, change);
      return a.granted ? answer(res, 200, { claimedBy: a.claimedBy }) : answer(res, 409, { claimedBy: a.claimedBy, at: a.at });
    }
    if (!(CARD_OUTCOMES as readonly unknown[]).includes(body.outcome)) return answer(res, 400, { error: 'outcome' });
    const { answer: a, change } = outcomeRule(claims.get(id), body.station, body.outcome as CardOutcomeWord, now());
    apply(id, change);
    return a.taken ? answer(res, 200, {}) : answer(res, 409, { claimedBy: a.claimedBy, at: a.at });
  };
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    token,
    missing,
    requests,
    claims,
    set: (o) => Object.assign(state, o),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
