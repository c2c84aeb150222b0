-- When a call's outcome was made durable (its call.ended webhook and lead written). A call with an
-- end but none of this was cut by a crash before its outcome went out: the next start sends it.
ALTER TABLE `calls` ADD `outcome_published_at` integer;
--> statement-breakpoint
UPDATE `calls` SET `outcome_published_at` = `ended_at` WHERE `ended_at` IS NOT NULL;
--> statement-breakpoint
CREATE INDEX `calls_unpublished` ON `calls` (`outcome_published_at`) WHERE outcome_published_at IS NULL;
