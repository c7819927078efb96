-- Acknowledgment campaigns (issue 14): a campaign is an acknowledgment case (one policy, many
-- staff as its parties); this row holds what only a campaign has. Older acknowledgments
-- have no row and are campaigns all the same.
CREATE TABLE campaigns (
  case_id               text PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
  -- The published policy version it was sent from (the policy library's id), when there was one.
  published_version_id  text,
  -- Pages of the policy PDF: reading the whole text on the staff page is reading all of them.
  page_count            integer,
  created_at            timestamptz NOT NULL DEFAULT now()
);

-- HR home lists every case newest first, a page at a time, and finds the latest campaign.
CREATE INDEX cases_listing ON cases (created_at DESC, id);
CREATE INDEX cases_latest_by_kind ON cases (kind, created_at DESC);
-- Progress and “who is still pending” per case.
CREATE INDEX parties_case_status ON parties (case_id, status);
