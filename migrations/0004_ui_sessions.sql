CREATE TABLE `ui_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`token_id` text,
	`admin_secret_hash` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`ended_at` text,
	FOREIGN KEY (`token_id`) REFERENCES `tokens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ui_sessions_by_token` ON `ui_sessions` (`token_id`);