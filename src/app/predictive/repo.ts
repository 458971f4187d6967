import type { Storage } from "../../storage/ports.ts";
import { type PredictiveRepository, sqlPredictiveRepository } from "../../storage/predictive-repo.ts";

/** The predictive repository on the storage's SQL client (inside a transaction, on the transaction's). */
export function predictiveRepo(storage: Pick<Storage, "sql">): PredictiveRepository {
  return sqlPredictiveRepository(storage.sql);
}
