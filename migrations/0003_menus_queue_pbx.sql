CREATE TABLE `dialplan_versions` (
	`version_id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`status` text NOT NULL,
	`applied_by` text NOT NULL,
	`applied_at` integer NOT NULL,
	`content` text NOT NULL,
	`diff` text NOT NULL,
	`checksum` text NOT NULL,
	`rollback_of` text,
	`reason` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dialplan_versions_seq` ON `dialplan_versions` (`seq`);--> statement-breakpoint
CREATE TABLE `menus` (
	`menu_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tracking_pool_numbers` (
	`did` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`did`) REFERENCES `tracking_numbers`(`did`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`source`) REFERENCES `tracking_pools`(`source`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tracking_pool_numbers_source` ON `tracking_pool_numbers` (`source`);--> statement-breakpoint
CREATE TABLE `tracking_pools` (
	`source` text PRIMARY KEY NOT NULL,
	`default_did` text NOT NULL,
	`hold_minutes` integer,
	`exhausted_count` integer DEFAULT 0 NOT NULL,
	`last_exhausted_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tracking_visits` (
	`visit_id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`visitor` text NOT NULL,
	`did` text NOT NULL,
	`utm_source` text,
	`utm_medium` text,
	`utm_campaign` text,
	`utm_term` text,
	`utm_content` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tracking_visits_visitor` ON `tracking_visits` (`source`,`visitor`,`expires_at`);--> statement-breakpoint
CREATE INDEX `tracking_visits_did` ON `tracking_visits` (`did`,`expires_at`);--> statement-breakpoint
ALTER TABLE `calls` ADD `visit_id` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `campaign` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `utm` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `menu_path` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `queued_at` integer;--> statement-breakpoint
ALTER TABLE `calls` ADD `wait_ms` integer;--> statement-breakpoint
ALTER TABLE `calls` ADD `queue_outcome` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `resumed_from` text;--> statement-breakpoint
CREATE INDEX `calls_channel` ON `calls` (`channel_id`);--> statement-breakpoint
CREATE INDEX `calls_queued` ON `calls` (`queued_at`);--> statement-breakpoint
ALTER TABLE `tracking_numbers` ADD `menu_id` text;