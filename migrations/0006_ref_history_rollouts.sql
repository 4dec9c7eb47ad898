ALTER TABLE `ref_history` ADD `rollout_id` text;--> statement-breakpoint
CREATE INDEX `ref_history_by_time` ON `ref_history` (`model_id`,`ref`,`at`);--> statement-breakpoint
CREATE INDEX `rollouts_by_ref` ON `rollouts` (`model_id`,`ref`,`created_at`);--> statement-breakpoint
CREATE INDEX `rollouts_by_candidate` ON `rollouts` (`candidate_version_id`);--> statement-breakpoint
CREATE INDEX `rollouts_by_stable` ON `rollouts` (`stable_version_id`);