-- An owner's leads (the inbox, the lead and deal lists filtered by owner) are found by `owner_id`
-- alone: the inbox then keeps its open stages from the owner's rows. The stage in every key cost a
-- leads import that rebuilds the index (PGlite, docs/import.md#bulk-mode) a full sort of (owner,
-- stage, row) triples: with the owner the same for most rows (unassigned, or one of a few reps), every
-- comparison went on to the stage and the row's position. On `owner_id` alone, rows of one owner are
-- already in the table's order: 1M unassigned leads ~0.3 s instead of ~1.8 s; 200k of 50 owners among
-- 800k unassigned ~1.0 s instead of ~2.4 s. The price: an owner's inbox reads the owner's closed
-- leads too, and drops them; 4,000 leads of which 1,600 open, 1M in all: 43-45 ms instead of 35-37 ms
-- warm (docs/import.md, "Ninth session").
CREATE INDEX leads_owner ON leads (owner_id);
DROP INDEX leads_owner_stage;
