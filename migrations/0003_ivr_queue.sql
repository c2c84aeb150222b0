CREATE TABLE `menus` (
	`menu_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `calls` ADD `menu_path` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `queued_at` integer;--> statement-breakpoint
ALTER TABLE `calls` ADD `wait_ms` integer;--> statement-breakpoint
ALTER TABLE `calls` ADD `queue_outcome` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `resumed_from` text;--> statement-breakpoint
CREATE INDEX `calls_channel` ON `calls` (`channel_id`);--> statement-breakpoint
CREATE INDEX `calls_queued` ON `calls` (`queued_at`);--> statement-breakpoint
ALTER TABLE `tracking_numbers` ADD `menu_id` text;