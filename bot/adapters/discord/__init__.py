"""Discord glue: the discord.py bot, converters to core models, DiscordPlatform, views and i18n."""
