-- PDFs are compressed already (their streams are Flate-encoded), yet PostgreSQL tried its
-- own compression on every write of a PDF column: a whole pass over 60 KB or more that
-- saves nothing, for each document prepared, each signature stamped and each seal. EXTERNAL
-- stores them out of line as they are. Rows written before keep their form; both read the same.
ALTER TABLE cases
  ALTER COLUMN original_pdf SET STORAGE EXTERNAL,
  ALTER COLUMN current_pdf SET STORAGE EXTERNAL,
  ALTER COLUMN final_pdf SET STORAGE EXTERNAL;
