-- File lifecycle (MEDIAFLOW_FILE_TTL): a media item whose jobs are all final and older than the TTL is
-- marked expired (its result rows go, its jobs then show expired_at and no results), and the gateway,
-- which owns the files, removes them and confirms with files_removed_at. An item expired but not confirmed
-- is offered to the gateway again, so a crash between the mark and the removal leaves no file behind.
-- Enqueue, retry and replay lock the item's row and refuse an expired one, so no job ever runs without
-- its original.
ALTER TABLE media_items ADD COLUMN expired_at timestamptz;
ALTER TABLE media_items ADD COLUMN files_removed_at timestamptz;

-- the candidates for expiry, oldest first
CREATE INDEX media_items_live_idx ON media_items (created_at) WHERE expired_at IS NULL;
-- expired items whose files the gateway has not confirmed removed yet
CREATE INDEX media_items_unremoved_idx ON media_items (expired_at) WHERE expired_at IS NOT NULL AND files_removed_at IS NULL;
