import type { Database, Engine, Repositories, SqlClient, Storage } from "./ports.ts";
import { accountRepository } from "./repositories/accounts.ts";
import { activityRepository } from "./repositories/activities.ts";
import { bulkRepository } from "./repositories/bulk.ts";
import { contactRepository } from "./repositories/contacts.ts";
import { dealRepository } from "./repositories/deals.ts";
import { eventRepository } from "./repositories/events.ts";
import { historyRepository, slaBreachRepository } from "./repositories/history.ts";
import { leadRepository } from "./repositories/leads.ts";
import { queryRepository } from "./repositories/queries.ts";
import { scorecardRepository } from "./repositories/scorecards.ts";
import { leadScoreRepository, scoringModelRepository } from "./repositories/scoring.ts";

/** Every repository bound to one SQL client (the database, or a transaction). */
export function repositories(sql: SqlClient, engine: Engine): Repositories & { readonly sql: SqlClient } {
  return {
    sql,
    accounts: accountRepository(sql),
    contacts: contactRepository(sql),
    leads: leadRepository(sql),
    events: eventRepository(sql),
    activities: activityRepository(sql),
    scorecards: scorecardRepository(sql),
    deals: dealRepository(sql),
    history: historyRepository(sql),
    slaBreaches: slaBreachRepository(sql),
    scoringModels: scoringModelRepository(sql),
    leadScores: leadScoreRepository(sql),
    queries: queryRepository(sql),
    bulk: bulkRepository(sql, engine),
  };
}

/** Wraps an open, migrated database as the Storage port. */
export function createStorage(db: Database): Storage {
  return {
    ...repositories(db, db.engine),
    engine: db.engine,
    transaction: (fn) => db.transaction((tx) => fn(repositories(tx, db.engine))),
    close: () => db.close(),
  };
}
