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
ALTER TABLE `categories` ADD `speech_language` text;--> statement-breakpoint
ALTER TABLE `recordings` ADD `golden` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `recordings` ADD `deleted_at` integer;--> statement-breakpoint
CREATE INDEX `recordings_retention` ON `recordings` (`status`,`ended_at`);--> statement-breakpoint
ALTER TABLE `tracking_numbers` ADD `speech_language` text;--> statement-breakpoint
-- Full-text search over transcripts (SQLite FTS5, written by hand: drizzle-kit has no virtual tables).
CREATE VIRTUAL TABLE `transcripts_fts` USING fts5(`call_id` UNINDEXED, `text`, tokenize = 'unicode61 remove_diacritics 2');
