// How serve grouped the callbacks it stored, read from its own /metrics exposition (mpesa_cb_batch_size and
// mpesa_cb_commit_duration_seconds, to="database"): the number of batches, their mean size and mean write time. Pure.

export interface BatchStats {
  batches: number;
  meanSize: number; // callbacks per batch
  meanMs: number; // from the batch's start to its commit
}

export function batchStats(exposition: string): BatchStats {
  const value = (metric: string) => {
    const m = new RegExp(`^mpesa_cb_${metric}\\{to="database"\\} (\\S+)$`, "m").exec(exposition);
    if (m === null) throw new Error(`no mpesa_cb_${metric}{to="database"} in serve's /metrics`);
    return Number(m[1]);
  };
  const batches = value("batch_size_count");
  const per = (total: number) => (batches > 0 ? total / batches : 0);
  return { batches, meanSize: per(value("batch_size_sum")), meanMs: per(value("commit_duration_seconds_sum") * 1000) };
}
