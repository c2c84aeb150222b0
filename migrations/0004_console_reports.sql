CREATE TABLE `golden_calls` (
	`call_id` text PRIMARY KEY NOT NULL,
	`note` text NOT NULL,
	`marked_by` text NOT NULL,
	`marked_at` integer NOT NULL,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`call_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `login_failures` (
	`username` text NOT NULL,
	`ip` text NOT NULL,
	`failures` integer NOT NULL,
	`first_at` integer NOT NULL,
	`locked_until` integer,
	PRIMARY KEY(`username`, `ip`)
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`session_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`user_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`user_id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`operator_id` text,
	`language` text DEFAULT 'ru' NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`disabled_at` integer,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`operator_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username` ON `users` (`username`);--> statement-breakpoint
ALTER TABLE `leads` ADD `sla_due_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `deal_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `refused_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `deal_amount` integer;--> statement-breakpoint
CREATE INDEX `leads_call` ON `leads` (`call_id`);--> statement-breakpoint
CREATE INDEX `leads_report_owned` ON `leads` (`owner_id`,`created_at`,`responded_at`,`sla_due_at`,`deal_at`,`deal_amount`);--> statement-breakpoint
CREATE INDEX `leads_report_deal` ON `leads` (`owner_id`,`deal_at`,`deal_amount`);--> statement-breakpoint
CREATE INDEX `leads_report_refused` ON `leads` (`owner_id`,`refused_at`,`refusal_reason`);--> statement-breakpoint
CREATE INDEX `leads_report_created` ON `leads` (`created_at`,`source`,`category_id`,`deal_at`,`deal_amount`);--> statement-breakpoint
CREATE INDEX `call_attempts_report` ON `call_attempts` (`operator_id`,`result`,`started_at`,`ring_ms`);--> statement-breakpoint
CREATE INDEX `calls_report_talk` ON `calls` (`answered_by`,`started_at`,`talk_ms`);--> statement-breakpoint
CREATE INDEX `calls_report_source` ON `calls` (`started_at`,`direction`,`source`,`category_id`);