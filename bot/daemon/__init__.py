"""The always-on bot: watch the folder, plan, schedule, post, and bring statements back on anniversaries."""

# Jobs that statement-bot 0.1 stored in a state file name their function "bot.daemon:fire".
from bot.daemon.scheduler import fire as fire
