CREATE TABLE `customer_merges` (
	`merge_id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`merged_id` text NOT NULL,
	`merged_phone` text NOT NULL,
	`actor` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`customer_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`merged_id`) REFERENCES `customers`(`customer_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customer_merges_customer` ON `customer_merges` (`customer_id`,`at`);--> statement-breakpoint
CREATE TABLE `customer_notes` (
	`note_id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`text` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_by` text,
	`updated_at` integer,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`customer_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customer_notes_customer` ON `customer_notes` (`customer_id`,`created_at`);--> statement-breakpoint
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
CREATE TABLE `qa_results` (
	`call_id` text PRIMARY KEY NOT NULL,
	`rule_set_id` text NOT NULL,
	`score` integer NOT NULL,
	`findings` text NOT NULL,
	`metrics` text NOT NULL,
	`alerts` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`call_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `qa_results_alerts` ON `qa_results` (`alerts`,`created_at`);--> statement-breakpoint
CREATE TABLE `qa_rule_sets` (
	`rule_set_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`category_id` text,
	`rules` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`category_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `qa_rule_sets_category` ON `qa_rule_sets` (`category_id`);--> statement-breakpoint
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
CREATE TABLE `transcript_segments` (
	`call_id` text NOT NULL,
	`seq` integer NOT NULL,
	`speaker` text NOT NULL,
	`start_ms` integer NOT NULL,
	`end_ms` integer NOT NULL,
	`text` text NOT NULL,
	PRIMARY KEY(`call_id`, `seq`),
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`call_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `transcription_jobs` (
	`job_id` text PRIMARY KEY NOT NULL,
	`call_id` text NOT NULL,
	`state` text NOT NULL,
	`language` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`claimed_by` text,
	`lease_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`call_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transcription_jobs_call` ON `transcription_jobs` (`call_id`);--> statement-breakpoint
CREATE INDEX `transcription_jobs_due` ON `transcription_jobs` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `transcripts` (
	`call_id` text PRIMARY KEY NOT NULL,
	`language` text NOT NULL,
	`engine` text NOT NULL,
	`model` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`call_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `calls` ADD `visit_id` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `campaign` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `utm` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `menu_path` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `queued_at` integer;--> statement-breakpoint
ALTER TABLE `calls` ADD `wait_ms` integer;--> statement-breakpoint
ALTER TABLE `calls` ADD `queue_outcome` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `resumed_from` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `lead_id` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `dialled_phone` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `placed_by` text;--> statement-breakpoint
CREATE INDEX `calls_lead` ON `calls` (`lead_id`);--> statement-breakpoint
CREATE INDEX `calls_channel` ON `calls` (`channel_id`);--> statement-breakpoint
CREATE INDEX `calls_queued` ON `calls` (`queued_at`);--> statement-breakpoint
ALTER TABLE `categories` ADD `speech_language` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `merged_into` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `merged_at` integer;--> statement-breakpoint
CREATE INDEX `customers_merged_into` ON `customers` (`merged_into`);--> statement-breakpoint
ALTER TABLE `recordings` ADD `golden` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `recordings` ADD `deleted_at` integer;--> statement-breakpoint
CREATE INDEX `recordings_retention` ON `recordings` (`status`,`ended_at`);--> statement-breakpoint
ALTER TABLE `tracking_numbers` ADD `menu_id` text;--> statement-breakpoint
ALTER TABLE `tracking_numbers` ADD `speech_language` text;--> statement-breakpoint
CREATE INDEX `leads_customer` ON `leads` (`customer_id`,`status`);--> statement-breakpoint
-- Full-text search over transcripts (SQLite FTS5, written by hand: drizzle-kit has no virtual tables).
CREATE VIRTUAL TABLE `transcripts_fts` USING fts5(`call_id` UNINDEXED, `text`, tokenize = 'unicode61 remove_diacritics 2');
