-- A supervisor's own phone for listening in when the user is no operator (PJSIP/150), and each
-- listen/whisper/barge session's steps on the call's story.
ALTER TABLE `users` ADD `phone_endpoint` text;
--> statement-breakpoint
CREATE TABLE `call_supervision_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`call_id` text NOT NULL,
	`user_id` text NOT NULL,
	`user_name` text NOT NULL,
	`kind` text NOT NULL,
	`mode` text,
	`detail` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `call_supervision_events_call` ON `call_supervision_events` (`call_id`, `at`);
