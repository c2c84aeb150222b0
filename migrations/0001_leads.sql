CREATE TABLE `escalations` (
	`escalation_id` text PRIMARY KEY NOT NULL,
	`lead_id` text NOT NULL,
	`step` text NOT NULL,
	`state` text NOT NULL,
	`due_at` integer NOT NULL,
	`attempt` integer DEFAULT 0 NOT NULL,
	`claimed_by` text,
	`lease_until` integer,
	`target_operator_id` text,
	`result` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`lead_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `escalations_due` ON `escalations` (`state`,`due_at`);--> statement-breakpoint
CREATE INDEX `escalations_lead` ON `escalations` (`lead_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`lead_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE TABLE `lead_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`lead_id` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`kind` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`reason` text,
	`data` text,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`lead_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lead_events_lead` ON `lead_events` (`lead_id`,`at`);--> statement-breakpoint
CREATE TABLE `leads` (
	`lead_id` text PRIMARY KEY NOT NULL,
	`customer_id` text,
	`phone` text,
	`phone_problem` text,
	`email` text,
	`name` text,
	`channel` text NOT NULL,
	`source` text,
	`category_id` text,
	`message` text,
	`utm` text,
	`external_id` text,
	`call_id` text,
	`status` text NOT NULL,
	`status_since` integer NOT NULL,
	`owner_id` text,
	`owner_reasons` text,
	`deadline_at` integer,
	`responded_at` integer,
	`follow_up_at` integer,
	`refusal_reason` text,
	`awaiting_disposition` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`customer_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `operators`(`operator_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `leads_phone_open` ON `leads` (`phone`,`closed_at`);--> statement-breakpoint
CREATE INDEX `leads_email_open` ON `leads` (`email`,`closed_at`);--> statement-breakpoint
CREATE INDEX `leads_owner` ON `leads` (`owner_id`,`status`);--> statement-breakpoint
CREATE INDEX `leads_status` ON `leads` (`status`,`status_since`);--> statement-breakpoint
CREATE INDEX `leads_created` ON `leads` (`created_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`outbox_id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`type` text NOT NULL,
	`url` text NOT NULL,
	`payload` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_event` ON `outbox` (`event_id`);