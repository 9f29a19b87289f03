/**
 * Topic names of the contract: `{prefix}/{province}/{regency}/{station}/{kind}`.
 * Built here and nowhere else.
 */
export interface StationTopics {
  base: string;
  status: string;
  health: string;
  event: string;
  diagnostics: string;
  /** The office's books: each entry that is one end of a movement, once (office.entry/1). */
  office: string;
  /** The day's running totals in the station's zone (station.daily/1). */
  daily: string;
  /** Subscription filter for the province's requests. */
  cmdFilter: string;
  cmd(name: string): string;
  cmdReply(name: string): string;
}

export interface StationIdentity {
  id: string;
  province: string;
  regency: string;
  /** The office's name, for people (published in the status, never part of a topic). */
  name?: string;
}

export function stationTopics(prefix: string, station: StationIdentity): StationTopics {
  const base = `${prefix}/${station.province}/${station.regency}/${station.id}`;
  return {
    base,
    status: `${base}/status`,
    health: `${base}/health`,
    event: `${base}/event`,
    diagnostics: `${base}/diagnostics`,
    office: `${base}/office`,
    daily: `${base}/daily`,
    cmdFilter: `${base}/cmd/+`,
    cmd: (name) => `${base}/cmd/${name}`,
    cmdReply: (name) => `${base}/cmd/${name}/reply`,
  };
}
