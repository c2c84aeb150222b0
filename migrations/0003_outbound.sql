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
ALTER TABLE `calls` ADD `lead_id` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `dialled_phone` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `placed_by` text;--> statement-breakpoint
CREATE INDEX `calls_lead` ON `calls` (`lead_id`);--> statement-breakpoint
ALTER TABLE `customers` ADD `merged_into` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `merged_at` integer;--> statement-breakpoint
CREATE INDEX `customers_merged_into` ON `customers` (`merged_into`);--> statement-breakpoint
CREATE INDEX `leads_customer` ON `leads` (`customer_id`,`status`);