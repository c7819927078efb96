-- Issue 14, the company's policy library: HR admins keep the company profile and the
-- customized policies on the server, every saved version kept, and publish one version of
-- a policy at a stable address staff open without signing in.

-- One company policy: its stable address (slug), its name, the newest version number (the
-- base a save must name: optimistic concurrency) and the version the stable address shows.
CREATE TABLE library_policies (
  slug               text PRIMARY KEY,
  template_slug      text,
  name               text NOT NULL,
  head_version       integer NOT NULL,
  published_version  integer,
  created_by         text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now()
);

-- Every saved version, never changed afterwards except for being published. doc is the
-- editor's document (clauses in Markdown, variables as {{key}}); vars the values the
-- variables had when it was saved; markdown the filled text staff read (what a published
-- version shows, whatever the profile becomes later). changes: what changed against the
-- version it was based on.
CREATE TABLE library_versions (
  id             text PRIMARY KEY,
  policy_slug    text NOT NULL REFERENCES library_policies(slug) ON DELETE CASCADE,
  number         integer NOT NULL,
  title          text NOT NULL,
  doc            jsonb NOT NULL,
  vars           jsonb NOT NULL,
  markdown       text NOT NULL,
  company        text NOT NULL DEFAULT '',
  note           text NOT NULL DEFAULT '',
  changes        jsonb NOT NULL,
  restored_from  integer,
  saved_by       text NOT NULL,
  saved_at       timestamptz NOT NULL DEFAULT now(),
  published_at   timestamptz,
  published_by   text,
  effective_at   timestamptz,
  UNIQUE (policy_slug, number)
);

-- The company profile (the shared variables), every saved version kept; the newest row is current.
CREATE TABLE library_profiles (
  number    integer PRIMARY KEY,
  profile   jsonb NOT NULL,
  saved_by  text NOT NULL,
  saved_at  timestamptz NOT NULL DEFAULT now()
);
