-- Deals without an external id (the CRM's) are known on re-import by their natural key: account,
-- lead, name and close date (bulk.ts UPSERT_DEALS). This index lets each import batch find the
-- stored deals with the same names instead of scanning all deals; deals with an external id are
-- found by deals_external_id and are left out of it.
CREATE INDEX deals_natural_key ON deals (name, close_date) WHERE external_id IS NULL;
