-- Step 2 of moving skm onto Citus (docs/scaling.md, section 5): on the Citus coordinator,
-- after 1-widen-keys.sql, with the worker nodes added (citus_add_node). Needs the Citus
-- extension (CREATE EXTENSION citus), which this repository's CI does not have: the keys
-- it relies on are tested by tests/kiosk/test_citus_keys.py on plain PostgreSQL.
--
-- The tables that grow with the respondents are distributed by agency_id and co-located:
-- an agency's responses, answers, suggestion reviews and per-cell counts live on the same
-- node. Everything else is small (organisation, questionnaires, periods, users, plans,
-- audit) and becomes a reference table, copied to every node, so that joins with the
-- distributed tables stay local.

-- Reference tables: the ones the distributed tables point at first, each after the
-- tables it points at (the array is converted in order).
SELECT create_reference_table(t) FROM unnest(ARRAY[
  'auth_user', 'auth_group', 'django_content_type', 'auth_permission',
  'org_agency', 'org_unit', 'org_service',
  'surveys_questionnaire', 'surveys_questionnaireelement', 'surveys_period',
  'surveys_importbatch', 'surveys_kiosk'
]) AS t;

SELECT create_distributed_table('surveys_response', 'agency_id');
SELECT create_distributed_table('surveys_answer', 'agency_id', colocate_with => 'surveys_response');
SELECT create_distributed_table('surveys_suggestionreview', 'agency_id',
                                colocate_with => 'surveys_response');
SELECT create_distributed_table('surveys_cellcount', 'agency_id',
                                colocate_with => 'surveys_response');

-- The rest: small, read with the organisation.
SELECT create_reference_table(t) FROM unnest(ARRAY[
  'auth_group_permissions', 'auth_user_groups', 'auth_user_user_permissions',
  'django_admin_log', 'django_session',
  'org_membership', 'surveys_apikey', 'surveys_invitation', 'surveys_rejection',
  'surveys_publication', 'surveys_importjob',
  'plans_plan', 'plans_planpriority', 'plans_planitem', 'plans_planitem_suggestions',
  'plans_itemchange', 'plans_evidence', 'plans_strategy', 'plans_planevent',
  'plans_catalogueactivity', 'reports_reportprofile', 'reports_reporttext',
  'reports_reportjob', 'audit_auditevent',
  'otp_static_staticdevice', 'otp_static_statictoken', 'otp_totp_totpdevice'
]) AS t;
