-- GET /v1/leads/:id carries the lead's p_history most recent history entries, not all of them
-- (every score change adds one, so a lead scored daily for a year carried hundreds on every read).
-- Like the events of 0405: newest first (ties by id, newest first: a backward scan of
-- lead_history_lead (lead_id, at, id)), ONE MORE when there are more, and history_count counted only
-- when there are more than p_history. GET /v1/leads/:id/history pages on from the last one shown.
-- The two-argument function of 0405 is replaced (a function's arguments cannot be changed in place).
DROP FUNCTION winnow_lead_detail(text, integer);

CREATE FUNCTION winnow_lead_detail(p_id text, p_events integer, p_history integer) RETURNS json
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
      'history', hi.history,
      'history_count', CASE WHEN hi.n > p_history
                            THEN (SELECT count(*) FROM lead_history h WHERE h.lead_id = l.id) ELSE hi.n END,
      'breaches', (SELECT json_agg(x ORDER BY x.detected_at, x.id) FROM sla_breaches x WHERE x.lead_id = l.id))
    FROM leads l
    JOIN contacts c ON c.id = l.contact_id
    LEFT JOIN accounts a ON a.id = l.account_id
    LEFT JOIN lead_scores s ON s.lead_id = l.id
    CROSS JOIN LATERAL (
      SELECT json_agg(x ORDER BY x.occurred_at DESC, x.id) AS events, count(*) AS n FROM
        (SELECT * FROM events WHERE lead_id = l.id ORDER BY occurred_at DESC, id LIMIT p_events + 1) x) ev
    CROSS JOIN LATERAL (
      SELECT json_agg(x ORDER BY x.at DESC, x.id DESC) AS history, count(*) AS n FROM
        (SELECT * FROM lead_history WHERE lead_id = l.id ORDER BY at DESC, id DESC LIMIT p_history + 1) x) hi
    WHERE l.id = p_id);
END;
$$;
