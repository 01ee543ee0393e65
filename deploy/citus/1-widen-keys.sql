-- Step 1 of moving skm onto Citus (docs/scaling.md, section 5): widen the keys of the
-- tables that grow with the respondents so that each includes the distribution column
-- agency_id, which every row already carries (migration surveys.0007).
--
-- Plain PostgreSQL: run it on the single node before distributing (psql -f, as the owner
-- of the tables, in a maintenance window: it rebuilds indexes). The application runs
-- unchanged on the result; tests/surveys/test_distribution.py applies this file and
-- exercises every write path, the reads and `skm verify` on it (PostgreSQL only).
--
-- What changes:
--   * primary keys (id) become (agency_id, id), with a plain index on id for Django's
--     look-ups by primary key; ids stay unique because one sequence hands them out;
--   * the foreign keys to a response become (agency_id, response_id) -> (agency_id, id),
--     so that a response and its answers and review are co-located;
--   * the one-review-per-response and one-answer-per-element keys gain agency_id;
--   * the plan items' link to the suggestions they answer (plans_planitem_suggestions)
--     loses its foreign key to the response: that small table becomes a reference table,
--     and a reference table cannot point into a distributed one. Django still deletes the
--     links with the response (the ORM removes the through rows), so they never dangle.
-- Already in the schema: the kiosk's ON CONFLICT key (agency_id, client_id) and the
-- per-cell counts' key (agency_id, period_id, unit_id, ...).

BEGIN;

-- Foreign keys that point at surveys_response(id), whatever Django named them.
DO $$
DECLARE fk record;
BEGIN
  FOR fk IN
    SELECT conrelid::regclass AS tab, conname
    FROM pg_constraint
    WHERE contype = 'f' AND confrelid = 'surveys_response'::regclass
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tab, fk.conname);
  END LOOP;
END $$;

ALTER TABLE surveys_response DROP CONSTRAINT surveys_response_pkey,
  ADD CONSTRAINT surveys_response_pkey PRIMARY KEY (agency_id, id);
CREATE INDEX surveys_response_id ON surveys_response (id);

ALTER TABLE surveys_answer DROP CONSTRAINT surveys_answer_pkey,
  ADD CONSTRAINT surveys_answer_pkey PRIMARY KEY (agency_id, id),
  DROP CONSTRAINT answer_one_per_element,
  ADD CONSTRAINT answer_one_per_element UNIQUE (agency_id, response_id, element_id),
  ADD CONSTRAINT surveys_answer_response_fk FOREIGN KEY (agency_id, response_id)
    REFERENCES surveys_response (agency_id, id);
CREATE INDEX surveys_answer_id ON surveys_answer (id);

ALTER TABLE surveys_suggestionreview DROP CONSTRAINT surveys_suggestionreview_pkey,
  ADD CONSTRAINT surveys_suggestionreview_pkey PRIMARY KEY (agency_id, id),
  DROP CONSTRAINT surveys_suggestionreview_response_id_key,
  ADD CONSTRAINT surveys_suggestionreview_response_key UNIQUE (agency_id, response_id),
  ADD CONSTRAINT surveys_suggestionreview_response_fk FOREIGN KEY (agency_id, response_id)
    REFERENCES surveys_response (agency_id, id);
CREATE INDEX surveys_suggestionreview_id ON surveys_suggestionreview (id);
CREATE INDEX surveys_suggestionreview_response ON surveys_suggestionreview (response_id);

ALTER TABLE surveys_cellcount DROP CONSTRAINT surveys_cellcount_pkey,
  ADD CONSTRAINT surveys_cellcount_pkey PRIMARY KEY (agency_id, id);
CREATE INDEX surveys_cellcount_id ON surveys_cellcount (id);

COMMIT;
