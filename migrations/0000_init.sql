CREATE TABLE `api_tokens` (
	`token_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`operator_id` text,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`operator_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `call_attempts` (
	`attempt_id` text PRIMARY KEY NOT NULL,
	`call_id` text NOT NULL,
	`step_index` integer NOT NULL,
	`step_kind` text NOT NULL,
	`operator_id` text NOT NULL,
	`endpoint` text NOT NULL,
	`channel_id` text,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`answered_at` integer,
	`ring_ms` integer,
	`result` text NOT NULL,
	`cause` integer,
	`cause_text` text,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`call_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`operator_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `call_attempts_call` ON `call_attempts` (`call_id`);--> statement-breakpoint
CREATE INDEX `call_attempts_operator` ON `call_attempts` (`operator_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `calls` (
	`call_id` text PRIMARY KEY NOT NULL,
	`direction` text NOT NULL,
	`status` text NOT NULL,
	`channel_id` text NOT NULL,
	`caller_raw` text NOT NULL,
	`caller_phone` text,
	`caller_name` text,
	`customer_id` text,
	`did` text NOT NULL,
	`tracking_did` text,
	`source` text,
	`category_id` text,
	`plan` text,
	`answered_by` text,
	`started_at` integer NOT NULL,
	`answered_at` integer,
	`ended_at` integer,
	`ring_ms` integer,
	`talk_ms` integer,
	`hangup_by` text,
	`end_reason` text,
	`warnings` text,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`customer_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`answered_by`) REFERENCES `operators`(`operator_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `calls_started` ON `calls` (`started_at`);--> statement-breakpoint
CREATE INDEX `calls_status` ON `calls` (`status`);--> statement-breakpoint
CREATE INDEX `calls_customer` ON `calls` (`customer_id`);--> statement-breakpoint
CREATE INDEX `calls_answered_by` ON `calls` (`answered_by`,`started_at`);--> statement-breakpoint
CREATE TABLE `categories` (
	`category_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`routing_policy` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `customers` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`phone` text NOT NULL,
	`name` text,
	`last_operator_id` text,
	`last_call_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`last_operator_id`) REFERENCES `operators`(`operator_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_phone` ON `customers` (`phone`);--> statement-breakpoint
CREATE TABLE `operator_skills` (
	`operator_id` text NOT NULL,
	`category_id` text NOT NULL,
	`level` integer NOT NULL,
	PRIMARY KEY(`operator_id`, `category_id`),
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`operator_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`category_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `operator_skills_category` ON `operator_skills` (`category_id`);--> statement-breakpoint
CREATE TABLE `operators` (
	`operator_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`endpoint` text NOT NULL,
	`mobile` text,
	`role` text DEFAULT 'operator' NOT NULL,
	`is_manager` integer DEFAULT false NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`paused_reason` text,
	`paused_at` integer,
	`created_at` integer NOT NULL,
	`removed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `operators_endpoint_live` ON `operators` (`endpoint`) WHERE removed_at IS NULL;--> statement-breakpoint
CREATE TABLE `recordings` (
	`recording_id` text PRIMARY KEY NOT NULL,
	`call_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`format` text NOT NULL,
	`path` text,
	`status` text NOT NULL,
	`duration_ms` integer,
	`bytes` integer,
	`error` text,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`call_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `recordings_call` ON `recordings` (`call_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `recordings_name` ON `recordings` (`name`);--> statement-breakpoint
CREATE TABLE `tracking_numbers` (
	`did` text PRIMARY KEY NOT NULL,
	`source` text,
	`category_id` text,
	`label` text,
	`routing_policy` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`category_id`) ON UPDATE no action ON DELETE no action
);
