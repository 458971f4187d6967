-- GET /v1/leads/:id in one statement, as a function (issue 5). PL/pgSQL parses and plans the query
-- once per connection and keeps the plan; as a plain statement it was planned on every read (1.2 ms
-- of its 3 ms of CPU on PGlite, which has no named prepared statements).
--
-- One JSON object, or NULL when there is no such lead: the lead, its contact, account and score as
-- rows (account and score NULL when missing), its latest scorecard, its p_events most recent events
-- and ONE MORE when there are more (the caller shows p_events and knows whether more follow),
-- event_count (how many it has in all: counted only when there are more than p_events, a CASE runs
-- its subquery only when its branch is taken), the last 200 activities, deals, history and SLA
-- breaches. Events and activities: newest first, ties by id (backward scans of their (lead_id,
-- occurred_at) indexes); the rest oldest first. A later change to this query is a new migration
-- with CREATE OR REPLACE FUNCTION.
CREATE FUNCTION winnow_lead_detail(p_id text, p_events integer) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    SELECT json_build_object(
      'lead', row_to_json(l),
      'contact', row_to_json(c),
      'account', row_to_json(a),
      'score', row_to_json(s),
      'scorecard', (SELECT row_to_json(x) FROM
         (SELECT * FROM scorecards WHERE lead_id = l.id ORDER BY version DESC LIMIT 1) x),
      'events', ev.events,
      'event_count', CASE WHEN ev.n > p_events
                          THEN (SELECT count(*) FROM events e WHERE e.lead_id = l.id) ELSE ev.n END,
      'activities', (SELECT json_agg(x ORDER BY x.occurred_at DESC, x.id) FROM
         (SELECT * FROM activities WHERE lead_id = l.id ORDER BY occurred_at DESC, id LIMIT 200) x),
      'deals', (SELECT json_agg(x ORDER BY x.created_at, x.id) FROM deals x WHERE x.lead_id = l.id),
      'history', (SELECT json_agg(x ORDER BY x.at, x.id) FROM lead_history x WHERE x.lead_id = l.id),
      'breaches', (SELECT json_agg(x ORDER BY x.detected_at, x.id) FROM sla_breaches x WHERE x.lead_id = l.id))
    FROM leads l
    JOIN contacts c ON c.id = l.contact_id
    LEFT JOIN accounts a ON a.id = l.account_id
    LEFT JOIN lead_scores s ON s.lead_id = l.id
    CROSS JOIN LATERAL (
      SELECT json_agg(x ORDER BY x.occurred_at DESC, x.id) AS events, count(*) AS n FROM
        (SELECT * FROM events WHERE lead_id = l.id ORDER BY occurred_at DESC, id LIMIT p_events + 1) x) ev
    WHERE l.id = p_id);
END;
$$;
