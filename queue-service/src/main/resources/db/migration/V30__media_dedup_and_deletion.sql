-- Content dedup (docs/api.md, "Upload"): an upload of the same owner with the same bytes is looked
-- up by (owner, sha256). duplicate_of names the media item whose results a duplicate reuses (no foreign key:
-- that item may be deleted later, and the duplicate's own hard links keep its files).
CREATE INDEX media_items_owner_sha256_idx ON media_items (owner, sha256);
ALTER TABLE media_items ADD COLUMN duplicate_of uuid;

-- DELETE /api/media/{id}: set when the deletion starts (its unfinished jobs are cancelled), so no new job
-- (enqueue, redo, retry, a duplicate) starts for it while the gateway removes its files; the rows go when
-- the files are gone.
ALTER TABLE media_items ADD COLUMN deleting_since timestamptz;

-- The jobs of deleted media items. Events of such a job that arrive late (a worker that was still running,
-- a redelivered message) are dropped instead of creating rows again.
CREATE TABLE deleted_jobs (
    job_id        uuid        PRIMARY KEY,
    media_item_id uuid        NOT NULL,
    deleted_at    timestamptz NOT NULL DEFAULT now()
);
