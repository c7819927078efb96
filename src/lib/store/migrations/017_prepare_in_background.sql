-- A new checklist case is stored at once and its document rendered by a job
-- (signing.prepare): until then it has no PDF, no document hash and no signature boxes,
-- and nobody has a link. A case with document_sha256 NULL is "being prepared".
ALTER TABLE cases ALTER COLUMN document_sha256 DROP NOT NULL;
ALTER TABLE cases ALTER COLUMN original_pdf DROP NOT NULL;
ALTER TABLE cases ALTER COLUMN current_pdf DROP NOT NULL;
ALTER TABLE cases ALTER COLUMN signature_boxes DROP NOT NULL;
