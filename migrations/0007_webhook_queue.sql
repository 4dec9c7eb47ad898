ALTER TABLE `webhook_deliveries` ADD `sequence` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `generation` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `lease_until` text;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `waiting` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_by_stream` ON `webhook_deliveries` (`webhook_id`,`model`,`sequence`);--> statement-breakpoint
ALTER TABLE `webhooks` ADD `ordered` integer DEFAULT false NOT NULL;