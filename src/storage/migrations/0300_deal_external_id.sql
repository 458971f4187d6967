-- Deals imported from a CRM keep the CRM's own id (HubSpot's Record ID / Deal ID, Salesforce's
-- Opportunity Id), so importing the same export again updates those deals instead of adding copies.
-- Deals made in Winnow have none (NULLs never conflict).
ALTER TABLE deals ADD COLUMN external_id text;
CREATE UNIQUE INDEX deals_external_id ON deals (external_id);
