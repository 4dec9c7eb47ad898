CREATE TABLE `drift_reports` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` text NOT NULL,
	`version_id` text NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`dataset_drift` integer NOT NULL,
	`drift_share` real NOT NULL,
	`current_rows` integer NOT NULL,
	`features` text NOT NULL,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`version_id`) REFERENCES `versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `drift_reports_by_model` ON `drift_reports` (`model_id`,`at`,`id`);--> statement-breakpoint
CREATE TABLE `observations` (
	`version_id` text NOT NULL,
	`metric` text NOT NULL,
	`window_start` text NOT NULL,
	`count` integer NOT NULL,
	`sum` real NOT NULL,
	`sum_squares` real NOT NULL,
	PRIMARY KEY(`version_id`, `metric`, `window_start`),
	FOREIGN KEY (`version_id`) REFERENCES `versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `policies` (
	`model_id` text PRIMARY KEY NOT NULL,
	`policy` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`webhook_id` text NOT NULL,
	`event_id` text NOT NULL,
	`event` text NOT NULL,
	`model` text,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`attempts` text DEFAULT '[]' NOT NULL,
	`next_attempt_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_by_webhook` ON `webhook_deliveries` (`webhook_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`model_glob` text DEFAULT '*' NOT NULL,
	`secret` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`deleted_at` text
);
--> statement-breakpoint
CREATE INDEX `webhooks_by_created` ON `webhooks` (`created_at`);